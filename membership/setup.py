"""What setup_site needs from membership: the /join/ page and staff permissions
(registered in membership/apps.py)."""

from chamber.site_setup import add_fixed_page
from membership.models.pages import JoinPage

GROUP_PERMISSIONS = {
    "Chamber staff": [
        "membership.view_application",
        "membership.change_application",
        "membership.view_payment",
        "membership.add_payment",
        "membership.view_stripeevent",
        "membership.view_renewalreminder",
        "membership.view_contactinvitation",
    ],
}

INTRO = (
    "<p>Membership puts your business in front of the whole valley: a listing in the business "
    "directory, discounts from other members, and a voice at city hall.</p>"
)
OFFLINE = (
    "<p>The chamber office will review your application and send you an invoice. You can pay "
    "by cheque or bank transfer; your membership starts when the payment arrives.</p>"
)


def ensure_pages(*, home) -> None:
    if JoinPage.objects.exists():
        return
    page = JoinPage(
        title="Become a member",
        slug="join",
        show_in_menus=False,
        intro=INTRO,
        offline_payment_text=OFFLINE,
    )
    add_fixed_page(home, page)
