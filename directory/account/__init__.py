"""The member's own listings in the account area (/account/listings/)."""

from django.urls import reverse

from chamber import emails


def listings_url(member) -> str:
    """The member's listings in the account area, as a full link for e-mails; `?member=` picks
    the member for a contact who represents several."""
    return emails.absolute(reverse("account_listings:listings") + f"?member={member.pk}")
