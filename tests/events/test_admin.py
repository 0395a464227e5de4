"""Staff side of events: the attendee list per event with CSV and XLSX export, the check-in
page at the door (search, tick arrived, undo, walk-ins), the dashboard figures, and who may
use them."""

import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from events.models import Registration
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/events/registration/"
CHECK_IN = "/admin/snippets/events/registration/check-in/"


def attend(event, name, **values):
    values.setdefault("status", Registration.Status.CONFIRMED)
    return Registration.objects.create(
        event=event,
        ticket_type=event.ticket_types.first(),
        name=name,
        email=f"{name.split()[0].lower()}@guest.example",
        **values,
    )


@pytest.fixture
def mixer(event_factory):
    event = event_factory("Coffee mixer")
    attend(event, "Ada Lovelace", organisation="Analytical Engines")
    attend(event, "Grace Hopper", interested_in_membership=True)
    attend(event, "Waiting Wanda", status=Registration.Status.WAITLISTED)
    return event


def rows(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [row.get_text(" ", strip=True) for row in soup.select("table.listing tbody tr")]


def test_attendee_list_per_event(staff_client, mixer, event_factory):
    other = event_factory("Gala")
    attend(other, "Someone Else")

    response = staff_client.get(LIST, {"event": mixer.pk})

    assert response.status_code == 200
    listed = rows(response)
    assert len(listed) == 3
    assert not any("Someone Else" in row for row in listed)


def test_attendee_list_exports_csv_and_xlsx(staff_client, mixer):
    csv = staff_client.get(LIST, {"event": mixer.pk, "export": "csv"})
    xlsx = staff_client.get(LIST, {"event": mixer.pk, "export": "xlsx"})

    text = b"".join(csv.streaming_content).decode()
    assert "Ada Lovelace" in text and "Analytical Engines" in text
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Ada Lovelace", "Grace Hopper", "Waiting Wanda"]


def test_check_in_lists_confirmed_attendees_and_finds_by_name(staff_client, mixer):
    index = staff_client.get(CHECK_IN)
    page = staff_client.get(f"{CHECK_IN}{mixer.pk}/")
    found = staff_client.get(f"{CHECK_IN}{mixer.pk}/", {"q": "grace"})

    assert "Coffee mixer" in index.text
    assert "Ada Lovelace" in page.text and "Grace Hopper" in page.text
    assert "Waiting Wanda" not in page.text
    assert "Grace Hopper" in found.text and "Ada Lovelace" not in found.text


def test_ticking_arrived_and_undoing_it(staff_client, mixer):
    ada = Registration.objects.get(name="Ada Lovelace")

    response = staff_client.post(f"{CHECK_IN}{mixer.pk}/", {"registration": ada.pk, "arrived": "1"})
    ada.refresh_from_db()
    assert response.status_code == 302
    assert ada.checked_in_at is not None
    assert "1 of 2" in staff_client.get(f"{CHECK_IN}{mixer.pk}/").text

    staff_client.post(f"{CHECK_IN}{mixer.pk}/", {"registration": ada.pk, "arrived": "0"})
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_a_registration_of_another_event_cannot_be_ticked(staff_client, mixer, event_factory):
    stranger = attend(event_factory("Gala"), "Someone Else")

    response = staff_client.post(
        f"{CHECK_IN}{mixer.pk}/", {"registration": stranger.pk, "arrived": "1"}
    )

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.checked_in_at is None


def test_adding_a_walk_in(staff_client, mixer):
    response = staff_client.post(
        f"{CHECK_IN}{mixer.pk}/", {"walk_in": "1", "name": "Walter Walkin", "email": ""}
    )

    walk_in = Registration.objects.get(name="Walter Walkin")
    assert response.status_code == 302
    assert walk_in.walk_in and walk_in.checked_in_at is not None
    assert walk_in.status == Registration.Status.CONFIRMED


def test_a_walk_in_needs_a_name(staff_client, mixer):
    response = staff_client.post(f"{CHECK_IN}{mixer.pk}/", {"walk_in": "1", "name": ""})

    assert response.status_code == 200
    assert not Registration.objects.filter(walk_in=True).exists()


@pytest.mark.parametrize("url", [LIST, CHECK_IN])
def test_editors_and_visitors_cannot_see_attendees(client, mixer, url):
    assert client.get(url).status_code == 302  # to the admin's login
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(url).status_code in (302, 403)
    assert client.get(f"{CHECK_IN}{mixer.pk}/").status_code in (302, 403)


def test_dashboard_shows_event_figures(staff_client, mixer):
    response = staff_client.get("/admin/")

    section = BeautifulSoup(response.content, "html.parser").find(id="todays-work-section")
    figures = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in section.select("table tbody tr")
    }
    assert figures["Upcoming events"] == "1"
    assert figures["Event guests interested in membership"] == "1"
