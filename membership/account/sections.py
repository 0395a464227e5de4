"""The account area's sections: what its menu lists and what its overview shows.

Membership owns /account/ (the overview, dues, receipts, contacts); apps above it add their own
sections (the directory its listings, deals its deals, later events and jobs) by calling
`register` from their `AppConfig.ready()`, so nothing here names them. A section may also
offer a panel for the overview, rendered with the request (forms in it get their CSRF token).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# A section's overview panel: (request, account) -> (template name, context), or None to
# show nothing for this member.
PanelBuilder = Callable[..., tuple[str, dict] | None]


@dataclass(frozen=True)
class Section:
    key: str  # what the section's views pass as `account_section`, marking it current
    label: str
    url_name: str
    order: int
    needs: str = ""  # "", "pay" or "manage": who sees it (see access.Account)
    panel: PanelBuilder | None = None

    def shown_to(self, account) -> bool:
        return (
            not self.needs
            or (self.needs == "pay" and account.can_pay)
            or (self.needs == "manage" and account.can_manage)
        )


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add `section` (again under the same key replaces it: `ready()` may run twice in tests)."""
    _sections[section.key] = section


def sections_for(account) -> list[Section]:
    return sorted(
        (section for section in _sections.values() if section.shown_to(account)),
        key=lambda section: (section.order, section.key),
    )


def overview_panels(request, account) -> list[SafeString]:
    """The panels other apps' sections show on the overview, rendered, in menu order."""
    panels = []
    for section in sections_for(account):
        built = section.panel(request, account) if section.panel else None
        if built is not None:
            template, context = built
            panels.append(render_to_string(template, {"account": account, **context}, request))
    return panels
