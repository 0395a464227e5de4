"""schema.org data for listings, built from what the public may see."""

from wagtail.images.models import Image

from chamber.site_url import absolute_url


def local_business_json_ld(business, *, url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": business.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": business.street,
            "addressLocality": business.city,
            "addressRegion": business.region,
            "postalCode": business.postcode,
            "addressCountry": business.country,
        },
    }
    if business.summary:
        data["description"] = business.summary
    if business.latitude is not None and business.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(business.latitude),
            "longitude": float(business.longitude),
        }
    # Only what anonymous visitors may see: search engines are anonymous visitors.
    if business.phone and business.phone_visibility == business.Visibility.PUBLIC:
        data["telephone"] = business.phone
    if business.email and business.email_visibility == business.Visibility.PUBLIC:
        data["email"] = business.email
    if business.website:
        data["sameAs"] = [business.website]
    if business.shows_social_links:
        data.setdefault("sameAs", []).extend(link for _label, link in business.social_links)
    if business.shows_logo:
        logo: Image = business.logo
        rendition = logo.get_rendition("fill-400x400")
        data["logo"] = data["image"] = absolute_url(rendition.url)
    data["address"] = {key: value for key, value in data["address"].items() if value}
    return data
