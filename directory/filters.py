"""The directory's query parameters, validated and applied with django-filter.

Choices come from the cached taxonomy (directory/taxonomy.py), so validating and rendering the
form costs no query. A value that isn't a valid choice fails validation and is then left out
of ``cleaned_data``: the filter is ignored and the page says so.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.filters import MAX_QUERY_LENGTH, PublicFilterSet
from directory.features import ListingFeature, listing_features
from directory.models.listings import Business
from directory.taxonomy import category_tree, level_by_slug, membership_levels

SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("featured", _("Featured first")),
    ("name", _("Name (A-Z)")),
    ("newest", _("Newest listings")),
]
PAGE_SIZE = 20  # listings on a page of results
# The order each sort reads listings in ("relevance" ranks keyword matches instead); each has
# an index of its own (migrations 0006 and 0008).
SORT_ORDERINGS = {
    "featured": ("-is_featured", "name", "pk"),
    "name": ("name", "pk"),
    "newest": ("-created_at", "-pk"),
}


def category_choices():
    choices = []
    for root in category_tree().roots:
        choices.append((root.slug, root.name))
        choices.extend((child.slug, f"{root.name} / {child.name}") for child in root.children)
    return choices


def level_choices():
    return [(level.slug, level.name) for level in membership_levels()]


class DirectoryFilterSet(PublicFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_nothing",  # keyword search runs in directory.search, after filtering
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Business name, trade or keyword"),
                "maxlength": MAX_QUERY_LENGTH,
            }
        ),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=category_choices, method="filter_category"
    )
    city = django_filters.CharFilter(label=_("Town"), field_name="city_slug", max_length=100)
    level = django_filters.ChoiceFilter(
        label=_("Membership level"),
        choices=level_choices,
        method="filter_level",
        empty_label=_("Any level"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Business
        fields = ["q", "category", "city", "level", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One checkbox per feature other apps add to listings (directory/features.py).
        for feature in listing_features():
            self.filters[feature.param] = django_filters.BooleanFilter(
                label=feature.filter_label,
                method=self.feature_filter(feature),
                widget=forms.CheckboxInput,
            )

    @staticmethod
    def filter_category(queryset, name, slug):
        return queryset.in_categories(category_tree().by_slug[slug].family_ids)

    @staticmethod
    def filter_level(queryset, name, slug):
        level = level_by_slug(slug)
        return queryset.filter(member__level_id=level.pk)

    @staticmethod
    def feature_filter(feature: ListingFeature):
        def filter_feature(queryset, name, value):
            return queryset.filter(pk__in=feature.listing_ids()) if value else queryset

        return filter_feature
