"""What setup_site needs from membership: the /join/ page and staff permissions
(registered in membership/apps.py)."""

from chamber.roles import MEMBERSHIP_STAFF
from chamber.site_setup import add_fixed_page
from membership.models.pages import JoinPage

GROUP_PERMISSIONS = {
    MEMBERSHIP_STAFF: [
        "membership.view_member",
        "membership.add_member",
        "membership.change_member",
        "membership.view_membercontact",
        "membership.add_membercontact",
        "membership.change_membercontact",
        "membership.delete_membercontact",
        "membership.view_contactinvitation",
        "membership.view_application",
        "membership.change_application",  # approve and reject
        "membership.view_payment",
        "membership.add_payment",  # record offline payments; set status and paid-through
        "membership.change_payment",  # void, adjust and refund (membership/corrections.py)
        "membership.view_renewalreminder",
        "membership.view_stripeevent",
        "membership.view_membershiplevel",
        "membership.add_membershiplevel",
        "membership.change_membershiplevel",
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
