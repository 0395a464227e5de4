"""The check-in page at the door: pick today's event, find people by name, tick who arrived,
add a walk-in. Built for a phone: one column, big buttons, every action a plain form POST."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from events import services
from events.forms import WalkInForm
from events.models import EventPage, Registration

PERMISSION = "events.change_registration"
SHOWN = (Registration.Status.CONFIRMED,)


class CheckInPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CheckInIndexView(CheckInPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Check-in")
    header_icon = "tick"
    template_name = "events/admin/check_in_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - datetime.timedelta(days=1)
        context["events"] = (
            EventPage.objects.filter(ends_at__gte=since)
            .order_by("starts_at")
            .annotate(
                attendees=Count("registrations", filter=Q(registrations__status__in=SHOWN)),
                arrived=Count(
                    "registrations",
                    filter=Q(
                        registrations__status__in=SHOWN,
                        registrations__checked_in_at__isnull=False,
                    ),
                ),
            )[:30]
        )
        return context


class CheckInView(CheckInPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tick"
    template_name = "events/admin/check_in.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.event = get_object_or_404(EventPage, pk=kwargs["event_pk"])

    def get_page_title(self):
        return _("Check-in: %(event)s") % {"event": self.event.title}

    def url(self, query: str = "") -> str:
        base = reverse("wagtailsnippets_events_registration:check_in", args=(self.event.pk,))
        return f"{base}?{urlencode({'q': query})}" if query else base

    def get_context_data(self, walk_in_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:100]
        registrations = Registration.objects.filter(
            event=self.event, status__in=SHOWN
        ).select_related("booked_by")
        if query:  # a guest may only know who booked their place
            registrations = registrations.filter(
                Q(name__icontains=query)
                | Q(organisation__icontains=query)
                | Q(booked_by__name__icontains=query)
            )
        totals = Registration.objects.filter(event=self.event, status__in=SHOWN).aggregate(
            attendees=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False))
        )
        context.update(
            event=self.event,
            query=query,
            registrations=registrations.order_by("name", "pk"),
            totals=totals,
            walk_in_form=walk_in_form or WalkInForm(),
            action_url=self.url(),
            index_url=reverse("wagtailsnippets_events_registration:check_in_index"),
        )
        return context

    def post(self, request, *args, **kwargs):
        query = request.POST.get("q", "")
        if "walk_in" in request.POST:
            form = WalkInForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(walk_in_form=form))
            registration = services.registration_add_walk_in(event=self.event, **form.cleaned_data)
            messages.success(
                request, _("%(name)s added and checked in.") % {"name": registration.name}
            )
            return redirect(self.url())
        registration = get_object_or_404(
            Registration, pk=request.POST.get("registration"), event=self.event
        )
        arrived = request.POST.get("arrived") == "1"
        services.registration_check_in(registration=registration, arrived=arrived)
        if arrived:
            messages.success(request, _("%(name)s arrived.") % {"name": registration.name})
        return redirect(self.url(query) + f"#registration-{registration.pk}")


class CancelEventView(WagtailAdminTemplateMixin, TemplateView):
    """Cancel an event: its page says so, every paid place is refunded through Stripe and
    everyone registered or waiting is e-mailed (services.cancel_event). For those who may both
    publish the event's page and manage its registrations. Run again, it retries the refunds
    that failed."""

    header_icon = "cross"
    template_name = "events/admin/cancel_event.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.event = get_object_or_404(EventPage, pk=kwargs["event_pk"])

    def dispatch(self, request, *args, **kwargs):
        if not may_cancel_event(request.user, self.event):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Cancel %(event)s") % {"event": self.event.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = Registration.objects.filter(event=self.event, status__in=services.ACTIVE)
        paid = active.filter(price__gt=0).exclude(stripe_payment_intent_id="")
        context.update(
            event=self.event,
            people=active.count(),
            paid=paid.count(),
            to_refund=paid.filter(stripe_refund_id="").aggregate(total=Sum("price"))["total"],
            edit_url=reverse("wagtailadmin_pages:edit", args=(self.event.pk,)),
        )
        return context

    def post(self, request, *args, **kwargs):
        result = services.cancel_event(self.event, user=request.user)
        messages.success(
            request,
            _("%(event)s is cancelled; %(count)d people were told (and refunded if they paid).")
            % {"event": self.event.title, "count": len(result.cancelled)},
        )
        for registration, reason in result.failed:
            messages.error(
                request,
                _("%(name)s was not refunded: %(reason)s Cancel the event again to retry.")
                % {"name": registration.name, "reason": reason},
            )
        return redirect(reverse("wagtailadmin_pages:edit", args=(self.event.pk,)))


def may_cancel_event(user, event: EventPage) -> bool:
    return user.has_perm(PERMISSION) and event.permissions_for_user(user).can_publish()
