"""The membership reports' filters: the range of months (chamber.reports) and a level. The
directory's engagement report uses them too."""

from django.utils.translation import gettext_lazy as _

from chamber.reports import MonthRangeFilterSet, ReportModelChoiceFilter
from membership.models.members import Member, MembershipLevel


class MembershipReportFilterSet(MonthRangeFilterSet):
    level = ReportModelChoiceFilter(
        label=_("Level"), queryset=MembershipLevel.objects.all(), empty_label=_("All levels")
    )

    class Meta:
        model = Member
        fields = []
