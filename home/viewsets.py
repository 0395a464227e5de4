"""Admin for the news taxonomy: topics and people (authors), under one "News" menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.models.topics import Person, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "slug"]
    search_backend_name = None  # a few dozen rows: the database search is enough
    search_fields = ["name", "description"]
    ordering = ["name"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["name", "role"]
    search_backend_name = None
    search_fields = ["name", "role"]
    ordering = ["name"]


class NewsViewSetGroup(SnippetViewSetGroup):
    items = (TopicViewSet, PersonViewSet)
    menu_icon = "doc-full"
    menu_label = _("News")
    menu_name = "news"
