"""What the directory does when membership changes: keep listings' copies of their member's
state in step, and make a new member's first listing; and dropping its caches on changes."""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search import index
from wagtail.search.backends import get_search_backends
from wagtail.signals import published

from directory import caches
from directory.models.listings import Business, Category
from directory.services import (
    drop_unwanted_logos,
    listing_create_from_application,
    listing_published,
)
from membership.models import Member, MembershipLevel
from membership.signals import good_standing_changed, member_created_from_application


def businesses_refresh_member_state(*, members=None) -> int:
    """Copy good standing and featured placement from members onto their listings.

    One UPDATE with correlated subqueries, whatever the number of listings.
    """
    listings = Business.objects.all()
    if members is not None:
        listings = listings.filter(member__in=members)
    member = Member.objects.filter(pk=OuterRef("member_id"))
    return listings.update(
        public_until=Subquery(member.values("good_standing_until")[:1]),
        is_featured=Subquery(member.values("level__featured_placement")[:1]),
    )


@receiver(post_save, sender=Member, dispatch_uid="directory_member_saved")
def member_saved(sender, instance, **kwargs):
    businesses_refresh_member_state(members=[instance.pk])


@receiver(post_save, sender=MembershipLevel, dispatch_uid="directory_level_saved")
def level_saved(sender, instance, **kwargs):
    businesses_refresh_member_state(members=Member.objects.filter(level=instance))


@receiver(good_standing_changed, dispatch_uid="directory_good_standing_changed")
def good_standing_bulk_changed(sender, member_ids=None, **kwargs):
    businesses_refresh_member_state(members=member_ids)


@receiver(post_save, sender=Category, dispatch_uid="directory_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="directory_category_deleted")
@receiver(post_save, sender=MembershipLevel, dispatch_uid="directory_level_cache")
@receiver(post_delete, sender=MembershipLevel, dispatch_uid="directory_level_deleted")
def taxonomy_saved(sender, **kwargs):
    caches.taxonomy_changed()


@receiver(post_save, sender=Business, dispatch_uid="directory_facets_business_saved")
@receiver(post_delete, sender=Business, dispatch_uid="directory_facets_business_deleted")
@receiver(post_save, sender=Member, dispatch_uid="directory_facets_member_saved")
@receiver(post_delete, sender=Member, dispatch_uid="directory_facets_member_deleted")
@receiver(post_save, sender=Category, dispatch_uid="directory_facets_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="directory_facets_category_deleted")
@receiver(good_standing_changed, dispatch_uid="directory_facets_standing_changed")
def facets_changed(sender, **kwargs):
    caches.listings_changed()


# Listings re-indexed at a time when a category's name or synonyms change (search finds a
# listing by them): a few hundred per add_bulk, not one write per listing.
REINDEX_CHUNK = 500


@receiver(post_save, sender=Category, dispatch_uid="directory_category_reindex_listings")
def category_saved_reindex_listings(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # a new category has no listings yet
    listings = Business.get_indexed_objects().filter(categories=instance).order_by("pk")
    backends = list(get_search_backends(with_auto_update=True))
    for start in range(0, listings.count(), REINDEX_CHUNK):
        chunk = list(listings[start : start + REINDEX_CHUNK])
        for backend in backends:
            backend.add_bulk(Business, chunk)


@receiver(post_delete, sender=Business, dispatch_uid="directory_business_unindexed")
def business_deleted(sender, instance, **kwargs):
    index.remove_object(instance)


@receiver(post_delete, sender=Business, dispatch_uid="directory_business_deleted_logos")
def business_deleted_drop_logos(sender, instance, **kwargs):
    """A listing deleted (by staff, or with its member) while a logo waited for review for it:
    no draft wants the upload any more (issue #23.6)."""
    drop_unwanted_logos()


@receiver(member_created_from_application, dispatch_uid="directory_first_listing")
def first_listing(sender, member, application, **kwargs):
    """A new member's first listing, a draft made from its application."""
    listing_create_from_application(member, application)


@receiver(published, sender=Business, dispatch_uid="directory_listing_published")
def business_published(sender, instance, **kwargs):
    listing_published(instance)
