"""Today's work: the admin home's panel of counts that link to the list where the work is done
(issue #18).

The core does not know what an application or a listing is: each app registers its items in
`ready()` (`register(WorkItem(...))`). An item is shown to users with its permission; its value
is one query, so the panel costs one query per item whatever the size of the data.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

TODO = "todo"  # something waiting for staff: highlighted when not zero
FIGURE = "figure"  # how things stand: shown as it is


@dataclass(frozen=True)
class WorkItem:
    key: str
    label: str
    value: Callable[[], object]  # a number, or text such as "1,250.00 USD"
    url_name: str  # the admin list where the work is done
    permission: str | tuple[str, ...]  # any one of them shows the item
    query: dict | Callable[[], dict] | None = None  # the list's filter (or what makes it)
    kind: str = TODO
    order: int = 100

    def url(self) -> str:
        url = reverse(self.url_name)
        query = self.query() if callable(self.query) else self.query
        return f"{url}?{urlencode(query)}" if query else url


_items: dict[str, WorkItem] = {}


def register(item: WorkItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[WorkItem]:
    return sorted(
        (item for item in _items.values() if _may_see(user, item)),
        key=lambda item: (item.order, item.key),
    )


def _may_see(user, item: WorkItem) -> bool:
    wanted = (item.permission,) if isinstance(item.permission, str) else item.permission
    return any(user.has_perm(permission) for permission in wanted)


@dataclass(frozen=True)
class Shown:
    item: WorkItem
    value: object
    url: str

    @property
    def waiting(self) -> bool:
        return self.item.kind == TODO and bool(self.value)


class TodaysWorkPanel(Component):
    name = "todays_work"
    template_name = "chamber/admin/todays_work_panel.html"
    order = 50  # first on the admin home

    def __init__(self, items: list[WorkItem]):
        self.items = items

    def get_context_data(self, parent_context):
        shown = [Shown(item, item.value(), item.url()) for item in self.items]
        return {
            "todo": [entry for entry in shown if entry.item.kind == TODO],
            "figures": [entry for entry in shown if entry.item.kind == FIGURE],
        }
