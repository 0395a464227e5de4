"""How many of something a member's level allows (deals on show, events a year), and how many
it uses: each app counts its own and words its own message."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Allowance:
    used: int
    allowed: int

    @property
    def can_add(self) -> bool:
        return self.used < self.allowed
