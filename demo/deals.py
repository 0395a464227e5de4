"""Demo deals: three dozen offers from the demo's member businesses.

Most are on show now; some ended, some start later, two end within three days (so
`send_deal_expiry_reminders` has work), and the demo member has one deal with redemptions and
one waiting for staff approval. Offers are built from fixed patterns with a fixed seed, and
each deal is looked up by slug first, so a second run creates nothing. Deals are saved through
the ORM with their first revision (as the directory demo saves listings), which sends no
"your deal is live" e-mails.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision

from deals.models import Deal, DealRedemption, DealViews
from demo.membership import DEMO_MEMBER_EMAIL
from directory.models import Business
from membership.models import Member, MemberContact

SEED = 2024
DEMO_DEALS = 36
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Offer:
    title: str  # "{business}" is replaced by the business's name
    summary: str
    details: str
    terms: str
    instructions: str
    code: str
    audience: str


MEMBERS = Deal.Audience.MEMBERS
PUBLIC = Deal.Audience.PUBLIC

OFFERS = (
    Offer(
        "15% off for fellow members",
        "A member-to-member discount on everything at {business}.",
        "<p>Chamber members save <b>15%</b> on every order, in store or by phone.</p>",
        "Not combinable with other offers. One discount per order.",
        "Quote the code when you order, or show this page at the counter.",
        "CHAMBER15",
        MEMBERS,
    ),
    Offer(
        "Free first consultation",
        "A first meeting on the house for chamber members.",
        "<p>Book a one-hour consultation at no charge; we will look at what you need and "
        "give you a written quote.</p>",
        "New clients only. Booking required.",
        "Call us and mention the chamber deal when you book.",
        "",
        MEMBERS,
    ),
    Offer(
        "Spring open day",
        "Visit {business} for demonstrations, samples and a prize draw.",
        "<p>Everyone is welcome: meet the team, see what we do and enter the prize draw.</p>",
        "Prize draw open to adults; one entry per visitor.",
        "Just come along; no booking needed.",
        "",
        PUBLIC,
    ),
    Offer(
        "10% off your first order",
        "New customers save 10% on a first order at {business}.",
        "<p>Try us out: 10% off your first order, whatever its size.</p>",
        "First order only; cannot be exchanged for cash.",
        "Use the code at checkout or quote it by phone.",
        "WELCOME10",
        PUBLIC,
    ),
    Offer(
        "Member rate on business accounts",
        "Preferential trade terms for chamber member businesses.",
        "<p>Open a business account with <b>30-day terms</b> and member pricing on regular "
        "orders.</p><ul><li>No set-up fee</li><li>Monthly statements</li></ul>",
        "Subject to a credit check. Member pricing reviewed yearly.",
        "Ask for the member business account form and quote the code.",
        "MEMBERTRADE",
        MEMBERS,
    ),
    Offer(
        "Buy one, get one half price",
        "A second item at half price for chamber members.",
        "<p>Buy any item at full price and get a second of equal or lower value at half price.</p>",
        "Lower-priced item discounted. While stocks last.",
        "Show your member code at the till.",
        "BOGOHALF",
        MEMBERS,
    ),
    Offer(
        "Free delivery across the valley",
        "Free local delivery on orders from {business}.",
        "<p>We deliver free to Riverside, Millbrook, Cedar Falls, Lakeview and Oak Harbor on "
        "orders over $50.</p>",
        "Orders over $50; delivery within 3 working days.",
        "Choose 'chamber delivery' when you order.",
        "",
        PUBLIC,
    ),
    Offer(
        "20% off staff training",
        "Chamber members save 20% on team training and workshops.",
        "<p>Half-day and full-day sessions for your team, on site or at our premises, at "
        "<b>20% off</b> the list price.</p>",
        "Minimum 4 participants. Book 2 weeks ahead.",
        "Quote the code in your booking e-mail.",
        "TRAIN20",
        MEMBERS,
    ),
    Offer(
        "Loyalty card: 10th visit free",
        "Collect stamps at {business}: your tenth visit is on us.",
        "<p>Get a loyalty card on your first visit; nine stamps and the tenth is free.</p>",
        "One card per customer. Cards are valid for a year.",
        "Ask for a loyalty card at the counter.",
        "",
        PUBLIC,
    ),
    Offer(
        "Member-only priority booking",
        "Chamber members book first, with a guaranteed slot within 48 hours.",
        "<p>Members skip the queue: we guarantee an appointment within two working days, "
        "and waive the call-out fee.</p>",
        "Working days only. Emergency work charged at the usual rate.",
        "Call the priority line and give the code.",
        "PRIORITY48",
        MEMBERS,
    ),
    Offer(
        "$25 off orders over $150",
        "Save $25 on a larger order from {business}.",
        "<p>Spend $150 or more in one order and take <b>$25 off</b> the total.</p>",
        "One use per member business per month.",
        "Enter the code online or show it in store.",
        "SAVE25",
        MEMBERS,
    ),
    Offer(
        "Free health check for your business",
        "A free review of your set-up from the team at {business}.",
        "<p>We will visit, look at how things run and send a short report with three "
        "practical suggestions.</p>",
        "One review per member business.",
        "Book through our website and mention the chamber.",
        "",
        MEMBERS,
    ),
)

# Where each deal sits in time, by position (days relative to today): on show now unless
# said otherwise.
ENDED = ((-90, -20), (-60, -5), (-45, -1), (-30, -2))
LATER = ((5, 60), (12, 90), (20, None))
ENDING_SOON = ((-30, 1), (-20, 2))


def _window(index: int, rng: random.Random):
    """(start, end) in days from today for the `index`-th deal; end None = ongoing."""
    schedule = [*ENDED, *LATER, *ENDING_SOON]
    if index < len(schedule):
        return schedule[index]
    start = -rng.randint(1, 60)
    return start, None if index % 7 == 0 else rng.randint(10, 150)


def _moment(today: datetime.date, days: int | None, *, end: bool) -> datetime.datetime | None:
    if days is None:
        return None
    day = today + datetime.timedelta(days=days)
    clock = datetime.time(23, 59, 59) if end else datetime.time(0, 0)
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def _offering_businesses(rng: random.Random) -> list[Business]:
    """Publicly listed businesses whose level includes deals, at most one deal per deal the
    level allows, in a seeded order."""
    businesses = list(
        Business.objects.publicly_listed()
        .filter(member__level__deals_allowed__gt=0)
        .select_related("member__level")
        .prefetch_related("categories")
        .order_by("pk")
    )
    rng.shuffle(businesses)
    return businesses


def _save_with_revision(deal: Deal, *, categories, now, user=None) -> Deal:
    """Save `deal` (published when `deal.live`) with its first revision, as save_revision()
    records it but without its second save, log line or publication signal."""
    if deal.live:
        deal.first_published_at = deal.last_published_at = now
    deal.categories = categories
    deal.save()
    revision = Revision.objects.create(
        content_object=deal,
        base_content_type=deal.get_base_content_type(),
        content=deal.serializable_data(),
        object_str=str(deal),
        user=user,
    )
    Deal.objects.filter(pk=deal.pk).update(
        latest_revision=revision,
        live_revision=revision if deal.live else None,
        has_unpublished_changes=not deal.live,
    )
    return deal


def _deal_for(offer: Offer, business: Business, *, start, end) -> Deal:
    title = offer.title.format(business=business.name)
    return Deal(
        business=business,
        title=title,
        slug=slugify(f"{title} {business.name}")[:140],
        summary=offer.summary.format(business=business.name),
        details=offer.details,
        terms=offer.terms,
        redemption_instructions=offer.instructions,
        code=offer.code,
        audience=offer.audience,
        valid_from=start,
        valid_until=end,
    )


@transaction.atomic
def build_deals(*, log) -> None:
    if Deal.objects.exists():
        log("Demo: deals already there.")
        return
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    businesses = _offering_businesses(rng)
    created = []
    for index, business in enumerate(businesses[:DEMO_DEALS]):
        offer = OFFERS[index % len(OFFERS)]
        start_days, end_days = _window(index, rng)
        deal = _deal_for(
            offer,
            business,
            start=_moment(today, start_days, end=False),
            end=_moment(today, end_days, end=True),
        )
        deal.live = True
        created.append(
            _save_with_revision(deal, categories=list(business.categories.all()), now=now)
        )
    created.extend(_demo_member_deals(now=now, today=today))
    redemptions = _demo_activity(created, rng=rng, today=today)
    log(
        f"Demo: {len(created)} deals created "
        f"({Deal.objects.shown().count()} on show now), {redemptions} redemptions."
    )


def _demo_member_deals(*, now, today) -> list[Deal]:
    """The demo member's own deals: one on show, one waiting for the chamber office."""
    contact = (
        MemberContact.objects.filter(user__email=DEMO_MEMBER_EMAIL)
        .select_related("member", "user")
        .first()
    )
    if contact is None:
        return []
    business = Business.objects.filter(member=contact.member).order_by("pk").first()
    if business is None:
        return []
    live = _deal_for(
        OFFERS[0], business, start=_moment(today, -14, end=False), end=_moment(today, 75, end=True)
    )
    live.slug = slugify(f"member deal {business.name}")
    live.live = True
    categories = list(business.categories.all())
    _save_with_revision(live, categories=categories, now=now)
    waiting = _deal_for(
        OFFERS[3], business, start=_moment(today, 7, end=False), end=_moment(today, 60, end=True)
    )
    waiting.slug = slugify(f"new customer offer {business.name}")
    waiting.live = False
    _save_with_revision(waiting, categories=categories, now=now, user=contact.user)
    return [live, waiting]


def _demo_activity(deals: list[Deal], *, rng: random.Random, today) -> int:
    """A few weeks of page views and redemptions by members in good standing."""
    members = list(Member.objects.in_good_standing().order_by("pk")[:60])
    views, redemptions = [], []
    for deal in deals:
        if not deal.live or deal.valid_from.date() > today:
            continue
        for back in range(min(21, max(1, (today - deal.valid_from.date()).days))):
            day = today - datetime.timedelta(days=back)
            views.append(DealViews(deal=deal, day=day, views=rng.randint(0, 12)))
        if deal.members_only and members:
            for member in rng.sample(members, k=min(len(members), rng.randint(0, 8))):
                if member.pk == deal.business.member_id:
                    continue
                day = today - datetime.timedelta(days=rng.randint(0, 20))
                moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
                redemptions.append(
                    DealRedemption(deal=deal, member=member, redeemed_at=moment, redeemed_on=day)
                )
    DealViews.objects.bulk_create(views, ignore_conflicts=True)
    DealRedemption.objects.bulk_create(redemptions, ignore_conflicts=True)
    return len(redemptions)
