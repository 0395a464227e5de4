"""Demo membership: the three dues levels and the member organisations behind the listings.

The directory demo runs before this module's `build_demo` (setup_site's app order) and calls
`ensure_demo_levels` and `ensure_demo_members` itself; everything here looks up by slug or name
first, so running it again, in either order, creates nothing new.
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from membership.models import Member, MembershipLevel
from membership.selectors import membership_grace_days

COMMUNITY, BUSINESS, LEADERSHIP = "community", "business", "leadership"

DEMO_LEVELS = (
    {
        "slug": COMMUNITY,
        "name": "Community",
        "annual_dues": 195,
        "sort_order": 1,
        "benefits": (
            "<ul><li>A basic listing in the business directory: name, address, phone, "
            "website and categories</li><li>Member rates at chamber events and mixers</li>"
            "<li>The monthly newsletter and policy briefings</li></ul>"
        ),
    },
    {
        "slug": BUSINESS,
        "name": "Business",
        "annual_dues": 395,
        "sort_order": 2,
        "listing_logo": True,
        "listing_description": True,
        "listing_opening_hours": True,
        "listing_social_links": True,
        "deals_allowed": 2,
        "benefits": (
            "<ul><li>An <b>enhanced listing</b> with your logo, description, opening hours "
            "and social links</li><li>Up to 2 member-to-member deals at a time</li>"
            "<li>Everything in Community</li></ul>"
        ),
    },
    {
        "slug": LEADERSHIP,
        "name": "Leadership",
        "annual_dues": 995,
        "sort_order": 3,
        "listing_logo": True,
        "listing_description": True,
        "listing_opening_hours": True,
        "listing_social_links": True,
        "featured_placement": True,
        "deals_allowed": 5,
        "benefits": (
            "<ul><li><b>Featured placement</b> at the top of the directory and on the home "
            "page</li><li>Up to 5 member deals at a time</li><li>A seat on a policy "
            "committee</li><li>Everything in Business</li></ul>"
        ),
    },
)
# Roughly how a small chamber's members spread over the levels.
LEVEL_SHARES = {COMMUNITY: 60, BUSINESS: 30, LEADERSHIP: 10}


@dataclass(frozen=True)
class DemoMember:
    """A member organisation to create; dates are relative to the day the demo is built."""

    name: str
    level: str  # a level slug
    status: str
    paid_through_offset_days: int | None  # paid_through = today + offset; None: not paid yet
    joined_on: datetime.date
    auto_renew: bool = True

    def paid_through(self, today: datetime.date) -> datetime.date | None:
        if self.paid_through_offset_days is None:
            return None
        return today + datetime.timedelta(days=self.paid_through_offset_days)


def pick_level(rng: random.Random) -> str:
    return rng.choices(list(LEVEL_SHARES), weights=list(LEVEL_SHARES.values()))[0]


def pick_standing(rng: random.Random, *, grace_days: int) -> tuple[str, int | None]:
    """A status and paid-through offset: mostly active, some past due, some lapsed, a few new.

    ~8% past due within the grace period (still listed), ~5% lapsed beyond it (hidden) and ~3%
    pending (applied, not yet paid).
    """
    roll = rng.random()
    if roll < 0.08:
        return Member.Status.PAST_DUE, -rng.randint(0, max(0, grace_days - 1))
    if roll < 0.13:
        return Member.Status.LAPSED, -(grace_days + rng.randint(5, 400))
    if roll < 0.16:
        return Member.Status.PENDING, None
    return Member.Status.ACTIVE, rng.randint(15, 360)


def ensure_demo_levels() -> dict[str, MembershipLevel]:
    """The three demo levels by slug; existing ones are kept as staff left them."""
    existing = {level.slug: level for level in MembershipLevel.objects.all()}
    levels = {}
    for spec in DEMO_LEVELS:
        level = existing.get(spec["slug"])
        if level is None:
            level = MembershipLevel.objects.create(**spec)
        levels[spec["slug"]] = level
    return levels


@transaction.atomic
def ensure_demo_members(
    members: Iterable[DemoMember], *, today: datetime.date
) -> tuple[dict[str, Member], list[Member]]:
    """Members by name, creating the missing ones; returns them all and the new ones.

    A demo member is recognised by its name and member-since date together, so that generated
    benchmark members (`generate_listings`) of the same name are never mistaken for it.
    """
    members = list(members)
    levels = ensure_demo_levels()
    existing = {
        (member.name, member.joined_on): member
        for member in Member.objects.filter(name__in=[spec.name for spec in members])
    }
    found = {}
    created = []
    for spec in members:
        if (spec.name, spec.joined_on) in existing:
            found[spec.name] = existing[spec.name, spec.joined_on]
            continue
        member = Member(
            name=spec.name,
            level=levels[spec.level],
            status=spec.status,
            paid_through=spec.paid_through(today),
            joined_on=spec.joined_on,
            auto_renew=spec.auto_renew,
        )
        member.save()  # save() derives good_standing_until: the one rule, applied as usual
        found[spec.name] = member
        created.append(member)
    return found, created


def build_demo(*, home, site, log) -> None:
    before = MembershipLevel.objects.count()
    ensure_demo_levels()
    created = MembershipLevel.objects.count() - before
    if created:
        log(f"Demo: {created} membership level(s) created.")
    grace = membership_grace_days()
    in_standing = Member.objects.in_good_standing().count()
    log(
        f"Demo: {Member.objects.count()} members, {in_standing} in good standing "
        f"({grace}-day grace period)."
    )
