from wagtail.snippets.models import register_snippet

from directory.viewsets import DirectoryViewSetGroup

register_snippet(DirectoryViewSetGroup)
