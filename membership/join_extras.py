"""What membership brings besides a level's own listing and deals, on the join page, supplied
by the apps that offer it (events: member rates at upcoming events), which membership does not
import: an app registers a section in its `AppConfig.ready()`.

A section is a callable taking no arguments and returning `(template, context)`, or None when
it has nothing to show right now (no upcoming event with a member rate, say).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JoinSection:
    name: str
    order: int
    render: Callable[[], tuple[str, dict] | None]


_sections: dict[str, JoinSection] = {}


def register(section: JoinSection) -> None:
    """Add `section` (again under the same name replaces it)."""
    _sections[section.name] = section


def join_sections() -> list[tuple[str, dict]]:
    """The (template, context) of every section with something to show, in order."""
    shown = []
    for section in sorted(_sections.values(), key=lambda section: (section.order, section.name)):
        if (rendered := section.render()) is not None:
            shown.append(rendered)
    return shown
