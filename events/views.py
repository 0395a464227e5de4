"""Events pages, served through EventIndexPage's and EventPage's routes: the upcoming and past
lists, the month calendar, the iCal feed, an event's page, registering and a registration.

An event's page depends on who asks (member prices, the online link for attendees): it is
marked `Cache-Control: private`, so no shared cache keeps one visitor's view for the next.
"""

import datetime
import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Site

from chamber.http import SeeOther
from chamber.pagination import page_of
from chamber.selectors import site_chrome
from directory.models import DirectoryPage
from events import checkout, ical, refunds, services
from events.feeds import feed_kind
from events.filters import EventFilterSet
from events.forms import RegistrationForm, guest_formset
from events.models import EventIndexPage, EventKind, Registration
from events.selectors import (
    event_cards,
    events_between,
    month_weeks,
    past_events,
    rate_for,
    registration_for_user,
    seats_left,
    shown_events,
    ticket_offers,
    upcoming_events,
)
from events.structured_data import event_json_ld
from membership.account.access import SESSION_KEY

logger = logging.getLogger(__name__)

PAGE_SIZE = 12
FEED_SIZE = 200


def event_index(request, *, page, past: bool):
    events = past_events() if past else upcoming_events()
    filterset = EventFilterSet(request.GET, queryset=events)
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    events = filterset.filter_queryset_except(filterset.queryset)
    page_obj = page_of(events, request.GET.get("page"), PAGE_SIZE)
    cleaned = filterset.form.cleaned_data
    index_url = page.get_url(request)
    return TemplateResponse(
        request,
        "events/event_index_page.html",
        {
            "page": page,
            "self": page,
            "past": past,
            "filterset": filterset,
            "page_obj": page_obj,
            "cards": event_cards(page_obj.object_list, index_url=index_url),
            "index_url": index_url,
            "list_url": index_url + ("past/" if past else ""),
            "query": cleaned.get("q") or "",
            "is_filtered": any(cleaned.get(name) for name in EventFilterSet.Meta.fields),
            "ignored": filterset.ignored,
            # Filtered to one kind: offer that kind's feeds too.
            "kind_feed": EventKind(cleaned["kind"]) if cleaned.get("kind") else None,
        },
    )


def _month(year, month) -> datetime.date | None:
    if year is None:
        return timezone.localdate().replace(day=1)
    try:
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None


def event_calendar(request, *, page, year=None, month=None):
    first = _month(year, month)
    if first is None or not 1900 <= first.year <= 2200:
        raise Http404("No such month")
    weeks_probe = month_weeks(first.year, first.month, [])
    events = list(events_between(weeks_probe[0][0].day, weeks_probe[-1][-1].day))
    weeks = month_weeks(first.year, first.month, events)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    index_url = page.get_url(request)
    return TemplateResponse(
        request,
        "events/event_calendar.html",
        {
            "page": page,
            "self": page,
            "month": first,
            "weeks": weeks,
            "index_url": index_url,
            "previous_url": f"{index_url}calendar/{previous:%Y-%m}/",
            "next_url": f"{index_url}calendar/{following:%Y-%m}/",
            "previous": previous,
            "following": following,
        },
    )


def event_feed(request):
    page = EventIndexPage.objects.live().public().first()
    if page is None:
        raise Http404("No events page")
    kind = feed_kind(request)  # ?kind=workshop: one kind's calendar
    events = upcoming_events()
    if kind:
        events = events.filter(kind=kind)
    name = f"{page.title}: {EventKind(kind).label}" if kind else page.title
    body = ical.calendar([(event, event.get_full_url()) for event in events[:FEED_SIZE]], name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"events-{kind}.ics" if kind else "events.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request, slug):
    event = shown_events().filter(slug=slug).first()
    if event is None:
        raise Http404("No such event")
    registration = registration_for_user(event, request.user)
    online = event.online_url if registration is not None and registration.confirmed else ""
    body = ical.calendar(
        [(event, event.get_full_url(), online)], name=event.title, method="PUBLISH"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    if online:
        _private(response)
    return response


def _rate(request):
    preferred = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return rate_for(request.user, preferred_id=preferred)


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _initial(request, rate) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    member = rate.member or rate.lapsed
    return {
        "name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "organisation": member.name if member else "",
    }


def event_detail(request, *, page, form=None, guests=None, status=200):
    event = page
    rate = _rate(request)
    offers = ticket_offers(event, rate)
    registration = registration_for_user(event, request.user)
    state = event.registration_state()
    left = seats_left(event)
    if form is None:
        form = RegistrationForm(
            offers=offers,
            initial=_initial(request, rate),
            show_membership_interest=rate.member is None,
        )
    if guests is None:
        guests = guest_formset(event)
    url = event.get_full_url(request)
    directory = DirectoryPage.objects.live().first()
    organiser_url = (
        directory.business_url(event.organiser, full=True)
        if directory and event.organiser_id
        else ""
    )
    chamber = site_chrome(request).chamber
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    image_url = (
        request.build_absolute_uri(event.image.get_rendition("fill-1200x675").url)
        if event.image_id
        else ""
    )
    response = TemplateResponse(
        request,
        "events/event_page.html",
        {
            "page": event,
            "self": event,
            "event": event,
            "rate": rate,
            "offers": offers,
            "form": form,
            "guests": guests,
            "guests_open": guests.is_bound and bool(guests.errors or guests.non_form_errors()),
            "registration": registration,
            "attendee": registration is not None and registration.confirmed,
            "state": state,
            "seats_left": left,
            "register_url": event.url + event.reverse_subpage("register_view"),
            "ics_url": reverse("events:event_ics", kwargs={"slug": event.slug}),
            "organiser_url": directory.business_url(event.organiser) if organiser_url else "",
            "may_register": state == "open" and (not event.members_only or rate.member_rate),
            "json_ld": event_json_ld(
                event,
                url=url,
                chamber_name=chamber.name or (root.title if root else ""),
                chamber_url=root.get_full_url(request) if root else url,
                organiser_url=organiser_url,
                image_url=image_url,
            ),
        },
        status=status,
    )
    return _private(response)


def event_register(request, *, page):
    event = page
    if request.method != "POST":
        if request.method in ("GET", "HEAD"):
            return redirect(event.url)
        return HttpResponseNotAllowed(["POST"])
    rate = _rate(request)
    offers = ticket_offers(event, rate)
    form = RegistrationForm(
        request.POST, offers=offers, show_membership_interest=rate.member is None
    )
    # A post without the guest rows (an older page, a script) books one place.
    posted_guests = request.POST if "guests-TOTAL_FORMS" in request.POST else None
    guests = guest_formset(event, data=posted_guests, booker_email=request.POST.get("email", ""))
    if not form.is_valid() or (guests.is_bound and not guests.is_valid()):
        return event_detail(request, page=event, form=form, guests=guests, status=400)
    chosen = form.cleaned_data["ticket"]
    ticket = next(offer.ticket for offer in offers if offer.ticket.pk == chosen)
    try:
        registration, created = services.registration_create(
            event=event,
            ticket_type=ticket,
            rate=rate,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            organisation=form.cleaned_data["organisation"],
            interested_in_membership=form.cleaned_data.get("interested_in_membership", False),
            user=request.user,
            pay_online=checkout.checkout_available(),
            guests=guests.guests() if guests.is_bound else [],
        )
    except services.RegistrationRefused as refusal:
        form.add_error(None, str(refusal))
        return event_detail(request, page=event, form=form, guests=guests, status=409)
    if registration.status == Registration.Status.HELD and created:
        return start_checkout(request, registration)
    if not created:
        messages.info(request, "You were already registered with this e-mail address.")
    return SeeOther(registration_path(registration))


def registration_path(registration) -> str:
    event = registration.event
    return event.url + event.reverse_subpage(
        "registration_view", kwargs={"token": registration.token}
    )


def registration_detail(request, *, page, token):
    registration = (
        Registration.objects.filter(event=page, token=token)
        .select_related("ticket_type", "booked_by")
        .first()
    )
    if registration is None:
        raise Http404("No such registration")
    if registration.status == Registration.Status.HELD and "session_id" in request.GET:
        checkout.fulfil_returning_buyer(registration, request.GET["session_id"])
        registration.refresh_from_db()
    response = TemplateResponse(
        request,
        "events/registration.html",
        {
            "page": page,
            "self": page,
            "event": page,
            "registration": registration,
            "attendee": registration.confirmed,
            "ics_url": reverse("events:event_ics", kwargs={"slug": page.slug}),
            "offer": services.is_offer(registration),
            "may_cancel": not services.cancellation_problem(registration),
            "refundable": refunds.needs_refund(registration),
            "party": [
                {
                    "registration": guest,
                    "path": registration_path(guest),
                    "may_cancel": not services.cancellation_problem(guest),
                    "refundable": refunds.needs_refund(guest),
                }
                for guest in _with_event(registration.party.order_by("pk"), page)
            ],
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return _private(response)


def _with_event(registrations, event):
    for registration in registrations:
        registration.event = event  # the page already in hand, not read again per place
        yield registration


def start_checkout(request, registration):
    """Off to Stripe Checkout; if Stripe can't be reached, the held seat goes back at once."""
    event = registration.event
    try:
        url = checkout.start_checkout(
            registration,
            success_url=request.build_absolute_uri(registration_path(registration)),
            cancel_url=request.build_absolute_uri(event.url),
        )
    except Exception:
        logger.exception("Could not start Checkout for registration %s", registration.pk)
        services.release_holds(services.booking(registration))
        messages.error(
            request, "We could not reach the payment service. Please try again in a moment."
        )
        return SeeOther(event.url)
    return SeeOther(url)


def registration_pay(request, *, page, token):
    """Pay for a place offered from the waitlist: off to Checkout for its price."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    registration = Registration.objects.filter(event=page, token=token).first()
    if registration is None:
        raise Http404("No such registration")
    if not services.is_offer(registration) or not checkout.checkout_available():
        messages.error(request, "This place is no longer held for you.")
        return SeeOther(registration_path(registration))
    try:
        url = checkout.start_checkout(
            registration,
            success_url=request.build_absolute_uri(registration_path(registration)),
            cancel_url=request.build_absolute_uri(registration_path(registration)),
        )
    except Exception:
        logger.exception("Could not start Checkout for registration %s", registration.pk)
        messages.error(
            request, "We could not reach the payment service. Please try again in a moment."
        )
        return SeeOther(registration_path(registration))
    return SeeOther(url)


def registration_cancel(request, *, page, token):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    registration = Registration.objects.filter(event=page, token=token).first()
    if registration is None:
        raise Http404("No such registration")
    try:
        services.registration_cancel(registration=registration)
    except services.CancellationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        registration.refresh_from_db()
        refunded = (
            f" We have refunded {registration.price} {registration.currency.upper()}."
            if registration.stripe_refund_id
            else ""
        )
        messages.success(
            request,
            f"Your registration is cancelled. Thank you for letting us know.{refunded}"
            if registration.booked_by_id is None or request.POST.get("back") != "booking"
            else f"The place of {registration.name} is cancelled.{refunded}",
        )
    if registration.booked_by_id is not None and request.POST.get("back") == "booking":
        return SeeOther(registration_path(registration.booked_by) + f"#place-{registration.pk}")
    return SeeOther(registration_path(registration))
