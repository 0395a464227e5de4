"""/events/' query parameters, validated and applied with django-filter: an invalid value is
ignored and the page says so, as on the directory and deals."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chamber.filters import MAX_QUERY_LENGTH, PublicFilterSet
from events.models import EventKind, EventPage
from events.selectors import paid_ticket_q

WORD_LIMIT = 8
CHAMBER = "chamber"  # the organiser value for the chamber's own events


def organiser_choices() -> list[tuple[str, str]]:
    """The chamber, then the member businesses organising a live event, by name (one query)."""
    organisers = (
        EventPage.objects.live()
        .filter(organiser__isnull=False)
        .values_list("organiser__slug", "organiser__name")
        .order_by("organiser__name")
        .distinct()
    )
    return [(CHAMBER, _("The chamber")), *organisers]


class EventFilterSet(PublicFilterSet):
    q = django_filters.CharFilter(
        label=_("Search events"),
        method="filter_keywords",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of event"),
        choices=EventKind.choices,
        method="filter_kind",
        empty_label=_("Any kind"),
    )
    organiser = django_filters.ChoiceFilter(
        label=_("Organised by"),
        choices=lambda: organiser_choices(),
        method="filter_organiser",
        empty_label=_("Anyone"),
    )
    price = django_filters.ChoiceFilter(
        label=_("Price"),
        choices=[("free", _("Free")), ("paid", _("Paid"))],
        method="filter_price",
        empty_label=_("Free or paid"),
    )
    audience = django_filters.ChoiceFilter(
        label=_("Who can register"),
        choices=[("members", _("Members only")), ("everyone", _("Open to everyone"))],
        method="filter_audience",
        empty_label=_("Anyone"),
    )

    class Meta:
        model = EventPage
        fields = ["q", "kind", "organiser", "price", "audience"]

    @staticmethod
    def filter_keywords(queryset, name, value):
        """Every word in the title, summary, venue, city or organiser. Events on show are few
        hundred at most, so a substring match is enough and finds partial words."""
        for word in value.split()[:WORD_LIMIT]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(venue_name__icontains=word)
                | Q(city__icontains=word)
                | Q(organiser__name__icontains=word)
            )
        return queryset

    @staticmethod
    def filter_kind(queryset, name, value):
        return queryset.filter(kind=value)

    @staticmethod
    def filter_organiser(queryset, name, value):
        if value == CHAMBER:
            return queryset.filter(organiser__isnull=True)
        return queryset.filter(organiser__slug=value)

    @staticmethod
    def filter_price(queryset, name, value):
        return (
            queryset.filter(paid_ticket_q())
            if value == "paid"
            else queryset.exclude(paid_ticket_q())
        )

    @staticmethod
    def filter_audience(queryset, name, value):
        return queryset.filter(members_only=value == "members")
