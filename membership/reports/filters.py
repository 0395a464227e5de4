"""The reports' filters: the range of months (chamber.reports) and a membership level."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chamber.reports import MonthRangeFilterSet
from membership.models.members import Member, MembershipLevel


class LevelFilter(django_filters.ModelChoiceFilter):
    """Read by the report (which counts per level), not applied to a queryset."""

    def filter(self, qs, value):
        return qs


class MembershipReportFilterSet(MonthRangeFilterSet):
    level = LevelFilter(
        label=_("Level"), queryset=MembershipLevel.objects.all(), empty_label=_("All levels")
    )

    class Meta:
        model = Member
        fields = []
