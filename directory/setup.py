"""What setup_site needs from the directory: the /directory/ page and staff permissions
(registered in directory/apps.py)."""

from chamber.roles import DIRECTORY_MODERATORS
from chamber.site_setup import add_fixed_page
from directory.models.pages import DirectoryPage

GROUP_PERMISSIONS = {
    DIRECTORY_MODERATORS: [
        # Publishing a listing is approving the member's changes.
        "directory.add_business",
        "directory.change_business",
        "directory.delete_business",
        "directory.publish_business",
        "directory.lock_business",
        "directory.unlock_business",
        "directory.add_category",
        "directory.change_category",
        "directory.delete_category",
        "directory.view_contactmessage",
        "directory.view_listingdailystats",  # the directory engagement report
        # No membership permission, not even to view members: a member's history holds its
        # payments. The listing form's member chooser is opened to them (directory/apps.py).
    ],
}


def ensure_pages(*, home) -> None:
    if DirectoryPage.objects.exists():
        return
    page = DirectoryPage(
        title="Business directory",
        slug="directory",
        show_in_menus=True,
        intro="Find a member business by name, trade or town.",
    )
    add_fixed_page(home, page)
