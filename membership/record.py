"""The member record: one admin page that shows everything about a member (issue #18).

The record is the Member snippet's inspect view (membership/viewsets.py). Under its summary
(status and standing, level, paid-through, renewal) come *sections*: membership's own
(contacts, payments, reminders, the application, the log: membership/record_sections.py) and
those of apps above it, which membership may not import: the directory adds the member's
listings and deals its deals, by calling `register_section` from their `AppConfig.ready()`.

A section is shown only to users with one of its permissions, and loads what it shows in a
fixed number of queries whatever the member's number of payments, contacts or listings (the
record's query count is pinned by a test). Its builder returns a template and its context
(or None to leave the section out for this member); the template is rendered with the
request, so links and buttons in it can check the user's permissions again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# (request, member) -> (template name, context), or None to show nothing for this member.
SectionBuilder = Callable[..., tuple[str, dict] | None]


@dataclass(frozen=True)
class RecordSection:
    key: str  # unique; also the section's HTML id ("<key>-section")
    heading: str
    build: SectionBuilder
    permissions: tuple[str, ...]  # any one of them shows the section
    order: int = 100
    icon: str = ""

    def shown_to(self, user) -> bool:
        return any(user.has_perm(permission) for permission in self.permissions)


@dataclass(frozen=True)
class RenderedSection:
    key: str
    heading: str
    icon: str
    html: SafeString


_sections: dict[str, RecordSection] = {}


def register_section(section: RecordSection) -> None:
    """Add `section` (again under the same key replaces it: `ready()` may run twice)."""
    _sections[section.key] = section


def sections_for(user) -> list[RecordSection]:
    return sorted(
        (section for section in _sections.values() if section.shown_to(user)),
        key=lambda section: (section.order, section.key),
    )


def render_sections(request, member) -> list[RenderedSection]:
    """The sections `request.user` may see, rendered for `member`, in order."""
    rendered = []
    for section in sections_for(request.user):
        built = section.build(request, member)
        if built is None:
            continue
        template, context = built
        html = render_to_string(template, {"member": member, **context}, request)
        rendered.append(RenderedSection(section.key, section.heading, section.icon, html))
    return rendered
