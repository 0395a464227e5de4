"""Events in a real browser: a guest finds a free event on /events/ and registers for it by
keyboard; /events/, an event's page, registration pages (an offered place, a refundable one),
the join page's member rates and an organiser's listing pass axe at desktop and phone widths."""

import datetime

import pytest
from django.utils import timezone

from events.models import Registration
from tests.e2e.helpers import E2E_DB, axe_violations
from tests.events.helpers import make_event
from tests.factories import BusinessFactory, MemberFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def calendar(site_tree):
    return {
        "mixer": make_event("Coffee and connections", days=3, capacity=40),
        "breakfast": make_event(
            "Policy breakfast", kind="policy-breakfast", days=9, prices=(25, 40)
        ),
        "expo": make_event("Small business expo", days=20, all_day=True),
    }


def test_a_guest_registers_for_a_free_event(page, calendar):
    page.goto("/events/")
    page.get_by_role("link", name="Coffee and connections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coffee and connections")

    page.get_by_label("Your name").fill("Gita Guest")
    page.get_by_label("E-mail:", exact=True).fill("gita@guest.example")
    page.get_by_label("Organisation").fill("Guest Consulting")
    page.get_by_label("I'm interested in joining the chamber").check()
    page.get_by_role("button", name="Register").press("Enter")

    expect(page.get_by_text("You're registered for Coffee and connections.")).to_be_visible()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.interested_in_membership


def test_a_guest_books_places_for_two_colleagues_by_keyboard(new_page, calendar, axe_source):
    page = new_page(viewport=PHONE)
    page.goto(calendar["mixer"].url)
    page.get_by_label("Your name").fill("Gita Guest")
    page.get_by_label("E-mail:", exact=True).fill("gita@guest.example")
    summary = page.get_by_text("Booking for others too?")
    summary.focus()
    page.keyboard.press("Enter")
    guests = page.get_by_role("group", name="Guest 1")
    expect(guests).to_be_visible()
    guests.get_by_label("Name").fill("Ana Ames")
    page.get_by_role("group", name="Guest 2").get_by_label("Name").fill("Bo Byrd")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Register").press("Enter")

    expect(page.get_by_text("You're registered for Coffee and connections.")).to_be_visible()
    places = page.get_by_role("region", name="Places you booked for others")
    expect(places.get_by_role("listitem")).to_have_count(2)
    expect(places.get_by_role("button", name="Cancel the place of Bo Byrd")).to_be_visible()
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert axe_violations(page, axe_source) == [], viewport
    assert Registration.objects.filter(booked_by__name="Gita Guest").count() == 2


def test_events_pages_pass_axe_on_desktop_and_phone(new_page, calendar, axe_source):
    paths = ["/events/", "/events/calendar/", f"/events/{calendar['breakfast'].slug}/"]
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport=viewport)
        for path in paths:
            page.goto(path)
            assert axe_violations(page, axe_source) == [], (path, viewport)
            assert page.locator("h1").count() == 1, path


def test_new_event_pages_pass_axe_on_desktop_and_phone(new_page, calendar, axe_source):
    """A place offered from the waitlist (pay or give it up), a paid place that can still be
    cancelled with a refund, the join page's member rates and an organiser's listing."""
    breakfast = calendar["breakfast"]
    offered = Registration.objects.create(
        event=breakfast,
        name="Wanda Wait",
        email="wanda@wait.example",
        price=40,
        status=Registration.Status.HELD,
        hold_expires_at=timezone.now() + datetime.timedelta(hours=40),
    )
    paid = Registration.objects.create(
        event=breakfast,
        name="Paula Paid",
        email="paula@paid.example",
        price=40,
        status=Registration.Status.CONFIRMED,
        stripe_payment_intent_id="pi_e2e",
    )
    organiser = BusinessFactory(name="Harbour Printworks", member=MemberFactory())
    make_event("Print open house", days=5, organiser=organiser)
    paths = [
        f"/events/{breakfast.slug}/registration/{offered.token}/",
        f"/events/{breakfast.slug}/registration/{paid.token}/",
        "/join/",
        f"/directory/{organiser.slug}/",
    ]
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport=viewport)
        for path in paths:
            page.goto(path)
            assert axe_violations(page, axe_source) == [], (path, viewport)
    page.goto(paths[0])
    expect(page.get_by_role("button", name="Pay 40.00 USD and confirm my place")).to_be_visible()
    page.goto(paths[1])
    expect(
        page.get_by_role("button", name="Cancel my place (full refund of 40.00 USD)")
    ).to_be_visible()
