"""Events member businesses submit from /account/events/ (events/account.py), within their
level's allowance, approved or sent back by the chamber office in the review queue."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from events.models import EventPage
from tests.chamber.test_review_queue import decide, review_url
from tests.factories import MembershipLevelFactory, UserFactory, account_member
from tests.mail import committed

pytestmark = pytest.mark.django_db

LIST = "/account/events/"
NEW = "/account/events/new/"


@pytest.fixture
def level(db):
    return MembershipLevelFactory(name="Business", events_allowed=2)


@pytest.fixture
def printworks(events_index, level, client):
    member = account_member("Harbour Printworks", level, "pat@printworks.example")
    client.force_login(member.user)
    return member


@pytest.fixture
def moderator(site_tree):
    user = UserFactory(username="mo", email="mo@chamber.example")
    user.groups.add(Group.objects.get(name="Page moderators"))
    return user


def form_data(member, **overrides) -> dict:
    starts = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "organiser": member.business.pk,
        "title": "Print open house",
        "kind": "mixer",
        "summary": "See the presses run <b>live</b>.",
        "starts_at": starts.strftime("%Y-%m-%dT18:00"),
        "ends_at": starts.strftime("%Y-%m-%dT20:00"),
        "venue_name": "The print shop",
        "street": "4 Quay Street",
        "city": "Riverside",
        "postcode": "97999",
        "member_price": "0",
        "non_member_price": "10",
        "description": "Tea, type and ink.\n\nAll welcome.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_member_submits_an_event_that_waits_for_review(client, printworks):
    page = client.get(LIST)
    assert page.status_code == 200
    assert "0 of 2 events a year used" in page.text

    response = client.post(NEW, form_data(printworks))

    assert response.status_code == 303
    event = EventPage.objects.get()
    assert not event.live and event.has_unpublished_changes
    assert event.organiser == printworks.business and event.owner == printworks.user
    assert timezone.localtime(event.starts_at).hour == 18
    [ticket] = event.ticket_types.all()
    assert (ticket.member_price, ticket.non_member_price) == (0, 10)
    assert "Waiting for approval" in client.get(LIST).text
    # Not on show until approved.
    client.logout()
    assert "Print open house" not in client.get("/events/").text
    assert client.get(f"/events/{event.slug}/").status_code == 404


def test_the_chamber_office_approves_it_from_the_queue(client, printworks, moderator):
    client.post(NEW, form_data(printworks))
    event = EventPage.objects.get()
    client.force_login(moderator)
    queue = client.get("/admin/review-queue/").text
    assert "Print open house" in queue
    review = client.get(review_url("event", event)).text
    # The member's markup is shown as text.
    assert "See the presses run &lt;b&gt;live&lt;/b&gt;." in review

    decide(client, "event", event, "approve-form")

    event = EventPage.objects.get()
    assert event.live and not event.has_unpublished_changes
    client.logout()
    assert "Print open house" in client.get("/events/").text
    assert "Print open house" in client.get(f"/directory/{printworks.business.slug}/").text


def test_sent_back_with_a_reason_the_member_reads_it(client, printworks, moderator):
    client.post(NEW, form_data(printworks))
    event = EventPage.objects.get()
    client.force_login(moderator)
    mail.outbox.clear()

    with committed():
        decide(client, "event", event, "send-back-form", reason="Please give a start time.")

    assert [message.to for message in mail.outbox] == [["pat@printworks.example"]]
    assert "Please give a start time." in mail.outbox[0].body
    client.force_login(printworks.user)
    listing = client.get(LIST).text
    assert "Sent back for changes" in listing and "Please give a start time." in listing
    assert "Print open house" not in client.get("/admin/review-queue/").text


def test_the_levels_allowance_is_kept(client, printworks, level):
    level.events_allowed = 1
    level.save()
    assert client.post(NEW, form_data(printworks)).status_code == 303

    response = client.post(NEW, form_data(printworks, title="Second event"))

    assert response.status_code == 400
    assert "No place for another event" in response.text
    assert EventPage.objects.count() == 1


def test_a_level_without_events_offers_none(client, printworks, level):
    level.events_allowed = 0
    level.save()
    assert "does not include events of your own" in client.get(LIST).text
    assert client.post(NEW, form_data(printworks)).status_code == 400
    assert not EventPage.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"starts_at": "2020-01-01T18:00", "ends_at": "2020-01-01T20:00"}, "starts_at", "future"),
        ({"ends_at": None}, "ends_at", "required"),
        ({"city": "", "online_url": ""}, "city", "online link"),
        ({"member_price": "20", "non_member_price": "10"}, "member_price", "more than others"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_shows_field_errors_and_keeps_what_was_typed(
    client, printworks, overrides, field, message
):
    response = client.post(NEW, form_data(printworks, **overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="The print shop"' in response.text
    assert not EventPage.objects.exists()


def test_another_members_listing_cannot_be_the_organiser(client, printworks, level):
    other = account_member("Quay Cafe", level, "quinn@quaycafe.example")
    response = client.post(NEW, form_data(printworks, organiser=other.business.pk))
    assert response.status_code == 400
    assert not EventPage.objects.exists()


def test_a_member_sees_only_its_own_events(client, printworks, level, event_factory):
    other = account_member("Quay Cafe", level, "quinn@quaycafe.example")
    event_factory("Quay breakfast", organiser=other.business)
    assert "Quay breakfast" not in client.get(LIST).text


def test_events_staff_draft_in_the_admin_never_wait_in_the_members_queue(
    client, printworks, moderator, event_factory
):
    draft = event_factory("Staff draft", organiser=printworks.business, live=False)
    draft.save_revision(user=moderator)
    client.force_login(moderator)
    assert "Staff draft" not in client.get("/admin/review-queue/").text


def test_anonymous_visitors_are_sent_to_log_in(client, events_index):
    for url in (LIST, NEW):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
