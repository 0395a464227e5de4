"""/jobs/' query parameters, validated and applied with django-filter (chamber.filters): an
invalid value is ignored and the page says so, as on the directory, deals and events."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chamber.filters import MAX_QUERY_LENGTH, PublicFilterSet
from directory.filters import category_choices
from directory.models import Business
from directory.taxonomy import category_tree
from jobs.models.postings import JobPosting

WORD_LIMIT = 8  # words of a query that are matched; more only slow the query down
SORT_ORDERINGS = {
    "newest": ("-posted_on", "-pk"),
    "closing": (F("closes_on").asc(), "-posted_on", "-pk"),
}
SORT_CHOICES = [("newest", _("Newest first")), ("closing", _("Closing soon"))]


class JobFilterSet(PublicFilterSet):
    q = django_filters.CharFilter(
        label=_("Search jobs"),
        method="filter_keywords",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    employment = django_filters.ChoiceFilter(
        label=_("Employment type"),
        choices=JobPosting.EmploymentType.choices,
        field_name="employment_type",
        empty_label=_("Any"),
    )
    workplace = django_filters.ChoiceFilter(
        label=_("Workplace"),
        choices=JobPosting.WorkplaceType.choices,
        field_name="workplace_type",
        empty_label=_("Any"),
    )
    town = django_filters.CharFilter(label=_("Town"), field_name="town_slug", max_length=100)
    category = django_filters.ChoiceFilter(
        label=_("Business category"),
        choices=category_choices,
        method="filter_category",
        empty_label=_("Any category"),
    )
    salary = django_filters.BooleanFilter(
        label=_("Salary given"), method="filter_salary", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = JobPosting
        fields = ["q", "employment", "workplace", "town", "category", "salary", "sort"]

    @staticmethod
    def filter_keywords(queryset, name, value):
        """Every word must start a word, or appear inside one ("acc" finds "Accountant"), in
        the title, town, description or employer's name. Open jobs are few (a chamber's
        members post dozens, not thousands), so a substring match is enough, as for deals."""
        for word in value.split()[:WORD_LIMIT]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(town__icontains=word)
                | Q(business__name__icontains=word)
                | Q(description_text__icontains=word)
            )
        return queryset

    @staticmethod
    def filter_category(queryset, name, slug):
        category = category_tree().by_slug[slug]
        through = Business.categories.through.objects.filter(category_id__in=category.family_ids)
        return queryset.filter(business_id__in=through.values("business_id"))

    @staticmethod
    def filter_salary(queryset, name, value):
        return queryset.filter(salary_min__isnull=False) if value else queryset
