"""What setup_site needs from deals: the /deals/ page and staff permissions
(registered in deals/apps.py)."""

from chamber.roles import DIRECTORY_MODERATORS
from chamber.site_setup import add_fixed_page
from deals.models.pages import DealsIndexPage

GROUP_PERMISSIONS = {
    # Publishing a deal is approving a member's submission.
    DIRECTORY_MODERATORS: [
        "deals.add_deal",
        "deals.change_deal",
        "deals.delete_deal",
        "deals.publish_deal",
        "deals.lock_deal",
        "deals.unlock_deal",
        "deals.view_dealredemption",
    ],
}


def ensure_pages(*, home) -> None:
    if DealsIndexPage.objects.exists():
        return
    page = DealsIndexPage(
        title="Member deals",
        slug="deals",
        show_in_menus=True,
        intro="Offers from chamber member businesses: some for everyone, most for fellow members.",
    )
    add_fixed_page(home, page)
