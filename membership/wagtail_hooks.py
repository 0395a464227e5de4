from wagtail.snippets.models import register_snippet

from membership.viewsets import MembershipViewSetGroup

register_snippet(MembershipViewSetGroup)
