"""The news page's query parameters (topic, kind), validated and applied with django-filter.

An unknown topic or kind fails validation and is left out: the filter is ignored and the page
says so, as on the directory and the deals page.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from chamber.filters import PublicFilterSet
from home.models.news import NewsKind, NewsPage
from home.selectors import topic_choices


class NewsFilterSet(PublicFilterSet):
    topic = django_filters.ChoiceFilter(
        label=_("Topic"),
        choices=topic_choices,
        method="filter_topic",
        empty_label=_("All topics"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=NewsKind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = NewsPage
        fields = ["topic", "kind"]

    @staticmethod
    def filter_topic(queryset, name, slug):
        filed = NewsPage.topics.through.objects.filter(topic__slug=slug)
        return queryset.filter(pk__in=filed.values("newspage_id"))
