"""Issue #18, item 3: the review queue. Members' listing edits, new listings and deals wait in
one admin queue, oldest first; staff see each draft beside the live version, approve it (Wagtail
publishes it, and the usual e-mails, logos and caches follow) or send it back with a reason the
member gets by e-mail and sees on /account/ until their next edit; staff land back on the queue.

Fixtures from tests/conftest.py: member_a (Leadership: "Aspen Bakery", Ada, deals allowed),
member_b (Community: "Birch Books", Ben), the staff inbox and each request's on-commit e-mail.
"""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from wagtail.models import ModelLogEntry

from chamber.reviews import APPROVED, SENT_BACK
from deals import submissions
from deals.models import Deal
from directory.models import Business
from directory.services import listing_submit_changes
from tests.admin_actions import posted_form
from tests.factories import BusinessFactory, DealFactory, UserFactory, account_member
from tests.mail import committed
from tests.membership.helpers import STAFF_INBOX

QUEUE = "/admin/review-queue/"
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MINUTE = datetime.timedelta(minutes=1)
LISTING_PERMISSIONS = ("directory.publish_business", "directory.change_business")
DEAL_PERMISSIONS = ("deals.publish_deal", "deals.change_deal")


@pytest.fixture(autouse=True)
def _staff_inbox(staff_inbox):
    pass


def reviewer(name: str, *permissions: str):
    """A user in a group of their own with admin access and `permissions`."""
    group = Group.objects.create(name=f"Reviewers: {name}")
    for dotted in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = UserFactory(username=name, email=f"{name}@chamber.example", first_name=name.title())
    user.groups.add(group)
    return user


@pytest.fixture
def moderator(site_tree):
    """Mo, who may publish listings and deals (as the "Directory moderators" do)."""
    return reviewer("mo", *LISTING_PERMISSIONS, *DEAL_PERMISSIONS)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def member_edits(client, business, files=None, **changes):
    """The member opens the listing's edit form in their account, types `changes` (and picks
    `files`), sends it."""
    client.force_login(business.member.contacts.first().user)
    url = f"/account/listings/{business.slug}/"
    data = posted_form(client.get(url).text, form_id="listing-form")
    for name, value in changes.items():
        data[name] = value
    response = client.post(url, {**dict(data.lists()), **(files or {})})
    assert response.status_code == 303, response.text
    client.logout()


def queue(client) -> list[list[str]]:
    """The queue's rows, as their cells' texts."""
    response = client.get(QUEUE)
    assert response.status_code == 200
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup(response).select("table.listing tbody tr")
    ]


def review_url(kind: str, obj) -> str:
    return f"{QUEUE}{kind}/{obj.pk}/"


def decide(client, kind: str, obj, form_id: str, **typed):
    """Open the item's review page and post one of its forms, as the browser would."""
    page = client.get(review_url(kind, obj))
    assert page.status_code == 200
    data = posted_form(page.text, form_id=form_id)
    for name, value in typed.items():
        data[name] = value
    action = soup(page).find("form", id=form_id)["action"]
    return client.post(action, dict(data.lists()))


def messages_of(response) -> str:
    return " ".join(m.get_text(" ", strip=True) for m in soup(response).select(".messages li"))


def account_main(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


# What waits -----------------------------------------------------------------------------------


def test_the_queue_lists_what_waits_oldest_first_and_nothing_else(
    client, member_a, member_b, moderator
):
    start = timezone.now()
    with time_machine.travel(start):
        member_edits(client, member_a.business, summary="Rye and spelt, every day.")
    with time_machine.travel(start + MINUTE):
        submissions.deal_submit_new(
            member=member_a,
            values={
                "business": member_a.business,
                "title": "Two for one croissants",
                "summary": "Buy one, get one free.",
                "audience": Deal.Audience.PUBLIC,
                "valid_from": start,
            },
            user=member_a.user,
        )
    with time_machine.travel(start + 2 * MINUTE):
        member_edits(client, member_b.business, phone="(555) 010-9999")
    # Not waiting: sent back already, taken down by staff, or nothing changed.
    client.force_login(moderator)
    decide(client, "listing", member_b.business, "send-back-form", reason="Which phone?")
    taken_down = BusinessFactory(name="Closed Shop", live=False)
    taken_down.save_revision().publish()
    Business.objects.get(pk=taken_down.pk).unpublish()
    assert Business.objects.get(pk=taken_down.pk).has_unpublished_changes
    BusinessFactory(name="Quiet Shop")

    rows = queue(client)

    assert [row[:4] for row in rows] == [
        ["Aspen Bakery", "Listing", "Aspen Bakery", "Summary"],
        ["Two for one croissants", "Deal", "Aspen Bakery", "New deal, not yet published"],
    ]
    assert [row[5] for row in rows] == ["Ada", "Ada"]
    listings_only = soup(client.get(QUEUE, {"kind": "listing"}))
    assert [a.get_text(strip=True) for a in listings_only.select("tbody tr td a")] == [
        "Aspen Bakery"
    ]


def test_the_admin_home_links_its_counts_to_the_queue(client, member_a, moderator):
    member_edits(client, member_a.business, summary="Rye and spelt.")
    client.force_login(moderator)
    panel = soup(client.get("/admin/")).find(id="todays-work-section")
    links = {" ".join(a.get_text().split()): a["href"] for a in panel.select(".todays-work a")}
    assert links["1 listings with changes to review"] == f"{QUEUE}?kind=listing"
    assert links["0 deals to review"] == f"{QUEUE}?kind=deal"
    menu = client.get("/admin/").text
    assert QUEUE in menu


def test_the_queue_costs_the_same_queries_whatever_it_lists(client, member_a, levels, moderator):
    def waiting_edit(name):
        member = account_member(name, levels["leadership"], f"{name.lower()}@example.org")
        listing_submit_changes(
            business=member.business, changes={"summary": f"{name} anew."}, user=member.user
        )
        DealFactory(business=member.business, publish=True).save_revision(user=member.user)

    waiting_edit("Alder")
    client.force_login(moderator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    client.get(QUEUE)  # the session and the admin's own first-visit reads
    before = queries()
    for name in ("Beech", "Cedar", "Damson"):
        waiting_edit(name)
    assert len(queue(client)) == 8
    assert queries() == before


# Who may see and decide -----------------------------------------------------------------------


def test_only_users_who_may_publish_a_kind_see_and_decide_it(client, member_a, site_tree):
    member_edits(client, member_a.business, summary="Rye and spelt.")
    deal = submissions.deal_submit_new(
        member=member_a,
        values={
            "business": member_a.business,
            "title": "Two for one croissants",
            "summary": "Buy one, get one free.",
            "audience": Deal.Audience.PUBLIC,
        },
        user=member_a.user,
    )
    business = member_a.business

    # Anonymous visitors are sent to log in; Editors are refused everything.
    assert client.get(QUEUE).url.startswith("/admin/login/")
    editor = UserFactory(username="edna")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    for url in (QUEUE, review_url("listing", business), review_url("deal", deal)):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, "/admin/"), url
    assert QUEUE not in client.get("/admin/").text  # no menu item

    # A reviewer of listings only sees and decides listings.
    listings_only = reviewer("lee", *LISTING_PERMISSIONS)
    client.force_login(listings_only)
    assert [row[0] for row in queue(client)] == ["Aspen Bakery"]
    assert client.get(review_url("listing", business)).status_code == 200
    assert client.get(review_url("deal", deal)).url == "/admin/"
    refused = client.post(
        f"{review_url('deal', deal)}approve/", {"revision": deal.latest_revision_id}
    )
    assert refused.url == "/admin/"
    refused = client.post(
        f"{review_url('deal', deal)}send-back/",
        {"revision": deal.latest_revision_id, "reason": "No."},
    )
    assert refused.url == "/admin/"
    deal.refresh_from_db()
    assert not deal.live
    assert not ModelLogEntry.objects.filter(action__in=[APPROVED, SENT_BACK]).exists()
    kinds = soup(client.get(QUEUE)).select("[name=kind] option, input[name=kind]")
    assert {option.get("value") for option in kinds} == {"", "listing"}
    # Asking for deals is an invalid choice for them: ignored, still only listings.
    smuggled = soup(client.get(QUEUE, {"kind": "deal"})).select("table.listing tbody tr")
    assert [row.find("a").get_text(strip=True) for row in smuggled] == ["Aspen Bakery"]
    results = client.get(f"{QUEUE}results/", {"kind": "listing"})
    assert results.status_code == 200 and "Aspen Bakery" in results.text

    # Decisions are posted, never taken by following a link.
    assert client.get(f"{review_url('listing', business)}approve/").status_code == 405


# The diff -------------------------------------------------------------------------------------


def test_the_diff_shows_the_live_and_the_waiting_values_side_by_side_escaped(
    client, member_a, moderator
):
    member_edits(client, member_a.business, name="Aspen Artisan Bakery", summary=PAYLOAD)
    client.force_login(moderator)

    response = client.get(review_url("listing", member_a.business))

    assert response.status_code == 200
    assert PAYLOAD not in response.text
    table = soup(response).find("table", class_="review-diff")
    rows = {
        row.th.get_text(strip=True): (row.find_all("td")[0], row.find_all("td")[1])
        for row in table.tbody.find_all("tr")
    }
    assert set(rows) == {"Name", "Summary"}
    live, waiting = rows["Summary"]
    assert live.select_one(".deletion").get_text() == "A local business."
    assert waiting.select_one(".addition").get_text() == PAYLOAD  # the text, escaped in HTML
    assert ESCAPED in str(waiting)
    live, waiting = rows["Name"]
    assert "Aspen" in live.get_text() and "Artisan" in waiting.select_one(".addition").get_text()
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [
        "Field",
        "Live now",
        "Waiting for review",
    ]
    facts = soup(response).select_one(".review-facts").get_text(" ", strip=True)
    assert "Aspen Bakery" in facts and "Ada" in facts
    (row,) = queue(client)
    assert row[:4] == ["Aspen Artisan Bakery", "Listing", "Aspen Bakery", "Name, Summary"]


def test_a_new_deal_shows_every_field_it_fills_in(client, member_a, moderator):
    deal = submissions.deal_submit_new(
        member=member_a,
        values={
            "business": member_a.business,
            "title": "Two for one croissants",
            "summary": "Buy one, get one free.",
            "code": "ASPEN2FOR1",
            "audience": Deal.Audience.MEMBERS,
            "valid_from": datetime.datetime(2030, 3, 1, 14, 0, tzinfo=datetime.UTC),
        },
        user=member_a.user,
    )
    client.force_login(moderator)
    page = soup(client.get(review_url("deal", deal)))
    table = page.find("table", class_="review-diff")
    rows = {row.th.get_text(strip=True): row for row in table.tbody.find_all("tr")}
    assert {"Title", "Summary", "Discount code", "Offered by", "Valid from"} <= set(rows)
    assert "Valid until" not in rows  # left empty: nothing to show
    assert table.thead.find_all("th")[1].get_text(strip=True) == "Not published yet"
    assert "ASPEN2FOR1" in table.get_text()
    # Dates in the chamber's time zone, as staff read them elsewhere in the admin.
    assert rows["Valid from"].select_one(".addition").get_text() == "March 1, 2030, 9 a.m."
    compare = f"/admin/snippets/deals/deal/history/{deal.pk}/revisions/compare/live...latest/"
    assert client.get(compare).status_code == 200  # Wagtail's own view, with the same classes


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


def test_a_new_logo_is_shown_to_the_reviewer_and_goes_public_once_approved(
    client, member_a, moderator
):
    business = member_a.business
    member_edits(client, business, files={"logo": png()})
    client.force_login(moderator)

    page = soup(client.get(review_url("listing", business)))

    row = next(
        row
        for row in page.find("table", class_="review-diff").tbody.find_all("tr")
        if row.th.get_text(strip=True) == "Logo"
    )
    waiting = row.find_all("td")[1].find("img")
    assert waiting["src"].startswith("/private-media/")
    assert client.get(waiting["src"]).status_code == 200  # reviewers may see it
    client.logout()
    assert client.get(waiting["src"]).status_code == 404  # nobody else

    client.force_login(moderator)
    decide(client, "listing", business, "approve-form")
    business.refresh_from_db()
    assert business.logo.file.url.startswith("/media/")  # the directory's publish path ran
    assert "/media/images/" in client.get(f"/directory/{business.slug}/").text


# Approving ------------------------------------------------------------------------------------


def test_approving_publishes_the_draft_and_returns_to_the_queue(
    client, member_a, moderator, mailoutbox
):
    business = member_a.business
    member_edits(client, business, summary="Rye and spelt, every day.")
    mailoutbox.clear()
    client.force_login(moderator)

    response = decide(client, "listing", business, "approve-form")

    assert (response.status_code, response.url) == (302, QUEUE)
    back = client.get(response.url)
    assert "Listing “Aspen Bakery” approved and published." in messages_of(back)
    assert queue(client) == []
    business.refresh_from_db()
    assert business.summary == "Rye and spelt, every day."
    assert business.live and not business.has_unpublished_changes
    assert "Rye and spelt, every day." in client.get(f"/directory/{business.slug}/").text
    # Wagtail's publishing ran, with the directory's own e-mail to the member.
    assert [message.to for message in mailoutbox] == [["ada@aspen.example"]]
    assert "changes are live" in mailoutbox[0].subject
    entries = list(
        ModelLogEntry.objects.for_instance(business)
        .filter(action__in=[APPROVED, "wagtail.publish"])
        .order_by("timestamp", "pk")
    )
    assert [(e.action, e.user, e.revision_id) for e in entries] == [
        (APPROVED, moderator, business.live_revision_id),
        ("wagtail.publish", moderator, business.live_revision_id),
    ]
    history = client.get(f"/admin/snippets/directory/business/history/{business.pk}/")
    assert "Approved from the review queue" in history.text


def test_a_decision_on_a_draft_that_changed_meanwhile_is_refused(client, member_a, moderator):
    business = member_a.business
    member_edits(client, business, summary="First try.")
    client.force_login(moderator)
    page = client.get(review_url("listing", business))
    approve = dict(posted_form(page.text, form_id="approve-form").lists())
    send_back = dict(posted_form(page.text, form_id="send-back-form").lists())
    member_edits(client, business, summary="Second thoughts.")
    client.force_login(moderator)

    for action, data in (("approve", approve), ("send-back", {**send_back, "reason": "No"})):
        response = client.post(f"{review_url('listing', business)}{action}/", data)
        assert response.url == review_url("listing", business)
        assert "changed since you opened it" in messages_of(client.get(response.url))

    business.refresh_from_db()
    assert business.summary == "A local business."
    assert not ModelLogEntry.objects.filter(action__in=[APPROVED, SENT_BACK]).exists()


def test_a_listing_another_user_has_locked_is_not_decided(client, member_a, moderator, staff_user):
    business = member_a.business
    member_edits(client, business, summary="Rye and spelt.")
    Business.objects.filter(pk=business.pk).update(
        locked=True, locked_by=staff_user, locked_at=timezone.now()
    )
    client.force_login(moderator)

    response = decide(client, "listing", business, "approve-form")

    assert response.url == review_url("listing", business)
    assert "locked by another user" in messages_of(client.get(response.url))
    business.refresh_from_db()
    assert business.summary == "A local business." and business.has_unpublished_changes


def test_an_item_with_nothing_waiting_sends_staff_back_to_the_queue(client, member_a, moderator):
    client.force_login(moderator)
    response = client.get(review_url("listing", member_a.business))
    assert response.url == QUEUE
    assert "Nothing waits for review" in messages_of(client.get(QUEUE))
    assert client.get(f"{QUEUE}listing/999999/").status_code == 404
    assert client.get(f"{QUEUE}page/{member_a.business.pk}/").status_code == 404


# Sending back ---------------------------------------------------------------------------------


def test_sending_back_needs_a_reason(client, member_a, moderator, mailoutbox):
    member_edits(client, member_a.business, summary="Rye and spelt.")
    mailoutbox.clear()
    client.force_login(moderator)

    response = decide(client, "listing", member_a.business, "send-back-form", reason="   ")

    assert response.status_code == 200
    assert "Say why the changes are sent back." in response.text
    assert not ModelLogEntry.objects.filter(action=SENT_BACK).exists()
    assert mailoutbox == []
    assert [row[0] for row in queue(client)] == ["Aspen Bakery"]


def test_a_listing_sent_back_round_trip_through_the_members_account(
    client, member_a, moderator, mailoutbox
):
    business = member_a.business
    member_edits(client, business, summary="Rye and spelt.", phone="call us")
    draft = Business.objects.get(pk=business.pk).latest_revision_id
    mailoutbox.clear()
    reason = "Please give a phone number\nwe can <b>dial</b> & check."
    client.force_login(moderator)

    response = decide(client, "listing", business, "send-back-form", reason=reason)

    # Back on the queue, which no longer lists it; the draft stays as it was.
    assert (response.status_code, response.url) == (302, QUEUE)
    assert "sent back; the reason was e-mailed to ada@aspen.example" in messages_of(
        client.get(QUEUE)
    )
    assert queue(client) == []
    business.refresh_from_db()
    assert business.summary == "A local business."
    assert business.has_unpublished_changes and business.latest_revision_id == draft
    entry = ModelLogEntry.objects.get(action=SENT_BACK)
    assert (entry.user, entry.revision_id, entry.data["reason"]) == (moderator, draft, reason)
    history = client.get(f"/admin/snippets/directory/business/history/{business.pk}/").text
    assert "Sent back to the member" in history
    assert "&lt;b&gt;dial&lt;/b&gt; &amp; check." in history

    # The member is e-mailed the reason, with a link to fix the listing.
    (message,) = mailoutbox
    assert message.to == ["ada@aspen.example"]
    assert "Aspen Bakery" in message.subject
    assert reason in message.body
    assert f"/account/listings/{business.slug}/?member={member_a.pk}" in message.body
    html = message.alternatives[0][0]
    assert "we can &lt;b&gt;dial&lt;/b&gt; &amp; check." in html

    # The account shows the reason on the list, the edit page and the overview.
    client.force_login(member_a.user)
    for url in ("/account/listings/", f"/account/listings/{business.slug}/", "/account/"):
        main = account_main(client, url)
        assert "Sent back" in main or "sent" in main, url
        if url != "/account/":
            assert "we can &lt;b&gt;dial&lt;/b&gt; &amp; check." in main, url
            assert "Changes awaiting review" not in main, url
    edit = client.get(f"/account/listings/{business.slug}/").text
    assert 'value="Rye and spelt."' in edit  # the draft is kept for them to fix

    # Their next edit takes the reason away and puts the listing back in the queue.
    member_edits(client, business, phone="(555) 010-4242")
    client.force_login(member_a.user)
    main = account_main(client, "/account/listings/")
    assert "dial" not in main
    assert "Changes awaiting review" in main
    client.force_login(moderator)
    assert [row[:4] for row in queue(client)] == [
        ["Aspen Bakery", "Listing", "Aspen Bakery", "Summary, Phone"]
    ]
    decide(client, "listing", business, "approve-form")
    business.refresh_from_db()
    assert (business.summary, business.phone) == ("Rye and spelt.", "(555) 010-4242")


def test_withdrawing_changes_sent_back_takes_the_reason_away(client, member_a, moderator):
    business = member_a.business
    member_edits(client, business, summary="Rye and spelt.")
    client.force_login(moderator)
    decide(client, "listing", business, "send-back-form", reason="Too short.")
    client.force_login(member_a.user)
    assert "Too short." in account_main(client, "/account/listings/")

    client.post(f"/account/listings/{business.slug}/withdraw/")

    main = account_main(client, "/account/listings/")
    assert "Too short." not in main
    assert "Changes awaiting review" not in main
    client.force_login(moderator)
    assert queue(client) == []


def test_a_deal_round_trip_through_the_members_account(client, member_a, moderator, mailoutbox):
    client.force_login(member_a.user)
    form = posted_form(client.get("/account/deals/new/").text, form_id="deal-form")
    form["title"] = "Two for one croissants"
    form["summary"] = "Buy one, get one free."
    form["audience"] = "public"
    assert client.post("/account/deals/new/", dict(form.lists())).status_code == 303
    deal = Deal.objects.get()
    mailoutbox.clear()

    client.force_login(moderator)
    assert [row[:4] for row in queue(client)] == [
        ["Two for one croissants", "Deal", "Aspen Bakery", "New deal, not yet published"]
    ]
    response = decide(client, "deal", deal, "send-back-form", reason="Until when does it run?")
    assert response.url == QUEUE
    (message,) = mailoutbox
    assert message.to == ["ada@aspen.example"]
    assert "Until when does it run?" in message.body
    assert f"/account/deals/{deal.slug}/?member={member_a.pk}" in message.body

    client.force_login(member_a.user)
    listed = account_main(client, "/account/deals/")
    assert "Sent back for changes" in listed and "Until when does it run?" in listed
    assert "Until when does it run?" in account_main(client, f"/account/deals/{deal.slug}/")

    form = posted_form(client.get(f"/account/deals/{deal.slug}/").text, form_id="deal-form")
    form["valid_until"] = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert client.post(f"/account/deals/{deal.slug}/", dict(form.lists())).status_code == 303
    listed = account_main(client, "/account/deals/")
    assert "Until when does it run?" not in listed and "Waiting for approval" in listed

    client.force_login(moderator)
    assert decide(client, "deal", deal, "approve-form").url == QUEUE
    deal.refresh_from_db()
    assert deal.live and deal.valid_until is not None
    assert "Two for one croissants" in client.get("/deals/").text
    assert any("approved" in message.subject for message in mailoutbox)
    assert STAFF_INBOX not in [to for message in mailoutbox[1:] for to in message.to]


# A logo sent back -----------------------------------------------------------------------------
# Issue #23.6: a logo waiting for review stays private, and none is left behind once no draft
# wants it. Sending back keeps the draft (and so its logo) for the member to fix; what happens
# next decides whether the logo stays.


def private_files(settings) -> list:
    return [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]


def logo_sent_back(client, business, moderator):
    """The member uploads a logo, staff send the draft back; returns the waiting logo."""
    member_edits(client, business, files={"logo": png()})
    logo = Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo
    client.force_login(moderator)
    decide(client, "listing", business, "send-back-form", reason="A square logo, please.")
    client.logout()
    return logo


def image_exists(image) -> bool:
    return type(image).objects.filter(pk=image.pk).exists()


def test_a_logo_sent_back_stays_private_for_the_member_to_fix(
    client, settings, member_a, member_b, moderator
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    assert image_exists(logo)
    assert logo.file.url.startswith("/private-media/")
    assert not list(settings.MEDIA_ROOT.rglob("*.png"))
    draft = Business.objects.get(pk=business.pk).get_latest_revision_as_object()
    assert draft.logo_id == logo.pk  # the draft the member fixes still has it
    client.force_login(member_a.user)
    edit = client.get(f"/account/listings/{business.slug}/").text
    assert "Current logo" in edit and "/private-media/" in edit
    assert client.get(logo.file.url).status_code == 200
    client.force_login(member_b.user)
    assert client.get(logo.file.url).status_code == 404
    client.logout()
    assert client.get(logo.file.url).status_code == 404
    assert "/private-media/" not in client.get(f"/directory/{business.slug}/").text


def test_a_logo_sent_back_is_deleted_when_the_member_withdraws(
    client, settings, member_a, moderator
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    client.force_login(member_a.user)
    assert client.post(f"/account/listings/{business.slug}/withdraw/").status_code == 303

    assert not image_exists(logo)
    assert private_files(settings) == []


def test_a_logo_sent_back_and_replaced_is_deleted(client, settings, member_a, moderator):
    business = member_a.business
    first = logo_sent_back(client, business, moderator)

    member_edits(client, business, files={"logo": png()})

    second = Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo
    assert second.pk != first.pk
    assert not image_exists(first)
    assert [path.name for path in private_files(settings)] == [Path(second.file.name).name]


def test_a_logo_sent_back_and_removed_by_the_member_is_deleted(
    client, settings, member_a, moderator
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    member_edits(client, business, remove_logo="on")

    assert not image_exists(logo)
    assert private_files(settings) == []


def test_a_logo_sent_back_that_staff_publish_without_is_deleted(
    client, settings, member_a, moderator, staff_user
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    client.force_login(staff_user)
    url = f"/admin/snippets/directory/business/edit/{business.pk}/"
    data = posted_form(client.get(url).text, form_id="w-editor-form")
    data["logo"] = ""
    data["action-publish"] = "action-publish"
    assert client.post(url, dict(data.lists())).status_code == 302

    assert not image_exists(logo)
    assert Business.objects.get(pk=business.pk).logo_id is None
    assert private_files(settings) == []


def test_a_logo_sent_back_that_staff_take_out_of_the_draft_is_deleted(
    client, settings, member_a, moderator, staff_user
):
    """Staff remove the logo from the draft and save it without publishing: no draft wants
    the upload any more."""
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    client.force_login(staff_user)
    url = f"/admin/snippets/directory/business/edit/{business.pk}/"
    data = posted_form(client.get(url).text, form_id="w-editor-form")
    data["logo"] = ""
    assert client.post(url, dict(data.lists())).status_code == 302

    draft = Business.objects.get(pk=business.pk)
    assert draft.has_unpublished_changes
    assert draft.get_latest_revision_as_object().logo_id is None
    assert not image_exists(logo)
    assert private_files(settings) == []


def test_a_logo_sent_back_that_staff_approve_later_goes_public(
    client, settings, member_a, moderator
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)
    member_edits(client, business, summary="Now with a square logo.")  # back in the queue

    client.force_login(moderator)
    decide(client, "listing", business, "approve-form")

    logo.refresh_from_db()
    assert Business.objects.get(pk=business.pk).logo_id == logo.pk
    assert logo.file.url.startswith("/media/original_images/")
    assert private_files(settings) == []


def test_deleting_a_listing_whose_logo_waits_deletes_the_logo(
    client, settings, member_a, moderator, staff_user
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    client.force_login(staff_user)
    url = f"/admin/snippets/directory/business/delete/{business.pk}/"
    assert client.post(url).status_code == 302

    assert not Business.objects.filter(pk=business.pk).exists()
    assert not image_exists(logo)
    assert private_files(settings) == []


def test_deleting_a_member_whose_listing_logo_waits_deletes_the_logo(
    client, settings, member_a, moderator
):
    business = member_a.business
    logo = logo_sent_back(client, business, moderator)

    with committed():
        member_a.delete()

    assert not image_exists(logo)
    assert private_files(settings) == []
