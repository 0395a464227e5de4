"""/account/deals/: members create and change deals for their own businesses as drafts staff
publish, within their level's limit, see each deal's state and numbers, and withdraw a deal.

Fixtures from tests/conftest.py: member_a (Leadership: 5 deals; "Aspen Bakery", Ada), member_b
(Community: no deals; "Birch Books", Ben), the staff inbox.
"""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import querydict_from_html

from deals import submissions
from deals.models import Deal, DealRedemption, DealViews
from membership.models import MemberContact
from tests.admin_actions import staff_publish
from tests.factories import (
    BusinessFactory,
    DealFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
    account_member,
)
from tests.membership.helpers import STAFF_INBOX

LIST_URL = "/account/deals/"
NEW_URL = "/account/deals/new/"
PAYLOAD = "<script>alert(1)</script>"
DAY = datetime.timedelta(days=1)


# Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _staff_inbox(staff_inbox):
    pass


# Helpers ----------------------------------------------------------------------------------------


def make_deal(business, **values) -> Deal:
    """A deal as staff would have published it (DealFactory: live, started yesterday, ongoing,
    public), with a bread offer's texts unless told."""
    values = {
        "title": "Ten percent off bread",
        "summary": "Fresh bread for less.",
        "details": "<p>Every loaf.</p>",
        **values,
    }
    return DealFactory(business=business, **values)


def edit_url(deal) -> str:
    return f"/account/deals/{deal.slug}/"


def public_url(deal) -> str:
    return f"/deals/{deal.slug}/"


def main_html(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def form_data(client, url, **typed) -> dict:
    """The deal form as the browser would post it, with `typed` filled in."""
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="deal-form")
    for name, value in typed.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return dict(data.lists())


def new_deal_data(client, **typed) -> dict:
    values = {
        "title": "Two for one croissants",
        "summary": "Buy one, get one free.",
        "details": "Every morning before ten.\n\n- Croissants\n- Pains au chocolat",
        "terms": "One offer per visit.",
        "redemption_instructions": "Show this page at the till.",
        "code": "ASPEN2FOR1",
        "audience": "members",
        **typed,
    }
    return form_data(client, NEW_URL, **values)


def iso(day: datetime.date) -> str:
    return day.isoformat()


# Who may reach what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, member_a, settings):
    deal = make_deal(member_a.business)
    for url in (LIST_URL, NEW_URL, edit_url(deal)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{settings.LOGIN_URL}?next=")
    for url in (NEW_URL, edit_url(deal), edit_url(deal) + "withdraw/"):
        assert client.post(url).url.startswith(f"{settings.LOGIN_URL}?next=")
    deal.refresh_from_db()
    assert deal.live
    assert Deal.objects.count() == 1


def test_a_user_who_represents_no_member_gets_the_help_page(client, site_tree):
    client.force_login(UserFactory(username="nobody"))
    for url in (LIST_URL, NEW_URL):
        response = client.get(url)
        assert response.status_code == 200
        assert "represent a member business yet" in response.text
    assert "represent a member business yet" in client.post(NEW_URL, {"title": "x"}).text
    assert not Deal.objects.exists()


def test_another_members_deal_is_not_found(ada, member_a, member_b):
    other = make_deal(member_b.business, title="Birch bargain")
    assert ada.get(edit_url(other)).status_code == 404
    assert ada.post(edit_url(other), {"title": "Mine now"}).status_code == 404
    assert ada.post(edit_url(other) + "withdraw/").status_code == 404
    assert ada.get("/account/deals/no-such-deal/").status_code == 404
    other.refresh_from_db()
    assert other.live
    assert other.title == "Birch bargain"
    assert not other.has_unpublished_changes
    assert not Revision.objects.for_instance(other).exists()


VISITORS = ("anonymous", "member_a", "member_b", "lapsed", "staff")
# name: (method, expected answer for each of VISITORS), each URL filled with member A's deal.
# "login": a redirect to log in; "help": the "this login represents no member" page.
MATRIX = {
    "deals": ("get", ("login", 200, 200, 200, "help")),
    "deal_new": ("get", ("login", 200, 200, 200, "help")),
    "deal_edit": ("get", ("login", 200, 404, 404, "help")),
    "deal_withdraw": ("post", ("login", 303, 404, 404, "help")),
}


def test_every_account_deals_url_is_in_the_matrix():
    (deals,) = [
        pattern
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "account_deals"
    ]
    assert {pattern.name for pattern in deals.url_patterns} == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(name, member_a, member_b, levels, settings):
    deal = make_deal(member_a.business, code="A-SECRET-CODE-4410")
    lapsed = account_member("Cedar Cafe", levels["community"], "cy@cedar.example")
    lapsed.status = lapsed.Status.LAPSED
    lapsed.paid_through = timezone.localdate() - datetime.timedelta(days=400)
    lapsed.save()
    users = {
        "anonymous": None,
        "member_a": member_a.user,
        "member_b": member_b.user,
        "lapsed": lapsed.user,
        "staff": UserFactory(username="office", email="office@chamber.example", is_staff=True),
    }
    method, expected = MATRIX[name]
    kwargs = {"slug": deal.slug} if name in ("deal_edit", "deal_withdraw") else {}
    path = reverse(f"account_deals:{name}", kwargs=kwargs)
    # Member A last: A's own withdrawal changes the deal.
    for visitor in sorted(VISITORS, key=lambda visitor: visitor == "member_a"):
        wanted = expected[VISITORS.index(visitor)]
        client = Client()
        if users[visitor] is not None:
            client.force_login(users[visitor])

        response = getattr(client, method)(path)

        if wanted == "login":
            assert response.status_code == 302, (visitor, path)
            assert response.url.startswith(f"{settings.LOGIN_URL}?next="), (visitor, path)
        elif wanted == "help":
            assert response.status_code == 200, (visitor, path)
            assert "represent a member business yet" in response.text, (visitor, path)
        else:
            assert response.status_code == wanted, (visitor, path)
        if visitor != "member_a":
            assert "A-SECRET-CODE-4410" not in response.text, (visitor, path)
            assert deal.title not in response.text, (visitor, path)


def test_withdraw_only_takes_posts(ada, member_a):
    deal = make_deal(member_a.business)
    assert ada.get(edit_url(deal) + "withdraw/").status_code == 405


def test_any_contact_of_the_member_may_manage_its_deals(client, member_a):
    staff_contact = UserFactory(username="stella@aspen.example")
    MemberContactFactory(member=member_a, user=staff_contact, role=MemberContact.Role.STAFF)
    client.force_login(staff_contact)
    assert client.get(LIST_URL).status_code == 200
    response = client.post(NEW_URL, new_deal_data(client))
    assert response.status_code == 303
    assert Deal.objects.get().business == member_a.business


# The list -------------------------------------------------------------------------------------


def test_list_shows_only_the_members_own_deals_with_their_numbers(ada, member_a, member_b):
    deal = make_deal(member_a.business, title="Aspen loaf deal")
    make_deal(member_b.business, title="Birch bargain")
    DealViews.objects.create(deal=deal, day=timezone.localdate() - DAY, views=7)
    DealViews.objects.create(deal=deal, day=timezone.localdate(), views=5)
    for n, user in enumerate((member_a.user, member_b.user)):
        DealRedemption.objects.create(
            deal=deal, member=member_b, user=user, redeemed_on=timezone.localdate() - n * DAY
        )

    response = ada.get(LIST_URL)

    assert response.status_code == 200
    html = main_html(response)
    assert "Aspen loaf deal" in html
    assert "Birch bargain" not in html
    assert "<dd>12</dd>" in html  # page views
    assert "<dd>2 times</dd>" in html  # redemptions
    assert "Live" in html
    assert f'href="{public_url(deal)}"' in html
    assert f'href="{edit_url(deal)}"' in html
    assert "1 of 5 deals used" in html
    assert f'href="{NEW_URL}"' in html
    assert f'<a href="{LIST_URL}" aria-current="page">Deals</a>' in response.text


def test_list_says_each_deals_state(ada, member_a):
    business = member_a.business
    now = timezone.now()
    starts = timezone.localdate() + datetime.timedelta(days=10)
    make_deal(business, title="Live one")
    make_deal(business, title="New one", live=False, has_unpublished_changes=True)
    make_deal(
        business,
        title="Later one",
        valid_from=timezone.make_aware(datetime.datetime.combine(starts, datetime.time.min)),
    )
    make_deal(business, title="Old one", valid_from=now - 30 * DAY, valid_until=now - 2 * DAY)
    make_deal(business, title="Changed one", has_unpublished_changes=True)
    make_deal(business, title="Gone one", live=False)

    html = main_html(ada.get(LIST_URL))

    def state_of(title):
        card = html.split(f">{title}</h2>", 1)[1].split("</article>", 1)[0]
        return card.split('<span class="badge', 1)[1].split(">", 1)[1].split("</span>", 1)[0]

    assert state_of("Live one") == "Live"
    assert state_of("New one") == "Waiting for approval"
    assert state_of("Later one") == f"Scheduled: starts {starts.day} {starts:%B}"
    assert state_of("Old one") == "Ended"
    assert state_of("Changed one") == "Live"
    assert (
        "Changes waiting for approval"
        in html.split(">Changed one</h2>", 1)[1].split("</article")[0]
    )
    assert state_of("Gone one") == "Withdrawn"
    # Only deals on show link to the deals page.
    assert html.count('href="/deals/') == 2
    # Live, waiting, scheduled and changed deals take places; ended and withdrawn ones don't.
    assert "4 of 5 deals used" in html


def test_a_deal_of_a_lapsed_member_says_it_is_not_on_show(client, levels, site_tree):
    member = account_member("Cedar Cafe", levels["leadership"], "cy@cedar.example")
    member.status = member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=400)
    member.save()
    deal = make_deal(member.business)
    client.force_login(member.user)
    html = main_html(client.get(LIST_URL))
    assert "Not on show: membership not in good standing" in html
    assert f'href="{public_url(deal)}"' not in html


def test_a_level_without_deals_explains_and_offers_an_upgrade(client, member_b):
    client.force_login(member_b.user)
    html = main_html(client.get(LIST_URL))
    assert "Your level does not include deals" in html
    assert 'href="/account/level/"' in html
    assert f'href="{NEW_URL}"' not in html


def test_a_contact_who_cannot_change_the_level_is_not_linked_to_it(client, member_b):
    billing = UserFactory(username="bill@birch.example")
    MemberContactFactory(member=member_b, user=billing, role=MemberContact.Role.BILLING)
    client.force_login(billing)
    html = main_html(client.get(LIST_URL))
    assert "Your level does not include deals" in html
    assert 'href="/account/level/"' not in html


# Creating a deal ------------------------------------------------------------------------------


def test_a_new_deal_is_a_draft_for_staff(
    ada, member_a, bakeries, mailoutbox, django_capture_on_commit_callbacks
):
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    data = new_deal_data(
        ada,
        valid_from=iso(timezone.localdate()),
        valid_until=iso(last_day),
        categories=[str(bakeries.pk)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(NEW_URL, data)

    assert response.status_code == 303
    assert response.url == LIST_URL
    deal = Deal.objects.get()
    assert deal.business == member_a.business
    assert deal.title == "Two for one croissants"
    assert deal.slug == "two-for-one-croissants"
    assert deal.details == (
        "<p>Every morning before ten.</p><ul><li>Croissants</li><li>Pains au chocolat</li></ul>"
    )
    assert deal.code == "ASPEN2FOR1"
    assert deal.audience == Deal.Audience.MEMBERS
    assert list(deal.categories.all()) == [bakeries]
    starts, ends = timezone.localtime(deal.valid_from), timezone.localtime(deal.valid_until)
    assert (starts.date(), starts.time()) == (timezone.localdate(), datetime.time(0, 0))
    assert (ends.date(), ends.time()) == (last_day, datetime.time(23, 59, 59))
    # Not published: nothing public changes until staff publish it.
    assert not deal.live
    assert deal.has_unpublished_changes
    assert not Deal.objects.shown().filter(pk=deal.pk).exists()
    assert ada.get(public_url(deal)).status_code == 404
    revision = Revision.objects.for_instance(deal).get()
    assert revision.user == member_a.user
    assert deal.latest_revision == revision
    # The chamber office hears of it, with a link to the deal in the admin's review queue.
    (email,) = mailoutbox
    assert email.to == [STAFF_INBOX]
    assert "New deal to review: Two for one croissants (Aspen Bakery)" in email.subject
    assert f"/admin/review-queue/deal/{deal.pk}/" in email.body
    assert f"/admin/review-queue/deal/{deal.pk}/" in email.alternatives[0][0]
    # The list says it waits.
    assert "Waiting for approval" in main_html(ada.get(LIST_URL))


def test_a_new_deal_goes_on_show_once_staff_publish_it(ada, client, member_a, staff_user):
    data = new_deal_data(ada, audience="public")
    ada.post(NEW_URL, data)
    deal = Deal.objects.get()

    staff_publish(client, staff_user, deal)

    deal.refresh_from_db()
    assert deal.live
    assert Deal.objects.shown().filter(pk=deal.pk).exists()
    response = client.get(public_url(deal))
    assert response.status_code == 200
    assert "Every morning before ten." in response.text


def test_the_form_offers_only_the_members_own_businesses(ada, member_a, member_b):
    second = BusinessFactory(member=member_a, name="Aspen Bakery Northside")
    response = ada.get(NEW_URL)
    form = main_html(response)
    assert f'value="{member_a.business.pk}"' in form
    assert f'value="{second.pk}"' in form
    assert f'value="{member_b.business.pk}"' not in form


def test_another_members_business_is_a_form_error(ada, member_a, member_b):
    data = new_deal_data(ada, business=str(member_b.business.pk))
    response = ada.post(NEW_URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors["business"]
    assert "Select a valid choice" in main_html(response)
    assert not Deal.objects.exists()


def test_invalid_dates_are_refused_and_what_was_typed_is_kept(ada, member_a, mailoutbox):
    today = timezone.localdate()
    cases = {
        "ends before it starts": (iso(today + 5 * DAY), iso(today + 2 * DAY), "valid_until"),
        "ended already": (iso(today - 10 * DAY), iso(today - DAY), "valid_until"),
        "not a date": ("next tuesday", "", "valid_from"),
        "no start": ("", "", "valid_from"),
    }
    for label, (starts, ends, field) in cases.items():
        data = new_deal_data(ada, title="Typed title", valid_from=starts, valid_until=ends)
        response = ada.post(NEW_URL, data)
        assert response.status_code == 400, label
        assert list(response.context["form"].errors) == [field], label
        html = main_html(response)
        assert 'id="form-errors"' in html
        assert 'value="Typed title"' in html, label
        assert f'value="{starts}"' in html or not starts, label
        assert "Every morning before ten." in html, label
    assert not Deal.objects.exists()
    assert mailoutbox == []


def test_a_deal_may_end_on_the_day_it_starts(ada, member_a):
    today = iso(timezone.localdate())
    response = ada.post(NEW_URL, new_deal_data(ada, valid_from=today, valid_until=today))
    assert response.status_code == 303
    deal = Deal.objects.get()
    assert deal.valid_until - deal.valid_from == datetime.timedelta(
        hours=23, minutes=59, seconds=59
    )


# The limit --------------------------------------------------------------------------------------


def test_a_level_without_deals_cannot_create_one(client, member_b):
    client.force_login(member_b.user)
    response = client.get(NEW_URL)
    assert response.status_code == 200
    html = main_html(response)
    assert "Your level does not include deals" in html
    assert 'href="/account/level/"' in html
    assert 'id="deal-form"' not in html

    data = {
        "business": str(member_b.business.pk),
        "title": "Sneaky",
        "summary": "Anyway",
        "audience": "public",
        "valid_from": iso(timezone.localdate()),
    }
    response = client.post(NEW_URL, data)
    assert response.status_code == 400
    assert "Your level does not include deals" in main_html(response)
    assert not Deal.objects.exists()


def test_a_member_at_its_limit_cannot_create_another(ada, member_a, mailoutbox):
    data = new_deal_data(ada)
    for n in range(5):
        make_deal(member_a.business, title=f"Deal {n}")

    assert "5 of 5 deals used" in main_html(ada.get(LIST_URL))
    assert f'href="{NEW_URL}"' not in main_html(ada.get(LIST_URL))
    response = ada.get(NEW_URL)
    assert "You are using 5 of 5 deals" in main_html(response)
    assert 'id="deal-form"' not in main_html(response)
    response = ada.post(NEW_URL, data)
    assert response.status_code == 400
    assert "You are using 5 of 5 deals" in main_html(response)
    assert Deal.objects.count() == 5
    assert mailoutbox == []


def test_ended_and_withdrawn_deals_leave_their_places(ada, member_a):
    now = timezone.now()
    for n in range(3):
        make_deal(member_a.business, title=f"Deal {n}")
    make_deal(member_a.business, title="Waiting", live=False, has_unpublished_changes=True)
    make_deal(member_a.business, title="Ended", valid_from=now - 9 * DAY, valid_until=now - DAY)
    withdrawn = make_deal(member_a.business, title="Withdrawn")
    ada.post(edit_url(withdrawn) + "withdraw/")
    assert "4 of 5 deals used" in main_html(ada.get(LIST_URL))
    one_too_many = new_deal_data(ada, title="One too many")

    assert ada.post(NEW_URL, new_deal_data(ada)).status_code == 303

    assert "5 of 5 deals used" in main_html(ada.get(LIST_URL))
    assert ada.post(NEW_URL, one_too_many).status_code == 400
    assert not Deal.objects.filter(title="One too many").exists()


def test_bringing_back_a_withdrawn_deal_needs_a_place(ada, member_a):
    withdrawn = make_deal(member_a.business, title="Withdrawn", live=False)
    for n in range(5):
        make_deal(member_a.business, title=f"Deal {n}")

    data = form_data(ada, edit_url(withdrawn), title="Withdrawn, back again")
    response = ada.post(edit_url(withdrawn), data)

    assert response.status_code == 400
    assert "You are using 5 of 5 deals" in main_html(response)
    assert 'value="Withdrawn, back again"' in main_html(response)
    withdrawn.refresh_from_db()
    assert submissions.withdrawn(withdrawn)
    assert not Revision.objects.for_instance(withdrawn).exists()


def test_the_limit_is_checked_under_a_lock_on_the_member(member_a, monkeypatch):
    """Two posts at once are checked one after the other: the member's row is locked first."""
    locked = []
    original = submissions._lock_member
    monkeypatch.setattr(
        submissions, "_lock_member", lambda member: locked.append(member.pk) or original(member)
    )
    values = {
        "business": member_a.business,
        "title": "Locked in",
        "summary": "One line.",
        "details": "",
        "terms": "",
        "redemption_instructions": "",
        "code": "",
        "audience": Deal.Audience.PUBLIC,
        "valid_from": timezone.now(),
        "valid_until": None,
        "categories": [],
    }
    for n in range(5):
        make_deal(member_a.business, title=f"Deal {n}")
    with pytest.raises(submissions.DealLimitReached):
        submissions.deal_submit_new(member=member_a, values=values, user=member_a.user)
    assert locked == [member_a.pk]
    assert not Deal.objects.filter(title="Locked in").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks (it locks the database)"
)
# Committed data, as for the browser tests: with serialized_rollback, this test's flush is not
# followed by post_migrate re-creating content types that later such tests restore themselves.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_at_once_cannot_both_take_the_last_place(settings):
    """While one submission holds the member's row, a second waits, then counts the first."""
    settings.STAFF_NOTIFICATION_EMAILS = []
    level = MembershipLevelFactory(name="Solo", deals_allowed=1)
    member = MemberFactory(level=level)
    business = BusinessFactory(member=member)
    values = {
        "business": business,
        "title": "Second",
        "summary": "One line.",
        "audience": Deal.Audience.PUBLIC,
        "valid_from": timezone.now(),
        "categories": [],
    }
    outcome = []

    def second_submission():
        try:
            submissions.deal_submit_new(member=member, values=values, user=None)
            outcome.append("saved")
        except submissions.DealLimitReached:
            outcome.append("refused")
        finally:
            connection.close()

    with transaction.atomic():
        submissions._lock_member(member)  # the first submission, between check and write
        waiting = threading.Thread(target=second_submission)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # blocked on the member's row
        make_deal(business, title="First")
    waiting.join(timeout=10)

    assert outcome == ["refused"]
    assert list(Deal.objects.values_list("title", flat=True)) == ["First"]


# Changing a deal ------------------------------------------------------------------------------


def test_the_edit_form_shows_the_deal_as_days_and_plain_text(ada, member_a):
    deal = make_deal(
        member_a.business,
        details="<p>Every loaf.</p><ul><li>Rye</li><li>Spelt</li></ul>",
        valid_until=timezone.now() + 20 * DAY,
    )
    html = main_html(ada.get(edit_url(deal)))
    assert f'value="{iso(timezone.localdate(deal.valid_from))}"' in html
    assert f'value="{iso(timezone.localdate(deal.valid_until))}"' in html
    assert 'type="date"' in html
    assert "Every loaf.\n\n- Rye\n- Spelt</textarea>" in html


def test_changes_to_a_live_deal_wait_until_staff_publish_them(
    ada, client, member_a, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    deal = make_deal(member_a.business, title="Ten percent off bread")
    assert "Every loaf." in client.get(public_url(deal)).text

    data = form_data(ada, edit_url(deal), title="Twenty percent off bread", details="All loaves.")
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(edit_url(deal), data)

    assert response.status_code == 303
    deal.refresh_from_db()
    # The row, and so the public page, is as it was.
    assert deal.live
    assert deal.title == "Ten percent off bread"
    assert deal.details == "<p>Every loaf.</p>"
    assert deal.has_unpublished_changes
    page = client.get(public_url(deal)).text
    assert "Ten percent off bread" in page
    assert "All loaves." not in page
    draft = deal.latest_revision.as_object()
    assert (draft.title, draft.details) == ("Twenty percent off bread", "<p>All loaves.</p>")
    assert deal.latest_revision.user == member_a.user
    (email,) = mailoutbox
    assert "Deal changes to review: Twenty percent off bread" in email.subject
    assert "Changed: details, title." in email.body
    html = main_html(ada.get(LIST_URL))
    assert "Changes waiting for approval" in html
    # The form starts from the waiting changes.
    assert 'value="Twenty percent off bread"' in main_html(ada.get(edit_url(deal)))

    staff_publish(client, staff_user, deal)

    page = client.get(public_url(deal)).text
    assert "Twenty percent off bread" in page
    assert "All loaves." in page
    assert "Every loaf." not in page


def test_saving_an_unchanged_form_sends_nothing(ada, member_a, mailoutbox):
    deal = make_deal(member_a.business)
    response = ada.post(edit_url(deal), form_data(ada, edit_url(deal)))
    assert response.status_code == 303
    deal.refresh_from_db()
    assert not deal.has_unpublished_changes
    assert not Revision.objects.for_instance(deal).exists()
    assert mailoutbox == []


def test_a_deal_staff_are_editing_refuses_changes(ada, member_a, staff_user):
    deal = make_deal(member_a.business)
    Deal.objects.filter(pk=deal.pk).update(
        locked=True, locked_by=staff_user, locked_at=timezone.now()
    )
    response = ada.get(edit_url(deal))
    assert "The chamber office is editing this deal" in main_html(response)
    assert "Send for review" not in main_html(response)

    data = form_data(ada, edit_url(deal), title="Sneaked in")
    response = ada.post(edit_url(deal), data)
    assert response.status_code == 409
    assert 'value="Sneaked in"' in main_html(response)
    response = ada.post(edit_url(deal) + "withdraw/", follow=True)
    assert "The chamber office is editing this deal" in response.text
    deal.refresh_from_db()
    assert deal.live
    assert not deal.has_unpublished_changes


# Withdrawing ----------------------------------------------------------------------------------


def test_withdrawing_takes_a_deal_off_show_at_once(ada, client, member_a):
    deal = make_deal(member_a.business)
    assert client.get(public_url(deal)).status_code == 200

    response = ada.post(edit_url(deal) + "withdraw/")

    assert response.status_code == 303
    deal.refresh_from_db()
    assert not deal.live
    assert not deal.has_unpublished_changes
    assert not Deal.objects.shown().filter(pk=deal.pk).exists()
    assert client.get(public_url(deal)).status_code == 404
    html = main_html(ada.get(LIST_URL))
    assert "Withdrawn" in html
    assert "0 of 5 deals used" in html
    # Again: nothing more to do.
    ada.post(edit_url(deal) + "withdraw/")
    assert "withdrawn already" in ada.get(LIST_URL).text


def test_withdrawing_a_deal_waiting_for_approval_takes_it_off_staffs_list(ada, member_a):
    ada.post(NEW_URL, new_deal_data(ada))
    deal = Deal.objects.get()
    ada.post(edit_url(deal) + "withdraw/")
    deal.refresh_from_db()
    assert submissions.withdrawn(deal)
    assert not Deal.objects.filter(has_unpublished_changes=True).exists()


# Escaping -------------------------------------------------------------------------------------


def test_script_in_title_and_details_is_shown_as_text(
    ada, client, member_a, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    title = f"Bread & {PAYLOAD}"
    data = new_deal_data(ada, title=title, details=f"Hello {PAYLOAD}", audience="public")
    with django_capture_on_commit_callbacks(execute=True):
        assert ada.post(NEW_URL, data).status_code == 303
    deal = Deal.objects.get()
    assert "<script>" not in deal.details

    account_page = ada.get(LIST_URL).text
    assert PAYLOAD not in account_page
    assert "Bread &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in account_page
    assert PAYLOAD not in ada.get(edit_url(deal)).text
    # The staff e-mail: a plain-text subject, an escaped HTML part.
    (email,) = mailoutbox
    assert email.subject == f"New deal to review: {title} (Aspen Bakery)"
    assert PAYLOAD not in email.alternatives[0][0]

    staff_publish(client, staff_user, deal)

    public_page = client.get(public_url(deal)).text
    assert PAYLOAD not in public_page
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in public_page


def test_eleven_edits_of_a_deal_in_an_hour_email_the_staff_once(ada, member_a, mailoutbox):
    """Issue #23.7: each saved deal edit e-mailed the staff (11 edits, 11 e-mails)."""
    deal = make_deal(member_a.business)
    for number in range(11):
        data = form_data(ada, edit_url(deal), summary=f"Fresh bread, batch {number}")
        assert ada.post(edit_url(deal), data).status_code == 303
    staff = [message for message in mailoutbox if message.to == [STAFF_INBOX]]
    assert len(staff) == 1
    assert "Deal changes to review" in staff[0].subject
    deal.refresh_from_db()
    assert deal.latest_revision.as_object().summary == "Fresh bread, batch 10"


def test_deal_submissions_are_limited_per_member(ada, member_a, settings):
    settings.MEMBER_SUBMISSION_LIMITS = {**settings.MEMBER_SUBMISSION_LIMITS, "deal": (1, 3600)}
    assert ada.post(NEW_URL, new_deal_data(ada)).status_code in (302, 303)
    refused = ada.post(NEW_URL, new_deal_data(ada, title="A second deal"))
    assert refused.status_code == 429
    assert 'value="A second deal"' in refused.text
    assert Deal.objects.filter(business__member=member_a, title="A second deal").count() == 0
