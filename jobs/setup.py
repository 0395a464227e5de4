"""What setup_site needs from jobs: the /jobs/ page and staff permissions (registered in
jobs/apps.py)."""

from chamber.roles import DIRECTORY_MODERATORS
from chamber.site_setup import add_fixed_page
from jobs.models.pages import JobsIndexPage

GROUP_PERMISSIONS = {
    # Publishing a job is approving a member's posting, as for deals.
    DIRECTORY_MODERATORS: [
        "jobs.add_jobposting",
        "jobs.change_jobposting",
        "jobs.delete_jobposting",
        "jobs.publish_jobposting",
        "jobs.lock_jobposting",
        "jobs.unlock_jobposting",
    ],
}


def ensure_pages(*, home) -> None:
    if JobsIndexPage.objects.exists():
        return
    page = JobsIndexPage(
        title="Job board",
        slug="jobs",
        show_in_menus=True,
        intro="Jobs at chamber member businesses: work close to home, with employers who "
        "invest in the local economy.",
    )
    add_fixed_page(home, page)
