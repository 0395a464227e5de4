"""The deals page's query parameters, validated and applied with django-filter.

An invalid value (an unknown category or business, a bad sort) fails validation and is left
out: the filter is ignored and the page says so, as on the directory.
"""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chamber.filters import MAX_QUERY_LENGTH, PublicFilterSet
from deals.models.deals import Deal
from directory.filters import category_choices
from directory.taxonomy import category_tree

WORD_LIMIT = 8  # words of a query that are matched; more only slow the query down
SORT_ORDERINGS = {
    "newest": ("-valid_from", "-pk"),
    "ending": (F("valid_until").asc(nulls_last=True), "-valid_from", "-pk"),
}
SORT_CHOICES = [("newest", _("Newest first")), ("ending", _("Ending soon"))]


class DealFilterSet(PublicFilterSet):
    q = django_filters.CharFilter(
        label=_("Search deals"),
        method="filter_keywords",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=category_choices,
        method="filter_category",
        empty_label=_("Any category"),
    )
    business = django_filters.CharFilter(
        label=_("Offered by"), method="filter_business", max_length=220
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Deal
        fields = ["q", "category", "business", "sort"]

    @staticmethod
    def filter_keywords(queryset, name, value):
        """Every word must appear (as a word start or inside one: "bak" finds "Bakery") in the
        title, summary, business, categories or, for a public deal only, the details. Deals on
        show are few, so a plain substring match is enough and finds partial words."""
        for word in value.split()[:WORD_LIMIT]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(business__name__icontains=word)
                | Q(
                    pk__in=Deal.categories.through.objects.filter(
                        category__name__icontains=word
                    ).values("deal_id")
                )
                | Q(audience=Deal.Audience.PUBLIC, details__icontains=word)
            )
        return queryset

    @staticmethod
    def filter_category(queryset, name, slug):
        category = category_tree().by_slug[slug]
        through = Deal.categories.through.objects.filter(category_id__in=category.family_ids)
        return queryset.filter(pk__in=through.values("deal_id"))

    @staticmethod
    def filter_business(queryset, name, slug):
        return queryset.filter(business__slug=slug)
