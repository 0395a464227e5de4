"""/account/events/: the events the member's businesses organise, and submitting a new one for
the chamber office to approve (events/submissions.py). Any contact of the member may submit, as
with deals; each event is checked in the admin's review queue before /events/ shows it.
Changes to a submitted event go through the chamber office (the page says so)."""

from dataclasses import dataclass

from django.contrib import messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from chamber.http import SeeOther
from chamber.ratelimit import TOO_MANY_SUBMISSIONS, member_may_submit
from chamber.reviews import Decision, sent_back_notes
from events.forms import EventSubmissionForm
from events.models import EventPage
from events.submissions import EventLimitReached, event_allowance, event_submit, member_events
from membership.account.access import account_view


@dataclass(frozen=True)
class EventRow:
    event: EventPage
    status: str
    sent_back: Decision | None

    @property
    def tone(self) -> str:
        return "" if self.status in ("Published", "Held") else "accent"


def event_status(event: EventPage, *, sent_back: bool, now) -> str:
    if event.status == EventPage.Status.CANCELLED:
        return "Cancelled"
    if not event.live:
        return "Sent back for changes" if sent_back else "Waiting for approval"
    if event.ends_at < now:
        return "Held"
    return "Published"


@account_view
@require_GET
def event_list(request):
    member = request.account.member
    events = list(member_events(member))
    notes = sent_back_notes(events) if events else {}
    now = timezone.now()
    rows = [
        EventRow(
            event=event,
            status=event_status(event, sent_back=event.pk in notes, now=now),
            sent_back=notes.get(event.pk),
        )
        for event in events
    ]
    return TemplateResponse(
        request,
        "events/account/events.html",
        {
            "account": request.account,
            "account_section": "events",
            "rows": rows,
            "allowance": event_allowance(member),
            "has_businesses": member.businesses.exists(),
        },
    )


def _form_page(request, *, form, allowance, status=200):
    return TemplateResponse(
        request,
        "events/account/event_form.html",
        {
            "account": request.account,
            "account_section": "events",
            "form": form,
            "allowance": allowance,
            "has_businesses": request.account.member.businesses.exists(),
        },
        status=status,
    )


@account_view
def event_new(request):
    member = request.account.member
    posted = request.method == "POST"
    form = EventSubmissionForm(request.POST if posted else None, member=member)
    allowance = event_allowance(member)
    if not allowance.can_add:
        return _form_page(request, form=form, allowance=allowance, status=400 if posted else 200)
    if posted and form.is_valid() and not member_may_submit("event", member.pk):
        form.add_error(None, TOO_MANY_SUBMISSIONS)
        return _form_page(request, form=form, allowance=allowance, status=429)
    if posted and form.is_valid():
        try:
            event = event_submit(member=member, values=form.values(), user=request.user)
        except EventLimitReached as refused:  # another contact took the last place meanwhile
            return _form_page(request, form=form, allowance=refused.allowance, status=400)
        messages.success(
            request,
            f"Thank you: “{event.title}” is with the chamber office, who publish it after a check.",
        )
        return SeeOther(reverse("account_events:events"))
    return _form_page(request, form=form, allowance=allowance, status=400 if posted else 200)
