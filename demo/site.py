"""The demo chamber ("Riverside Chamber of Commerce") that `setup_site --demo` builds: chamber
settings, editorial pages and a year of news, the directory with its members, dues history and
applications, a member login, deals, events and jobs. Registered with the site setup in
demo/apps.py; no other app imports this one."""

from demo.deals import build_deals
from demo.directory import build_directory, ensure_demo_member_listings
from demo.events import build_events
from demo.jobs import build_jobs
from demo.membership import DEMO_MEMBER_EMAIL, build_membership
from demo.pages import build_pages


def build_demo(*, home, site, log) -> None:
    build_pages(home=home, site=site, log=log)
    build_directory(log=log)
    if build_membership(log=log):
        ensure_demo_member_listings(email=DEMO_MEMBER_EMAIL)
    build_deals(log=log)
    build_events(log=log)
    build_jobs(log=log)
