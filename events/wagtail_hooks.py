from wagtail.snippets.models import register_snippet

from events.viewsets import RegistrationViewSet

register_snippet(RegistrationViewSet)
