from wagtail.snippets.models import register_snippet

from chamber.viewsets import register_read_only
from deals.models.deals import DealRedemption
from deals.viewsets import DealsViewSetGroup

register_read_only(DealRedemption)
register_snippet(DealsViewSetGroup)
