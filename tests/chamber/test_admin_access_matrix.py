"""Every admin URL checks model permissions (issue #18): the admin access matrix.

Every URL pattern under /admin/ is enumerated from the URLconf (tests/chamber/admin_urls.py),
given real objects for its path arguments, and requested (GET) by an anonymous visitor, by a
user of each staff role `setup_site` makes (chamber/roles.py) and by a superuser. What each gets
must be what RULES says. A new admin URL that no rule matches fails the test, naming it.

RULES is a list of (pattern, outcomes): the first pattern (`fnmatch`, `*` for any text) that
matches a URL's key decides. A key is the URL name ("wagtailsnippets_membership_payment:list"),
or the route of an unnamed pattern, with "@variant" where one pattern gives several URLs (see
admin_urls.py): "wagtail_bulk_action@membership.payment.delete",
"wagtailsnippets_membership_payment:list@csv" (the CSV export).

Outcomes are built by `only(...)` (the named roles and superusers get the page, the others are
refused, anonymous visitors are sent to log in) or `outcomes(default, role=...)`, from:
OK (200), LOGIN (sent to the admin's log-in page), DENIED (Wagtail's "Sorry, you do not have
permission" redirect, or 403), MISSING (404), POST_ONLY (405 to a GET), REDIRECT (a redirect
that is not a refusal), ERROR (the view raised). Requests are GETs: an action that only posts
is checked by its own tests.
"""

import fnmatch

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupApprovalTask, Site, UploadedFile

from chamber import emails, roles
from chamber.mail import deliver_queued, mail_rows
from chamber.models import ChamberSettings
from deals.models import DealRedemption
from directory.models import ContactMessage
from events.models import Registration
from home.models import StandardPage
from membership import dues
from membership.models import (
    Application,
    ContactInvitation,
    Payment,
    RenewalReminder,
    StripeEvent,
)
from tests.chamber.admin_urls import Objects, admin_patterns, concrete_urls
from tests.events.helpers import make_event
from tests.factories import (
    ApplicationFactory,
    DealFactory,
    DocumentFactory,
    ImageFactory,
    JobPostingFactory,
    PersonFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

OK = "200"
LOGIN = "login"
DENIED = "denied"
MISSING = "404"
POST_ONLY = "405"
REDIRECT = "redirect"
ERROR = "error"

# The users who ask, and the group each is in (chamber/roles.py).
ROLE_GROUPS = {
    "editor": roles.EDITORS,
    "directory": roles.DIRECTORY_MODERATORS,
    "membership": roles.MEMBERSHIP_STAFF,
    "chamber": roles.CHAMBER_STAFF,
}
COLUMNS = ("anonymous", *ROLE_GROUPS, "superuser")


def outcomes(default=DENIED, *, anonymous=LOGIN, **by_role) -> dict[str, str]:
    """`default` for every signed-in role not named; anonymous visitors go to log in."""
    unknown = by_role.keys() - set(COLUMNS)
    assert not unknown, f"no such role: {unknown}"
    return {"anonymous": anonymous} | {
        column: by_role.get(column, default) for column in COLUMNS[1:]
    }


def only(*role_names) -> dict[str, str]:
    """The named roles and superusers get the page; every other signed-in role is refused."""
    return outcomes(**dict.fromkeys((*role_names, "superuser"), OK))


STAFF = only(*ROLE_GROUPS)  # anyone with admin access
EDITORS = only("editor", "chamber")  # pages, news topics and authors, documents
DIRECTORY = only("directory", "chamber")
MEMBERSHIP = only("membership", "chamber")
OFFICE = only("chamber")  # the chamber's settings, redirects, promotions, outgoing e-mail
SUPERUSERS = only()  # users, groups, sites, collections, workflows
NOBODY = outcomes()  # records that are never added, edited or deleted in the admin (read-only)
PUBLIC_CHOOSER = STAFF  # what the public site shows anyway (see test_chooser_access.py)
PUBLIC = outcomes(OK, anonymous=OK)


def everyone(outcome) -> dict[str, str]:
    """`outcome` for every signed-in user, however privileged."""
    return outcomes(outcome)


READ_ONLY_MODELS = [
    "membership_application",
    "membership_payment",
    "membership_stripeevent",
    "membership_renewalreminder",
    "membership_contactinvitation",
    "directory_contactmessage",
    "deals_dealredemption",
]
# Locking posts; the view refuses a GET from those who may lock, and refuses the others.
LOCK = outcomes(directory=POST_ONLY, chamber=POST_ONLY, superuser=POST_ONLY)

RULES: list[tuple[str, dict[str, str]]] = [
    # ---------------------------------------------------------------------------------------
    # LEAD: add rows for new admin URLs here (the first matching pattern wins, so put a
    # specific one above a broader one). An app's viewset URLs are usually one row per model.
    # ---------------------------------------------------------------------------------------
    #
    # Reports -------------------------------------------------------------------------------
    # Event guests to members (events/reports.py): who registered, who applied.
    ("events_guest_conversion*", MEMBERSHIP),
    ("events_attendance*", MEMBERSHIP),  # attendance and ticket revenue per event
    #
    # The chamber's records --------------------------------------------------------------------
    # Members: Membership staff. Directory moderators may pick a listing's member by name in
    # the chooser (directory/apps.py), nothing more: a member's history holds its payments.
    ("wagtailsnippets_membership_member:delete", SUPERUSERS),
    ("wagtailsnippets_membership_member:*", MEMBERSHIP),
    ("wagtailsnippetchoosers_membership_member:create", MEMBERSHIP),
    ("wagtailsnippetchoosers_membership_member:*", only("directory", "membership", "chamber")),
    # The roster import (directory/roster): those who may add and change members. A preview
    # is only its uploader's: the matrix's made-up token is nobody's upload.
    (
        "roster_import:preview",
        outcomes(membership=MISSING, chamber=MISSING, superuser=MISSING),
    ),
    (
        "roster_import:status",
        outcomes(membership=MISSING, chamber=MISSING, superuser=MISSING),
    ),
    ("roster_import:*", MEMBERSHIP),
    # Records of what happened (chamber.viewsets.ReadOnlySnippetViewSet): listed, exported,
    # inspected, never added, edited or deleted, not even by a superuser.
    *(
        (f"wagtailsnippet*_{model}:{view}", NOBODY)
        for model in READ_ONLY_MODELS
        for view in ("add", "edit", "delete", "usage", "create")
    ),
    # Levels: the public join page lists them, so any staff may choose one.
    ("wagtailsnippets_membership_membershiplevel:delete", SUPERUSERS),
    ("wagtailsnippetchoosers_membership_membershiplevel:create", MEMBERSHIP),
    ("wagtailsnippetchoosers_membership_membershiplevel:*", PUBLIC_CHOOSER),
    # Refunds are for card payments (the fixture's is a cheque) and moving subscribers needs
    # Stripe: those who may are sent back with a message.
    (
        "wagtailsnippets_membership_payment:refund",
        MEMBERSHIP | dict.fromkeys(("membership", "chamber", "superuser"), REDIRECT),
    ),
    (
        "wagtailsnippets_membership_membershiplevel:move_subscribers",
        MEMBERSHIP | dict.fromkeys(("membership", "chamber", "superuser"), REDIRECT),
    ),
    # Applications, payments (receipts), contacts, invitations, reminders, Stripe events.
    ("wagtailsnippet*_membership_*", MEMBERSHIP),
    # Event registrations (guests' names and e-mails, tickets paid): Membership staff.
    ("wagtailsnippets_events_registration:delete", SUPERUSERS),
    # Cancelling an event publishes its page and refunds its registrations: both rights.
    ("wagtailsnippets_events_registration:cancel_event", OFFICE),
    ("wagtailsnippet*_events_*", MEMBERSHIP),
    # The review queue of members' listing edits and deals: who may publish them. Approving
    # and sending back are posted.
    ("review_queue:approve", outcomes(directory=POST_ONLY, chamber=POST_ONLY, superuser=POST_ONLY)),
    (
        "review_queue:send_back",
        outcomes(directory=POST_ONLY, chamber=POST_ONLY, superuser=POST_ONLY),
    ),
    ("review_queue:*", DIRECTORY),
    # Listings, categories and deals: Directory moderators; public, so anyone may choose them.
    ("wagtailsnippets_*:lock", LOCK),
    ("wagtailsnippets_*:unlock", LOCK),
    ("wagtailsnippetchoosers_directory_contactmessage:*", DIRECTORY),
    ("wagtailsnippetchoosers_deals_dealredemption:*", DIRECTORY),
    ("wagtailsnippetchoosers_directory_*:create", DIRECTORY),
    ("wagtailsnippetchoosers_deals_*:create", DIRECTORY),
    ("wagtailsnippetchoosers_directory_*", PUBLIC_CHOOSER),
    ("wagtailsnippetchoosers_deals_*", PUBLIC_CHOOSER),
    ("wagtailsnippets_directory_*", DIRECTORY),
    ("wagtailsnippets_deals_*", DIRECTORY),
    # Job postings: Directory moderators approve them, as deals; open jobs are public.
    ("wagtailsnippetchoosers_jobs_*:create", DIRECTORY),
    ("wagtailsnippetchoosers_jobs_*", PUBLIC_CHOOSER),
    ("wagtailsnippets_jobs_*", DIRECTORY),
    # News topics and authors: Editors.
    ("wagtailsnippetchoosers_home_*:create", EDITORS),
    ("wagtailsnippetchoosers_home_*", PUBLIC_CHOOSER),
    ("wagtailsnippets_home_*", EDITORS),
    # Snippets are all in menu groups: Wagtail's snippet index has nothing to show.
    ("wagtailsnippets:index", NOBODY),
    # Bulk actions: the confirmation lists the chosen records by name (chamber/wagtail_hooks.py).
    ("wagtail_bulk_action@auth.user.*", SUPERUSERS),
    ("wagtail_bulk_action@membership.*", MEMBERSHIP),
    ("wagtail_bulk_action@events.*", MEMBERSHIP),
    ("wagtail_bulk_action@directory.*", DIRECTORY),
    ("wagtail_bulk_action@deals.*", DIRECTORY),
    ("wagtail_bulk_action@jobs.*", DIRECTORY),
    ("wagtail_bulk_action@home.*", EDITORS),
    ("wagtail_bulk_action@wagtailcore.page.*", EDITORS),
    ("wagtail_bulk_action@wagtaildocs.*", EDITORS),
    ("wagtail_bulk_action@wagtailimages.*", only("editor", "directory", "chamber")),
    #
    # The office: settings, outgoing e-mail, redirects, promoted search results -------------
    ("outgoing_mail:index*", OFFICE),
    ("outgoing_mail:send_again", OFFICE),
    ("outgoing_mail:*", NOBODY),  # the queue's rows are never added, edited or deleted here
    ("wagtailsettings:preview_on_edit", outcomes(chamber=MISSING, superuser=MISSING)),
    # Without a pk: to the settings of the default site.
    ("wagtailsettings:edit@app_name/model_name", outcomes(chamber=REDIRECT, superuser=REDIRECT)),
    ("wagtailsettings:*", OFFICE),
    ("wagtailredirects:process_import", outcomes(chamber=POST_ONLY, superuser=POST_ONLY)),
    ("wagtailredirects:*", OFFICE),
    # Wagtail shows popular search terms in this chooser to any admin user (its "Search terms"
    # report is for superusers): the public's queries, no member data.
    ("wagtailsearchpromotions:chooser*", STAFF),
    ("wagtailsearchpromotions:search_terms*", SUPERUSERS),
    ("wagtailsearchpromotions:*", OFFICE),
    #
    # Pages -----------------------------------------------------------------------------------
    (
        "wagtailadmin_explore_root",
        only("editor", "chamber") | {"editor": REDIRECT, "chamber": REDIRECT},
    ),
    ("wagtailadmin_explore*", EDITORS),
    # Wagtail: a page without an alias, a one-page-type parent, a POST-only action.
    ("wagtailadmin_pages:convert_alias", everyone(MISSING)),
    (
        "wagtailadmin_pages:add_subpage",
        EDITORS | dict.fromkeys(("editor", "chamber", "superuser"), REDIRECT),
    ),
    ("wagtailadmin_pages:revisions_index", everyone(REDIRECT)),
    ("wagtailadmin_pages:lock", everyone(POST_ONLY)),
    ("wagtailadmin_pages:unlock", everyone(POST_ONLY)),
    ("wagtailadmin_pages:set_page_position", everyone(POST_ONLY)),
    # Lists the pages the user may add this type under: none for a role without pages.
    ("wagtailadmin_pages:choose_parent", STAFF),
    # Wagtail asks any admin user "publishing cancels the workflow?" about any page: the
    # page's title and its workflow's name, no member data.
    ("wagtailadmin_pages:confirm_workflow_cancellation", STAFF),
    # Publishing, moving, deleting and privacy: roles that publish; the page's approval
    # (Page moderators and Chamber staff, chamber/roles.py).
    ("wagtailadmin_pages:delete", OFFICE),
    ("wagtailadmin_pages:unpublish", OFFICE),
    ("wagtailadmin_pages:move*", OFFICE),
    ("wagtailadmin_pages:set_privacy", OFFICE),
    ("wagtailadmin_pages:revisions_unschedule", OFFICE),
    ("wagtailadmin_pages:workflow_action", OFFICE),
    ("wagtailadmin_pages:collect_workflow_action_data", OFFICE),
    ("wagtailadmin_pages:workflow_preview", OFFICE),
    ("wagtailadmin_pages:*", EDITORS),
    ("wagtailadmin_choose_page*", STAFF),  # Wagtail's page chooser: the page tree's titles
    # Forms: the site has no form pages.
    ("wagtailforms:list_submissions*", everyone(MISSING)),
    ("wagtailforms:delete_submissions", NOBODY),
    ("wagtailforms:index*", EDITORS),
    # Wagtail's admin API: the page tree as the user may explore it; images and documents
    # (titles and file addresses, which are public) to any admin user.
    ("wagtailadmin_api:pages:detail", EDITORS | {"directory": MISSING, "membership": MISSING}),
    ("wagtailadmin_api:*:find", everyone(MISSING)),
    ("wagtailadmin_api:pages:action", everyone(POST_ONLY)),
    ("wagtailadmin_api:*", STAFF),
    #
    # Images and documents ----------------------------------------------------------------
    # Directory moderators upload and choose images (listing logos, deal pictures).
    # The multiple-upload form, and the requests its script posts.
    ("wagtailimages:add_multiple", only("editor", "directory", "chamber")),
    ("wagtailimages:*_multiple*", everyone(POST_ONLY)),
    ("wagtailimages:index*", only("editor", "directory", "chamber")),
    ("wagtailimages:add", only("editor", "directory", "chamber")),
    ("wagtailimages:url_generator*", outcomes(MISSING, membership=DENIED)),  # not installed
    ("wagtailimages:*", EDITORS),
    ("wagtailimages_chooser:chosen_multiple", STAFF),
    ("wagtailimages_chooser:choose*", STAFF),  # lists only what the user may choose
    ("wagtailimages_chooser:*", only("editor", "directory", "chamber")),
    ("wagtaildocs:add_multiple", EDITORS),
    ("wagtaildocs:*_multiple*", everyone(POST_ONLY)),
    ("wagtaildocs:*", EDITORS),
    ("wagtaildocs_chooser:chosen_multiple", STAFF),
    ("wagtaildocs_chooser:choose*", STAFF),  # lists only what the user may choose
    ("wagtaildocs_chooser:*", EDITORS),
    ("wagtailembeds:*", STAFF),
    #
    # Reports ---------------------------------------------------------------------------------
    # Site history lists only the records the user may see (test_site_history_... below).
    ("wagtailadmin_reports:site_history*", STAFF),
    ("wagtailadmin_reports:locked_pages*", OFFICE),
    ("wagtailadmin_reports:*", EDITORS),
    # Members and retention need membership.view_member, revenue membership.view_payment (both
    # Membership staff's); directory engagement directory.view_listingdailystats (issue #19).
    ("membership_reports:revenue*", MEMBERSHIP),
    ("membership_reports:*", MEMBERSHIP),
    ("directory_reports:engagement*", DIRECTORY),
    # The job board report needs jobs.change_jobposting (Directory moderators').
    ("jobs_reports:*", DIRECTORY),
    #
    # Superusers' own: users, groups, sites, collections, workflows -----------------------------
    ("wagtailusers_*", SUPERUSERS),
    ("wagtailsites:*", SUPERUSERS),
    ("wagtailadmin_collections:delete", outcomes(MISSING, superuser=OK)),
    ("wagtailadmin_collections:*", SUPERUSERS),
    ("wagtailadmin_workflows:enable*", everyone(POST_ONLY)),
    ("wagtailadmin_workflows:remove@*", everyone(POST_ONLY)),
    ("wagtailadmin_workflows:select_task_type", outcomes(superuser=REDIRECT)),
    # Wagtail's task chooser lists tasks' names to any admin user; creating one needs
    # the permission.
    ("wagtailadmin_workflows:task_chooser*", STAFF),
    ("wagtailadmin_workflows:task_chosen", STAFF),
    ("wagtailadmin_workflows:*", SUPERUSERS),
    #
    # The admin's frame -----------------------------------------------------------------------
    ("wagtailadmin_home", STAFF),
    ("wagtailadmin_account", STAFF),
    ("wagtailadmin_dismissibles", STAFF),
    ("wagtailadmin_tag_autocomplete", STAFF),
    ("wagtailadmin_tag_model_autocomplete", STAFF),
    ("wagtailadmin_block_preview", everyone(MISSING)),
    ("wagtailadmin_editing_sessions:*", everyone(POST_ONLY)),
    ("wagtailadmin_logout", everyone(POST_ONLY)),
    ("wagtailadmin_error_test", everyone(ERROR)),
    ("admin/test404/", STAFF),
    ("admin/^.*/$", everyone(MISSING)),  # an unknown admin address
    ("wagtailadmin_login", everyone(REDIRECT) | {"anonymous": OK}),
    ("admin/password_reset/", everyone(REDIRECT) | {"anonymous": REDIRECT}),  # to /accounts/
    ("wagtailadmin_password_reset", everyone(REDIRECT) | {"anonymous": REDIRECT}),
    ("wagtailadmin_password_reset_*", PUBLIC),
    ("wagtailadmin_sprite", PUBLIC),
    ("wagtailadmin_javascript_catalog", PUBLIC),
]


def rule_for(key: str) -> tuple[str, dict[str, str]] | None:
    return next(
        ((pattern, expected) for pattern, expected in RULES if fnmatch.fnmatchcase(key, pattern)),
        None,
    )


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302):
        if response["Location"].startswith("/admin/login/"):
            return LOGIN
        # Wagtail's admin answers a refusal with a redirect and this message (added by this
        # request: earlier ones wait in the cookie, unread, as no redirect is followed).
        added = response.wsgi_request._messages._queued_messages
        if any("permission" in str(message) for message in added):
            return DENIED
        return REDIRECT
    if status == 403:
        return DENIED
    return str(status)


class DownBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def objects(site_tree, member_a, settings, django_user_model) -> Objects:
    """One real object of every kind an admin URL names, and the users of each role."""
    home = site_tree.home
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    member = member_a
    contact = member.contacts.get()
    business = member.business
    business.save_revision(user=superuser)
    deal = DealFactory(business=business, publish=True)
    job = JobPostingFactory(business=business, publish=True)
    payment = dues.record_offline_payment(
        member,
        amount=member.level.annual_dues,
        method=Payment.Method.CHEQUE,
        paid_on=timezone.localdate(),
        reference="cheque 1021",
        user=superuser,
    )
    application = ApplicationFactory(level=member.level, status=Application.Status.SUBMITTED)

    page = home.add_child(instance=StandardPage(title="About the chamber", slug="about"))
    revision = page.save_revision(user=superuser)
    workflow_state = page.get_workflow().start(page, superuser)
    task = GroupApprovalTask.objects.get()

    settings.MAIL_DELIVERY = "queue"
    settings.MAIL_RETRY_MINUTES = []
    settings.MAIL_TRANSPORT = f"{__name__}.DownBackend"
    emails.send("membership/emails/application_rejected", ["ada@aspen.example"], {})
    deliver_queued()
    settings.MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"

    image = ImageFactory()
    event = make_event("Autumn mixer")
    registration = Registration.objects.create(
        event=event,
        name="Gus Guest",
        email="gus@example.org",
        status=Registration.Status.CONFIRMED,
    )
    found = Objects(
        {
            "home": home,
            "page": page,
            "revision:page": revision,
            "workflow": page.get_workflow(),
            "task": task,
            "workflow_state": workflow_state,
            "task_state": workflow_state.current_task_state,
            "mail": mail_rows().filter(status="FAILED").first(),
            "upload": UploadedFile.objects.create(
                file=ContentFile(b"GIF89a", name="upload.gif"),
                for_content_type=ContentType.objects.get_for_model(get_image_model()),
                uploaded_by_user=superuser,
            ),
            "editing_session": EditingSession.objects.create(
                user=superuser,
                content_type=ContentType.objects.get_for_model(page.specific_class),
                object_id=str(page.pk),
                last_seen_at=timezone.now(),
            ),
            "membership.member": member,
            "membership.membercontact": contact,
            "membership.membershiplevel": member.level,
            "membership.application": application,
            "membership.payment": payment,
            "membership.stripeevent": StripeEvent.objects.create(
                stripe_id="evt_matrix",
                type="invoice.payment_failed",
                created=timezone.now(),
                payload={"id": "evt_matrix"},
            ),
            "membership.renewalreminder": RenewalReminder.objects.create(
                member=member,
                stage=-30,
                period_end=member.paid_through,
                sent_to="ada@aspen.example",
            ),
            "membership.contactinvitation": ContactInvitation.objects.create(
                member=member,
                email="new@aspen.example",
                invited_by=member.user,
                expires_at=timezone.now() + timezone.timedelta(days=7),
            ),
            "directory.business": business,
            "revision:directory.business": business.latest_revision,
            "directory.category": business.categories.first(),
            "directory.contactmessage": ContactMessage.objects.create(
                business=business,
                sender_name="Vic Visitor",
                sender_email="vic@example.org",
                message_digest="0" * 64,
                message_length=12,
            ),
            "deals.deal": deal,
            "jobs.jobposting": job,
            "revision:jobs.jobposting": job.latest_revision,
            "revision:deals.deal": deal.latest_revision,
            "deals.dealredemption": DealRedemption.objects.create(
                deal=deal, member=member, user=member.user, redeemed_on=timezone.localdate()
            ),
            "events.eventpage": event,
            "events.registration": registration,
            "home.topic": TopicFactory(),
            "home.person": PersonFactory(),
            "wagtailimages.image": image,
            "wagtaildocs.document": DocumentFactory(),
            "wagtailcore.collection": Collection.get_first_root_node().add_child(
                name="Board papers"
            ),
            "wagtailcore.site": Site.objects.get(),
            "chamber.chambersettings": ChamberSettings.for_site(Site.objects.get()),
            "wagtailredirects.redirect": Redirect.objects.create(
                old_path="/old-news", redirect_link="/news/"
            ),
            "wagtailsearchpromotions.query": Query.get("parking"),
            "auth.user": member.user,
            "auth.group": Group.objects.get(name=roles.EDITORS),
            "superuser": superuser,
            "anonymous": None,
        }
    )
    for column, group_name in ROLE_GROUPS.items():
        user = django_user_model.objects.create_user(column, f"{column}@chamber.example", "x")
        user.groups.add(Group.objects.get(name=group_name))
        found[column] = user
    return found


def admin_urls(objects) -> list[tuple[str, str]]:
    return [pair for pattern in admin_patterns() for pair in concrete_urls(pattern, objects)]


def test_every_admin_url_has_a_rule(objects):
    urls = admin_urls(objects)
    keys = [key for key, _ in urls]
    assert len(keys) > 400  # the whole admin, choosers and snippets included
    missing = sorted({key for key in keys if rule_for(key) is None})
    assert not missing, (
        "Admin URLs without a rule in RULES (tests/chamber/test_admin_access_matrix.py); "
        f"add one saying who may open each: {missing}"
    )


def test_every_rule_matches_an_admin_url(objects):
    keys = {key for key, _ in admin_urls(objects)}
    stale = [pattern for pattern, _ in RULES if not fnmatch.filter(keys, pattern)]
    assert not stale, f"Rules that match no admin URL any more: {stale}"


@pytest.mark.parametrize("column", COLUMNS)
def test_admin_access_matrix(client, objects, column):
    """Each role gets exactly what RULES says from every admin URL."""
    user = objects[column]
    wrong = []
    for key, url in admin_urls(objects):
        session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        if user is not None and not (session and session.value):
            # Logging in once is enough, but Wagtail's log-out view drops the session cookie
            # even when it refuses a GET.
            client.force_login(user)
        try:
            seen, detail = outcome(client.get(url)), ""
        except Exception as error:  # a crash is an outcome like any other
            seen, detail = ERROR, f" ({error.__class__.__name__}: {error})"
        rule = rule_for(key)
        expected = rule[1][column] if rule else "(no rule)"
        if seen != expected:
            wrong.append(f"{key} {url}: {column} got {seen}{detail}, RULES say {expected}")
    assert not wrong, "\n".join(["", *wrong])
