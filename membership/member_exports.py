"""The Members list's export, which a higher app may replace.

Staff want the roster from the Members list: each member with its contacts and its directory
listing (address, website, categories), as the filters and search on the list select it.
Membership cannot write that row (it may not import directory), so directory registers the
writer from its `AppConfig.ready()` (directory/roster/export.py) and the Members list's
"Download CSV/XLSX" buttons give it, the list's permission check, filters, search and order
included. Without one registered, the list exports its own columns (Wagtail's export).
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

# (request, members as the list selects and orders them, "csv" or "xlsx") -> response
MemberExport = Callable[[HttpRequest, QuerySet, str], HttpResponse]

_registry: dict[str, MemberExport] = {}


def register(export: MemberExport) -> None:
    _registry["members"] = export


def registered() -> MemberExport | None:
    return _registry.get("members")
