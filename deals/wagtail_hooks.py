from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from deals.models import DealRedemption
from deals.viewsets import DealsViewSetGroup
from membership.viewsets import ReadOnlyPermissionPolicy

register_permission_policy(DealRedemption, ReadOnlyPermissionPolicy(DealRedemption))
register_snippet(DealsViewSetGroup)
