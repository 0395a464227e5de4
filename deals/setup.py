"""What setup_site needs from deals: the /deals/ page and staff permissions."""

from deals.models import DealsIndexPage

GROUP_PERMISSIONS = {
    "Chamber staff": [
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
    home.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
