"""What setup_site needs from events: the /events/ page and staff permissions (registered in
events/apps.py)."""

from chamber.roles import MEMBERSHIP_STAFF, PAGE_MODERATORS
from chamber.site_setup import add_fixed_page
from events.models import EventIndexPage

# Registrations are people (guests' names and e-mails) and money: Membership staff, who also
# follow guests up towards membership. The event pages themselves are Editors' pages.
GROUP_PERMISSIONS = {
    # Events members submit from their account wait in the review queue for those who publish
    # pages.
    PAGE_MODERATORS: ["events.review_eventpage"],
    MEMBERSHIP_STAFF: [
        "events.view_registration",
        "events.add_registration",
        "events.change_registration",
    ],
}


def ensure_pages(*, home) -> None:
    if EventIndexPage.objects.exists():
        return
    page = EventIndexPage(
        title="Events",
        slug="events",
        show_in_menus=True,
        intro="Mixers, ribbon cuttings, workshops and policy breakfasts: meet the people who "
        "make our local economy work. Members pay member rates; guests are always welcome.",
    )
    add_fixed_page(home, page)
