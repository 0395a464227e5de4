from wagtail.snippets.models import register_snippet

from home.viewsets import NewsViewSetGroup

register_snippet(NewsViewSetGroup)
