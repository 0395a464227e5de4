"""Demo directory: the Riverside Chamber's categories and a couple of hundred member listings.

Built from `demo.directory_data` with a fixed seed, so every run describes the same directory;
each category, member and listing is looked up by slug or name before it is created, so a second
run creates nothing. Listings are saved through the ORM with a first revision each (the
published one for live listings); a few carry a member's edit awaiting approval, as a later
revision. The search and reference indexes are filled once at the end.
"""

import contextlib
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.log_actions import log
from wagtail.models import ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from demo import directory_data
from demo.directory_data import TOWNS_BY_NAME, TRADES_BY_NAME, ListingData
from demo.images import draw_logo, get_or_create_image
from demo.membership import (
    BUSINESS,
    COMMUNITY,
    LEADERSHIP,
    DemoMember,
    ensure_demo_members,
    pick_level,
    pick_standing,
)
from directory.actions import LISTING_CHANGES_SUBMITTED
from directory.models import Business, Category
from directory.services import listing_draft_save
from membership.models import Member, MemberContact, membership_grace_days

SEED = 1933  # one whose member mix is close to the shares in membership.demo
GENERATED_LISTINGS = 210
SECOND_LOCATIONS = 6
NEW_DRAFTS = 3  # listings of active members that staff have not yet approved
PENDING_EDITS = 3  # published listings with a member's edit awaiting approval


@dataclass(frozen=True)
class WellKnown:
    """A hand-written listing that tests, docs and demos can rely on by name."""

    name: str
    town: str
    trades: tuple[str, ...]
    level: str
    keywords: str
    founded: int
    street: str
    summary: str
    description: str


WELL_KNOWN = (
    WellKnown(
        "Riverbend Bakery",
        "Riverside",
        ("Bakeries", "Cafés & Coffee"),
        BUSINESS,
        "sourdough, cakes, pastries",
        1998,
        "214 Front Street",
        "Sourdough bread, celebration cakes and French pastries, baked on Front Street since 1998.",
        "<p>Maria Lopez opened Riverbend Bakery in 1998 in the old creamery on Front Street. "
        "Every loaf is naturally leavened and baked before dawn in a wood-fired oven.</p>"
        "<p>Order <b>celebration cakes</b> two days ahead. We also bake wholesale bread for "
        "cafés and restaurants across the valley.</p>",
    ),
    WellKnown(
        "Millbrook Plumbing & Heating",
        "Millbrook",
        ("Plumbing",),
        LEADERSHIP,
        "plumber, boiler repair, water heaters, emergency plumbing",
        1976,
        "88 Mill Street",
        "Licensed plumbers and heating engineers for Millbrook and the valley, with 24/7 "
        "emergency call-outs.",
        "<p>Three generations of the Jensen family have fixed the valley's pipes since 1976. "
        "We install and service <b>boilers, heat pumps and water heaters</b>, clear drains and "
        "refit bathrooms.</p><p>Burst pipe? Call us any time, day or night.</p>",
    ),
    WellKnown(
        "Cedar Falls Family Dental",
        "Cedar Falls",
        ("Dentists",),
        BUSINESS,
        "dentist, teeth cleaning, orthodontics, children's dentistry",
        2004,
        "415 Cedar Lane",
        "Gentle dental care for the whole family, from first teeth to clear aligners.",
        "<p>Dr. Priya Patel and her team offer check-ups, cleaning, fillings, orthodontics "
        "and <b>children's dentistry</b> in a calm, friendly practice.</p>"
        "<p>New patients welcome; same-day appointments for dental emergencies.</p>",
    ),
    WellKnown(
        "Lakeview Books",
        "Lakeview",
        ("Bookstores",),
        COMMUNITY,
        "books, used books, children's books, book club",
        1989,
        "12 Lake Drive",
        "New and used books, a children's corner and a monthly book club by the lake.",
        "<p>An independent bookstore with twenty thousand new and used books, local history "
        "and a reading corner for children.</p><p>The book club meets on the last Thursday "
        "of the month.</p>",
    ),
    WellKnown(
        "Oak Harbor Marine Supply",
        "Oak Harbor",
        ("Outdoor & Marine", "Hardware"),
        LEADERSHIP,
        "boat parts, fishing tackle, marine electronics, kayaks",
        1965,
        "3 Harbor Way",
        "Boat parts, fishing tackle, marine electronics and kayak rentals at the harbor.",
        "<p>Everything for the boat since 1965: <b>engine parts, rope, paint, fishing tackle "
        "and marine electronics</b>, with a repair dock behind the shop.</p>"
        "<p>Kayaks and paddleboards for rent from May to September.</p>",
    ),
)
WELL_KNOWN_NAMES = tuple(spec.name for spec in WELL_KNOWN)


@dataclass(frozen=True)
class DemoListing:
    member: DemoMember
    data: ListingData
    live: bool = True
    pending_edit: str = ""  # a summary the member submitted that staff have not yet approved

    @property
    def slug(self) -> str:
        return slugify(self.data.name)

    @property
    def enhanced(self) -> bool:
        return self.member.level in (BUSINESS, LEADERSHIP)


def demo_roster(*, grace_days: int) -> list[DemoListing]:
    """Every demo listing with its member; the same list on every run (fixed seed)."""
    rng = random.Random(SEED)
    roster = []
    for spec in WELL_KNOWN:
        data = directory_data.make_listing(
            rng,
            name=spec.name,
            town=TOWNS_BY_NAME[spec.town],
            trades=[TRADES_BY_NAME[name] for name in spec.trades],
            keywords=spec.keywords,
            founded=spec.founded,
        )
        data.street, data.summary, data.description = spec.street, spec.summary, spec.description
        data.phone_visibility, data.email_visibility = "public", "members"
        member = DemoMember(
            name=spec.name,
            level=spec.level,
            status=Member.Status.ACTIVE,
            paid_through_offset_days=200,
            joined_on=datetime.date(spec.founded + 1, 3, 1),
        )
        roster.append(DemoListing(member=member, data=data))

    names = set(WELL_KNOWN_NAMES)
    for _ in range(GENERATED_LISTINGS):
        town = directory_data.pick_town(rng)
        trades = directory_data.pick_trades(rng)
        name, family = directory_data.business_name(rng, trade=trades[0], town=town)
        while name in names:
            name, family = directory_data.business_name(rng, trade=trades[0], town=town)
        names.add(name)
        status, offset = pick_standing(rng, grace_days=grace_days)
        member = DemoMember(
            name=name,
            level=pick_level(rng),
            status=status,
            paid_through_offset_days=offset,
            joined_on=directory_data.random_joined_on(rng),
            auto_renew=rng.random() < 0.8,
        )
        data = directory_data.make_listing(rng, name=name, town=town, trades=trades, family=family)
        # A pending member has applied but not paid: its listing waits as a draft.
        roster.append(DemoListing(member=member, data=data, live=status != Member.Status.PENDING))

    active = [
        position
        for position, listing in enumerate(roster)
        if listing.member.status == Member.Status.ACTIVE
        and listing.member.name not in WELL_KNOWN_NAMES
    ]
    chosen = rng.sample(active, SECOND_LOCATIONS + NEW_DRAFTS + PENDING_EDITS)
    for position in chosen[:SECOND_LOCATIONS]:
        first = roster[position]
        town = rng.choice([t for t in directory_data.TOWNS if t is not first.data.town])
        data = directory_data.make_listing(
            rng, name=f"{first.member.name} ({town.name})", town=town, trades=first.data.trades
        )
        roster.append(DemoListing(member=first.member, data=data))
    for position in chosen[SECOND_LOCATIONS : SECOND_LOCATIONS + NEW_DRAFTS]:
        roster[position] = replace(roster[position], live=False)
    for position in chosen[SECOND_LOCATIONS + NEW_DRAFTS :]:
        roster[position] = replace(
            roster[position], pending_edit=rng.choice(directory_data.DRAFT_NOTES)
        )
    return roster


def ensure_demo_categories() -> dict[str, Category]:
    """Every demo category by slug (two levels), creating the missing ones."""
    categories = {category.slug: category for category in Category.objects.all()}
    for sector_order, sector in enumerate(directory_data.SECTORS, start=1):
        parent = categories.get(sector.slug)
        if parent is None:
            parent = Category.objects.create(
                name=sector.name,
                slug=sector.slug,
                description=sector.description,
                sort_order=sector_order,
            )
            categories[parent.slug] = parent
        for trade_order, trade in enumerate(sector.trades, start=1):
            synonyms = directory_data.SYNONYMS.get(trade.name, "")
            if trade.slug not in categories:
                categories[trade.slug] = Category.objects.create(
                    name=trade.name,
                    slug=trade.slug,
                    description=trade.description,
                    parent=parent,
                    sort_order=trade_order,
                    synonyms=synonyms,
                )
            elif synonyms and not categories[trade.slug].synonyms:
                # A demo built before categories had synonyms (saving re-indexes its listings).
                categories[trade.slug].synonyms = synonyms
                categories[trade.slug].save(update_fields=["synonyms"])
    return categories


def _logo(listing: DemoListing):
    name = listing.member.name
    return get_or_create_image(
        title=f"{name} logo",
        filename=f"{slugify(name)}-logo.png",
        draw=lambda: draw_logo(name, size=160),
    )


def _create_listing(
    listing: DemoListing, *, member: Member, categories: dict[str, Category], rng: random.Random
) -> Business:
    now = timezone.now()
    business = Business(
        member=member,
        slug=listing.slug,
        logo=_logo(listing) if listing.enhanced else None,
        verified_at=now - datetime.timedelta(days=rng.randint(1, 400)),
        live=listing.live,
        first_published_at=now if listing.live else None,
        last_published_at=now if listing.live else None,
        **listing.data.model_fields(),
    )
    business.categories = [categories[trade.slug] for trade in listing.data.trades]
    business.save()
    # The first revision as save_revision() records it (and for a live listing, the published
    # one), without its second save and re-index of every listing.
    revision = Revision.objects.create(
        content_object=business,
        base_content_type=business.get_base_content_type(),
        content=business.serializable_data(),
        object_str=str(business),
    )
    Business.objects.filter(pk=business.pk).update(
        latest_revision=revision,
        live_revision=revision if listing.live else None,
        has_unpublished_changes=not listing.live,
    )
    if listing.pending_edit:
        # A draft revision only: the live row (and so the search index) keeps the published text.
        listing_draft_save(
            business_id=business.pk,
            changes={"summary": f"{listing.pending_edit} {business.summary}"[:240]},
        )
    return business


@contextlib.contextmanager
def indexed_once() -> Iterator[dict[type, list]]:
    """Update the search and reference indexes once per new object, not on every save.

    Yields a dict in which the caller collects the members and listings it creates. Saving
    normally updates both indexes from post_save; here the search index of members and the
    reference index (of members, listings and their logos) wait until the end. A listing's
    save() already indexes the listing itself once its categories are written, so for listings
    the post_save indexing is only skipped (it would index each listing twice). Together this
    more than halves the demo's run time.
    """
    created = {Member: [], Business: []}
    paused = [
        model for model in created if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        with disable_reference_index_auto_update():
            yield created
    finally:
        for model in paused:
            post_save.connect(post_save_signal_handler, sender=model)
    new_members = Member.get_indexed_objects().filter(pk__in=[m.pk for m in created[Member]])
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Member, list(new_members))
    logos = {business.logo for business in created[Business] if business.logo_id}
    for obj in [*created[Member], *created[Business], *logos]:
        ReferenceIndex.create_or_update_for_object(obj)


@transaction.atomic
def build_directory(*, log) -> None:
    before = Category.objects.count()
    categories = ensure_demo_categories()
    log(f"Demo: {len(categories) - before} directory categories created.")

    roster = demo_roster(grace_days=membership_grace_days())
    existing = set(
        Business.objects.filter(slug__in=[listing.slug for listing in roster]).values_list(
            "slug", flat=True
        )
    )
    # Only for verification dates; the roster is already fixed.
    rng = random.Random(SEED)
    with indexed_once() as created:
        members, created[Member] = ensure_demo_members(
            {listing.member.name: listing.member for listing in roster}.values(),
            today=timezone.localdate(),
        )
        for listing in roster:
            if listing.slug not in existing:
                created[Business].append(
                    _create_listing(
                        listing,
                        member=members[listing.member.name],
                        categories=categories,
                        rng=rng,
                    )
                )
    log(
        f"Demo: {len(created[Member])} member(s) and {len(created[Business])} directory "
        "listing(s) created."
    )


DEMO_MEMBER_SECOND_TOWN = "Lakeview"
DEMO_MEMBER_DRAFT_SUMMARY = "Now with a kayak and paddleboard rental dock, open May to September."


def ensure_demo_member_listings(*, email: str) -> bool:
    """The demo member's side of the directory (membership.demo calls this once it has made the
    login): a second location, details confirmed 40 days ago on one and over a year ago on the
    other (so the account asks again), and a change to the first awaiting staff review."""
    contact = (
        MemberContact.objects.filter(user__email=email).select_related("member", "user").first()
    )
    if contact is None:
        return False
    user = contact.user
    listings = list(contact.member.businesses.order_by("pk"))
    if not listings or len(listings) > 1:
        return False  # no listing, or already done
    main = listings[0]
    now = timezone.now()
    town = TOWNS_BY_NAME[DEMO_MEMBER_SECOND_TOWN]
    second = Business(
        member=main.member,
        name=f"{main.name} ({town.name})",
        logo=main.logo,
        summary=main.summary,
        description=main.description,
        keywords=main.keywords,
        street="2 Marina Walk",
        city=town.name,
        region=main.region,
        postcode=town.postcode,
        country=main.country,
        latitude=main.latitude,
        longitude=main.longitude,
        phone=main.phone,
        email=main.email,
        website=main.website,
        opening_hours=main.opening_hours,
        live=True,
        first_published_at=now,
        last_published_at=now,
    )
    second.categories = list(main.categories.all())
    second.save()
    revision = second.save_revision()
    Business.objects.filter(pk=second.pk).update(
        live_revision=revision, has_unpublished_changes=False
    )
    Business.objects.filter(pk=main.pk).update(verified_at=now - datetime.timedelta(days=40))
    Business.objects.filter(pk=second.pk).update(verified_at=now - datetime.timedelta(days=400))
    draft = listing_draft_save(
        business_id=main.pk, changes={"summary": DEMO_MEMBER_DRAFT_SUMMARY}, user=user
    )
    log(
        instance=main,
        action=LISTING_CHANGES_SUBMITTED,
        user=user,
        revision=draft,
        data={"fields": ["summary"], "review": True},
    )
    return True
