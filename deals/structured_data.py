"""schema.org data for a deal page, built only from what everyone may read.

Search engines are anonymous visitors: a members-only deal's details, terms, instructions and
code never go in, whoever is looking at the page.
"""

from django.utils import timezone


def offer_json_ld(deal, *, url: str, business_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Offer",
        "name": deal.title,
        "description": deal.summary,
        "url": url,
        "validFrom": timezone.localtime(deal.valid_from).isoformat(),
        "offeredBy": {"@type": "LocalBusiness", "name": deal.business.name, "url": business_url},
    }
    if deal.valid_until:
        data["validThrough"] = timezone.localtime(deal.valid_until).isoformat()
    if deal.members_only:
        data["eligibleCustomerType"] = "Chamber members"
    return data
