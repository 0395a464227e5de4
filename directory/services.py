"""Writes to the directory that other apps ask for."""

from django.db import transaction
from wagtail.models import Site

from chamber.models import ChamberSettings
from directory.models import Business


@transaction.atomic
def listing_create_from_application(member, application) -> Business:
    """A new member's first listing, filled in from its application.

    It is saved as a draft revision; it goes live at once unless the chamber's settings say new
    listings need staff approval (then staff publish it from the admin).
    """
    listing = Business(
        member=member,
        name=application.organisation_name,
        street=application.street,
        city=application.city,
        region=application.region,
        postcode=application.postcode,
        country=application.country,
        phone=application.phone,
        email=application.email,
        website=application.website,
        live=False,
    )
    listing.save()
    if application.primary_category_id:
        listing.categories.set([application.primary_category_id])
        listing.save()
    revision = listing.save_revision(log_action=True)
    site = Site.objects.filter(is_default_site=True).first()
    needs_approval = ChamberSettings.for_site(site).new_listings_need_approval if site else True
    if not needs_approval:
        revision.publish(log_action=True)
    return listing
