"""schema.org `Event` JSON-LD for an event's page (Google's rich results for events)."""

from events.selectors import seats_left

STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}
ATTENDANCE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def _date(event, value):
    """All-day events as dates; timed ones with their UTC offset (ISO 8601)."""
    return value.date().isoformat() if event.all_day else value.isoformat()


def event_json_ld(
    event, *, url: str, chamber_name: str, chamber_url: str, organiser_url: str, image_url=""
) -> dict:
    place = {
        "@type": "Place",
        "name": event.venue_name or event.city,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": event.street,
            "addressLocality": event.city,
            "addressRegion": event.region,
            "postalCode": event.postcode,
        },
    }
    # The online link is for attendees only: the virtual location is the event's own page.
    virtual = {"@type": "VirtualLocation", "url": url}
    mode = event.attendance_mode
    location = {"offline": place, "online": virtual, "mixed": [place, virtual]}[mode]
    left = seats_left(event)
    availability = "https://schema.org/SoldOut" if left == 0 else "https://schema.org/InStock"
    offers = [
        {
            "@type": "Offer",
            "name": ticket.name,
            "price": str(ticket.non_member_price),
            "priceCurrency": event.currency.upper(),
            "availability": availability,
            "url": url,
            **(
                {"validFrom": event.registration_opens_at.isoformat()}
                if event.registration_opens_at
                else {}
            ),
        }
        for ticket in event.on_sale_ticket_types()
    ]
    if event.organiser_id:
        organizer = {"@type": "Organization", "name": event.organiser.name, "url": organiser_url}
    else:
        organizer = {"@type": "Organization", "name": chamber_name, "url": chamber_url}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": _date(event, event.local_start),
        "endDate": _date(event, event.local_end),
        "eventStatus": STATUS[event.status],
        "eventAttendanceMode": ATTENDANCE[mode],
        "location": location,
        "organizer": organizer,
        "offers": offers,
        "url": url,
    }
    if image_url:
        data["image"] = [image_url]
    return data
