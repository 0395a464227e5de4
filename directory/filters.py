"""The directory's query parameters, validated and applied with django-filter."""

import re

import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from directory.models import Business, Category
from membership.models import MembershipLevel

MAX_QUERY_LENGTH = 200
# C0/C1 control characters (and DEL); tabs and newlines become plain spaces.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("featured", _("Featured first")),
    ("name", _("Name (A-Z)")),
    ("newest", _("Newest members")),
]


def clean_query(value: str) -> str:
    """Strip control characters, collapse whitespace and cut to a sane length."""
    value = CONTROL_CHARACTERS.sub("", value or "")
    return " ".join(value.split())[:MAX_QUERY_LENGTH].strip()


class DirectoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_nothing",  # keyword search runs in directory.search, after filtering
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Business name, trade or keyword")}
        ),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_category",
    )
    city = django_filters.CharFilter(label=_("Town"), field_name="city_slug", max_length=100)
    level = django_filters.ModelChoiceFilter(
        label=_("Membership level"),
        queryset=MembershipLevel.objects.all(),
        to_field_name="slug",
        field_name="member__level",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Business
        fields = ["q", "category", "city", "level", "sort"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            data["q"] = clean_query(data.get("q", ""))
        super().__init__(data, *args, **kwargs)

    @staticmethod
    def filter_nothing(queryset, name, value):
        return queryset

    @staticmethod
    def filter_category(queryset, name, category):
        through = Business.categories.through.objects.filter(category_id__in=category.family_ids())
        return queryset.filter(pk__in=Subquery(through.values("business_id")))

    def filter_queryset_except(self, queryset, excluded: str):
        """Apply every valid filter but one: what a facet on `excluded` counts over."""
        for name, value in self.form.cleaned_data.items():
            if name != excluded and value not in (None, ""):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def ignored(self) -> dict[str, str]:
        """Parameters that were given but not understood: name -> the raw value."""
        if not self.is_bound:
            return {}
        return {name: self.data.get(name, "") for name in self.form.errors}
