"""/events/ and each event's page.

Times are stored as aware datetimes (UTC in the database) and typed and shown in the chamber's
zone (TIME_ZONE): an event at 6 pm stays at 6 pm local time on either side of a DST change,
and its .ics carries the zone by name. An all-day event keeps local midnight to the last second
of its last local day, so "upcoming" and "past" need no special case for it.

The .ics files are Django URLs (events/urls.py): Wagtail's page paths end in a slash and
take no dot. Each route imports its view when it runs, as Wagtail's routable pages do: while
models load, what the views use can't all be imported yet.
"""

import datetime
from decimal import Decimal
from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from chamber.routing import CachedViewRestrictionsMixin
from events.blocks import EventBodyBlock
from membership.models.members import CURRENCIES

# The most places one booking may take (a table of ten at a gala dinner).
MAX_PLACES_PER_ORDER = 10


class EventKind(models.TextChoices):
    MIXER = "mixer", _("Networking mixer")
    RIBBON_CUTTING = "ribbon-cutting", _("Ribbon cutting")
    WORKSHOP = "workshop", _("Workshop")
    POLICY_BREAKFAST = "policy-breakfast", _("Policy breakfast")
    LUNCH = "lunch", _("Luncheon")
    GALA = "gala", _("Gala and awards")
    OTHER = "other", _("Other")


class EventIndexPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/events/: upcoming events (filters, search, pages), past events, a month calendar and
    the iCal feed; each event is a child page."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("events index page")

    @path("")
    def index_view(self, request):
        from events.views import event_index

        return event_index(request, page=self, past=False)

    @path("past/")
    def past_view(self, request):
        from events.views import event_index

        return event_index(request, page=self, past=True)

    @path("calendar/")
    @re_path(r"^calendar/(?P<year>\d{4})-(?P<month>\d{2})/$")
    def calendar_view(self, request, year=None, month=None):
        from events.views import event_calendar

        return event_calendar(request, page=self, year=year, month=month)


class EventPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    summary = models.CharField(
        _("summary"), max_length=250, help_text=_("One or two sentences for lists and feeds.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.SCHEDULED,
        help_text=_("A cancelled event keeps its page, which says it is cancelled."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(
        _("all day"), default=False, help_text=_("Only the dates count; times are not shown.")
    )
    venue_name = models.CharField(_("venue"), max_length=120, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("For online or hybrid events: shown only to registered attendees."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open now.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when it starts.")
    )
    organiser = models.ForeignKey(
        "directory.Business",
        verbose_name=_("organised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("A member business; leave empty when the chamber organises it."),
    )
    refund_hours = models.PositiveIntegerField(
        _("refunds until (hours before the start)"),
        default=48,
        help_text=_(
            "Attendees may cancel a paid place themselves, with a full refund, until this many "
            "hours before the event starts; after that, only the chamber office can."
        ),
    )
    places_per_order = models.PositiveSmallIntegerField(
        _("places per booking"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES_PER_ORDER)],
        help_text=_(
            "How many places one person may book at once, themselves included, naming each "
            "attendee (1: only themselves)."
        ),
    )
    members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_("Only people representing a member in good standing may register."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="usd")
    body = StreamField(EventBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("all_day"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("region"), FieldPanel("postcode")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("organiser"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("places_per_order")]),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
                FieldPanel("members_only"),
                FieldRowPanel([FieldPanel("currency"), FieldPanel("refund_hours")]),
                InlinePanel("ticket_types", label=_("Ticket type"), min_num=1),
            ],
            heading=_("Registration and tickets"),
        ),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("venue_name"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
        index.FilterField("ends_at"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        permissions = [
            ("review_eventpage", "Can approve or send back events members submit"),
        ]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="events_page_when_idx")]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at:
            self.normalise_all_day()
            if self.ends_at < self.starts_at or (
                not self.all_day and self.ends_at == self.starts_at
            ):
                raise ValidationError({"ends_at": _("The event must end after it starts.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )

    def save(self, *args, **kwargs):
        self.normalise_all_day()
        super().save(*args, **kwargs)

    def normalise_all_day(self) -> None:
        """An all-day event runs from local midnight of its first day to the last second of
        its last day, in the chamber's zone."""
        if not (self.all_day and self.starts_at and self.ends_at):
            return
        first, last = self.local_start.date(), self.local_end.date()
        self.starts_at = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
        self.ends_at = timezone.make_aware(
            datetime.datetime.combine(max(first, last), datetime.time(23, 59, 59))
        )

    # -- what templates, feeds and JSON-LD show -------------------------------------------------

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at)

    @property
    def multi_day(self) -> bool:
        return self.local_start.date() != self.local_end.date()

    @property
    def cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else ""

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(part for part in (self.region, self.postcode) if part)
        city_line = ", ".join(part for part in (self.city, locality) if part)
        return [line for line in (self.venue_name, self.street, city_line) if line]

    @property
    def has_venue(self) -> bool:
        return bool(self.street or self.city or self.venue_name)

    @property
    def map_url(self) -> str:
        """A map search for the address (OpenStreetMap: no key, no tracking script)."""
        address = ", ".join(
            part for part in (self.street, self.city, self.region, self.postcode) if part
        )
        if not address:
            return ""
        return f"https://www.openstreetmap.org/search?query={quote_plus(address)}"

    @property
    def attendance_mode(self) -> str:
        if self.online_url and self.has_venue:
            return "mixed"
        return "online" if self.online_url else "offline"

    @property
    def registration_closes(self) -> datetime.datetime:
        return self.registration_closes_at or self.starts_at

    def registration_state(self, at: datetime.datetime | None = None) -> str:
        """THE rule for whether registration is open: "cancelled", "not-yet", "closed" or
        "open" at `at` (capacity is decided under the event's lock, in events.services)."""
        at = at or timezone.now()
        if self.cancelled:
            return "cancelled"
        if self.registration_opens_at and at < self.registration_opens_at:
            return "not-yet"
        if at >= self.registration_closes:
            return "closed"
        return "open"

    def on_sale_ticket_types(self):
        return [ticket for ticket in self.ticket_types.all() if not ticket.comp]

    @property
    def refunds_close_at(self) -> datetime.datetime:
        """The last moment an attendee may cancel a paid place with a refund."""
        return self.starts_at - datetime.timedelta(hours=self.refund_hours)

    @property
    def is_free(self) -> bool:
        return all(ticket.is_free for ticket in self.on_sale_ticket_types())

    # -- routes ------------------------------------------------------------------------------

    @path("")
    def event_view(self, request):
        from events.views import event_detail

        return event_detail(request, page=self)

    @path("register/")
    def register_view(self, request):
        from events.views import event_register

        return event_register(request, page=self)

    @path("registration/<str:token>/")
    def registration_view(self, request, token):
        from events.views import registration_detail

        return registration_detail(request, page=self, token=token)

    @path("registration/<str:token>/cancel/")
    def cancel_view(self, request, token):
        from events.views import registration_cancel

        return registration_cancel(request, page=self, token=token)

    @path("registration/<str:token>/pay/")
    def pay_view(self, request, token):
        from events.views import registration_pay

        return registration_pay(request, page=self, token=token)


class TicketType(Orderable):
    """A kind of ticket for one event, with its member and non-member prices."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=80, default="General admission")
    member_price = models.DecimalField(
        _("member price"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    non_member_price = models.DecimalField(
        _("non-member price"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    comp = models.BooleanField(
        _("complimentary"),
        default=False,
        help_text=_("For sponsors and speakers: issued by staff, not on sale."),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("member_price"), FieldPanel("non_member_price")]),
        FieldPanel("comp"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("ticket type")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_price__gte=0, non_member_price__gte=0),
                name="events_ticket_prices_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.event.title}: {self.name}"

    @property
    def is_free(self) -> bool:
        return self.comp or (self.member_price == 0 and self.non_member_price == 0)

    def price_for(self, *, member: bool) -> Decimal:
        if self.comp:
            return Decimal("0")
        return self.member_price if member else self.non_member_price
