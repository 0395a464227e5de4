"""Bulk-generate realistic directory listings for benchmarks.

    manage.py generate_listings --count 1000000 [--seed 1] [--batch-size 5000]

Writes members, listings, their categories and their search-index entries in batches, one
transaction each, so a million listings take minutes rather than days: on PostgreSQL with COPY
and pipelined inserts, elsewhere with bulk_create. It is a benchmark tool, not a way to create
real content: it skips model save() and signals, so listings get no revisions, reference-index
rows or log entries, and the fields save() would derive (slug, city_slug, public_until,
is_featured, the member's good_standing_until) are set here by the same rules.

About 20% of listings mention COMMON_TERM and a handful RARE_TERM, so benchmarks have a common
and a rare search term; both are printed at the end.
"""

import contextlib
import datetime
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from wagtail.search.backends import get_search_backends

from demo import directory_data
from demo.directory import ensure_demo_categories
from demo.images import draw_logo, get_or_create_image
from demo.membership import ensure_demo_levels, pick_level, pick_standing
from directory.models import Business, Category, FacetCount
from membership.models import Member, MembershipLevel, membership_grace_days

COMMON_TERM = "independent"
COMMON_SHARE = 0.2
COMMON_SENTENCE = "<p>An independent business, owned and run by people who live here.</p>"
RARE_TERM = "harpsichord"
RARE_SENTENCE = "<p>Ask about our harpsichord restoration workshop.</p>"
LIVE_SHARE = 0.97
LOGO_POOL = 12  # enhanced listings share a few drawn logos: realistic pages, quick to make
# Locations per member: mostly one, some small chains (about 1.3 listings per member).
LOCATIONS = (1, 2, 3, 4, 6)
LOCATION_WEIGHTS = (82, 11, 4, 2, 1)
ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Batch:
    """Field values (by attname, without ids) of the members and listings of one batch."""

    members: list[dict] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # index in `members` of each listing's member
    categories: list[list[Category]] = field(default_factory=list)  # of each listing
    common: int = 0
    rare: int = 0


class ListingGenerator:
    """Makes members and listings in memory, deterministically from a seed."""

    def __init__(
        self,
        *,
        count: int,
        seed: int,
        levels: dict[str, MembershipLevel],
        categories: dict[str, Category],
        logos: list[int],
        first_number: int,
    ):
        self.count = count
        self.rng = random.Random(seed)
        rare_count = min(count, max(5, count // 100_000))
        rare_rng = random.Random(f"{seed}-rare")
        self.rare_positions = set(rare_rng.sample(range(count), rare_count))
        self.levels = levels
        self.categories = categories
        self.logos = logos
        self.number = first_number  # slugs end in a running number, so they are unique
        self.grace_days = membership_grace_days()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.made = 0

    def batches(self, size: int) -> Iterator[Batch]:
        while self.made < self.count:
            batch = Batch()
            while len(batch.listings) < size and self.made < self.count:
                self._add_member(batch)
            yield batch

    def _add_member(self, batch: Batch) -> None:
        rng = self.rng
        town = directory_data.pick_town(rng)
        trades = directory_data.pick_trades(rng)
        name, family = directory_data.business_name(rng, trade=trades[0], town=town)
        level = self.levels[pick_level(rng)]
        status, offset = pick_standing(rng, grace_days=self.grace_days)
        member = Member(
            name=name,
            level=level,
            status=status,
            paid_through=None if offset is None else self.today + offset * ONE_DAY,
        )
        # The one rule of good standing, applied as Member.save() would.
        good_standing_until = member.compute_good_standing_until(grace_days=self.grace_days)
        batch.members.append(
            {
                "name": name,
                "level_id": level.pk,
                "status": status,
                "paid_through": member.paid_through,
                "joined_on": directory_data.random_joined_on(rng),
                "auto_renew": rng.random() < 0.8,
                "good_standing_until": good_standing_until,
            }
        )
        owner = len(batch.members) - 1
        locations = rng.choices(LOCATIONS, weights=LOCATION_WEIGHTS)[0]
        for location in range(min(locations, self.count - self.made)):
            if location:
                town = rng.choice(directory_data.TOWNS)
                name = f"{member.name} ({town.name})"
            data = directory_data.make_listing(
                rng, name=name, town=town, trades=trades, family=family
            )
            listing = data.model_fields()
            if rng.random() < COMMON_SHARE:
                listing["description"] += COMMON_SENTENCE
                batch.common += 1
            if self.made in self.rare_positions:
                listing["description"] += RARE_SENTENCE
                batch.rare += 1
            live = rng.random() < LIVE_SHARE
            self.made += 1
            self.number += 1
            listing.update(
                slug=f"{slugify(name)[:200] or 'listing'}-{self.number}",
                city_slug=town.slug,
                public_until=good_standing_until,
                is_featured=level.featured_placement,
                logo_id=rng.choice(self.logos) if level.listing_logo and self.logos else None,
                live=live,
                has_unpublished_changes=not live,
                first_published_at=self.now if live else None,
                last_published_at=self.now if live else None,
                verified_at=self.now if rng.random() < 0.7 else None,
            )
            batch.listings.append(listing)
            batch.owners.append(owner)
            batch.categories.append([self.categories[trade.slug] for trade in trades])


def prefetched(batches: Iterator[Batch]) -> Iterator[Batch]:
    """The same batches, each made by a thread while the previous one is being written.

    Making rows is pure Python and writing them mostly waits for the database, so the two
    overlap. The thread never touches the database.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = pool.submit(next, batches, None)
        while (batch := upcoming.result()) is not None:
            upcoming = pool.submit(next, batches, None)
            yield batch


def _with_categories(listings: list[Business], categories: list[list[Category]]) -> None:
    """Give each listing its categories in memory: what the search index reads, query-free."""
    for business, chosen in zip(listings, categories, strict=True):
        business.categories = chosen


class OrmWriter:
    """Any database: bulk_create, and each search backend's own add_items()."""

    def __init__(self, indexes: dict):
        self.indexes = indexes

    def write(self, batch: Batch, lap) -> None:
        members = Member.objects.bulk_create([Member(**row) for row in batch.members])
        lap("members")
        listings = [
            Business(**row, member_id=members[owner].pk)
            for row, owner in zip(batch.listings, batch.owners, strict=True)
        ]
        Business.objects.bulk_create(listings)
        lap("listings")
        through = Business.categories.through
        through.objects.bulk_create(
            through(business_id=business.pk, category_id=category.pk)
            for business, chosen in zip(listings, batch.categories, strict=True)
            for category in chosen
        )
        _with_categories(listings, batch.categories)
        lap("categories")
        for model, objects in ((Member, members), (Business, listings)):
            for index in self.indexes[model]:
                index.add_items(model, objects)
        lap("search index")


class PostgresWriter:
    """PostgreSQL: ids from the sequences, rows by COPY, index rows by pipelined inserts.

    bulk_create and modelsearch's add_items() spend most of their time in Python (building
    and quoting one huge statement; reading every search field five times and compiling an
    expression per text). COPY streams rows, and IndexRows sends each object's texts once to a
    prepared INSERT so that PostgreSQL builds the same vectors.
    """

    def __init__(self, indexes: dict):
        from modelsearch.backends.database.postgres.postgres import PostgresIndex

        self.index_rows = {
            model: [IndexRows(index, model) for index in found if isinstance(index, PostgresIndex)]
            for model, found in indexes.items()
        }
        self.other_indexes = {  # e.g. Elasticsearch: its own bulk API
            model: [index for index in found if not isinstance(index, PostgresIndex)]
            for model, found in indexes.items()
        }

    def write(self, batch: Batch, lap) -> None:
        with connection.cursor() as cursor:
            member_ids = _next_ids(cursor, Member, len(batch.members))
            _copy(cursor, Member, batch.members, member_ids)
            lap("members")
            for row, owner in zip(batch.listings, batch.owners, strict=True):
                row["member_id"] = member_ids[owner]
            listing_ids = _next_ids(cursor, Business, len(batch.listings))
            # Links first (the foreign keys are checked at commit): each listing then reads
            # its category ids on the way in (directory migration 0006) instead of being
            # rewritten by the links' trigger.
            through = Business.categories.through
            through_rows = [
                {"business_id": business_id, "category_id": category.pk}
                for business_id, chosen in zip(listing_ids, batch.categories, strict=True)
                for category in chosen
            ]
            _copy(cursor, through, through_rows, _next_ids(cursor, through, len(through_rows)))
            lap("categories")
            _copy(cursor, Business, batch.listings, listing_ids)
            lap("listings")
        members = [Member(id=pk, **row) for pk, row in zip(member_ids, batch.members, strict=True)]
        listings = [
            Business(id=pk, **row) for pk, row in zip(listing_ids, batch.listings, strict=True)
        ]
        _with_categories(listings, batch.categories)
        for model, objects in ((Member, members), (Business, listings)):
            for writer in self.index_rows[model]:
                writer.add_items(objects)
            for index in self.other_indexes[model]:
                index.add_items(model, objects)
        lap("search index")


def _next_ids(cursor, model, count: int) -> list[int]:
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [table, pk, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, model, rows: list[dict], ids: list[int]) -> None:
    """COPY rows into the model's table: every concrete column, defaults for the missing ones."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [model._meta.pk, *fields])
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for pk, row in zip(ids, rows, strict=True):
            copy.write_row([pk, *(row.get(name, defaults[name]) for name in attnames)])


class IndexRows:
    """The rows modelsearch's PostgresIndex.add_items() writes, written about 10 times faster.

    Each field is read once through the backend's own ObjectIndexer.prepare_field (so values,
    weights and configs are the backend's), and the plain texts go to a prepared INSERT that
    lets PostgreSQL build the vectors exactly as add_items()'s SQL does. A PostgreSQL test
    holds the two equal.
    """

    def __init__(self, index, model):
        # PostgreSQL-only modules, imported only when PostgreSQL is in use.
        import psycopg
        from modelsearch.backends.database.postgres.postgres import ObjectIndexer
        from modelsearch.index import AutocompleteField, SearchField
        from modelsearch.utils import get_content_type_pk

        self.cursor_class = psycopg.Cursor
        self.index = index
        self.backend = index.backend
        self.object_indexer = ObjectIndexer
        self.search_field_class = SearchField
        self.autocomplete_field_class = AutocompleteField
        self.table = connection.ops.quote_name(index_entry_model()._meta.db_table)
        self.content_type_id = get_content_type_pk(model)
        self.search_fields = model.get_search_fields()

    def _texts(self, obj):
        indexer = self.object_indexer(obj, self.backend)
        title, body, autocomplete = [], [], []
        for search_field in self.search_fields:
            for found, weight, value in indexer.prepare_field(obj, search_field):
                text = value.strip()
                if not text:
                    continue
                if isinstance(found, self.search_field_class):
                    (title if found.field_name == "title" else body).append((text, weight))
                elif isinstance(found, self.autocomplete_field_class):
                    autocomplete.append((text, weight))
        return title, autocomplete, body

    @staticmethod
    def _vector(texts, config) -> tuple[str, list]:
        if not texts:
            return "''::tsvector", []
        parts, params = [], []
        for text, weight in texts:
            if config:
                parts.append("setweight(to_tsvector(%s::regconfig, %s), %s)")
                params.extend((config, text, weight))
            else:
                parts.append("setweight(to_tsvector(%s), %s)")
                params.extend((text, weight))
        return " || ".join(parts), params

    def add_items(self, objects) -> None:
        # One statement per shape (how many texts of which weight), run for all its rows.
        statements = defaultdict(list)
        for obj in objects:
            title, autocomplete, body = self._texts(obj)
            vectors, params = [], [self.content_type_id, str(obj.pk)]
            for texts, config in (
                (title, self.backend.config),
                (autocomplete, self.backend.autocomplete_config),
                (body, self.backend.config),
            ):
                sql, vector_params = self._vector(texts, config)
                vectors.append(sql)
                params.extend(vector_params)
            params.append(" ".join(text for text, _ in title))
            params.append(" ".join(text for text, _ in body))
            statements[tuple(vectors)].append(params)
        columns = (
            "content_type_id, object_id, title, autocomplete, body, title_norm, title_text, "
            "body_text"
        )
        upsert = (
            "ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, "
            "title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
            "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text"
        )
        # A server-side-binding cursor on Django's connection (and so in its transaction):
        # each statement is prepared once and its rows pipelined, with no round trip per row.
        with self.cursor_class(connection.connection) as cursor:
            for vectors, rows in statements.items():
                values = f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)"
                # The table is the model's and every value a parameter: no user input here.
                sql = f"INSERT INTO {self.table} ({columns}) VALUES {values} {upsert}"  # noqa: S608
                cursor.executemany(sql, rows)


@contextlib.contextmanager
def search_indexes_for(*models) -> Iterator[dict]:
    """Each search backend's index for each model, with title norms refreshed once at the end.

    The database backends recompute title norms with two scans of the whole index table after
    every add_items() call, which makes batch inserts quadratic; new entries keep the default
    norm until the single refresh here (which is what the backend's own refresh then does).
    """
    # The backends that saves keep up to date; others (AUTO_UPDATE False) may share their index.
    backends = list(get_search_backends(with_auto_update=True))
    indexes = {
        model: [backend.get_index_for_model(model) for backend in backends] for model in models
    }
    deferred = [
        index
        for found in indexes.values()
        for index in found
        if hasattr(index, "_refresh_title_norms")
    ]
    for index in deferred:
        index._refresh_title_norms = lambda full=False: None
    try:
        yield indexes
    finally:
        refreshed = set()
        for index in deferred:
            del index._refresh_title_norms
            # One table per database: one refresh covers every model's new entries.
            key = (type(index), index.write_connection.alias)
            if key not in refreshed:
                index._refresh_title_norms()
                refreshed.add(key)


def index_entry_model():
    from modelsearch.conf import get_app_config

    return get_app_config().get_model("IndexEntry")


def logo_pool() -> list[int]:
    return [
        get_or_create_image(
            title=f"Generated listing logo {number}",
            filename=f"generated-logo-{number}.png",
            draw=lambda word=word: draw_logo(word, size=160),
        ).pk
        for number, word in enumerate(directory_data.PLACE_WORDS[:LOGO_POOL], start=1)
    ]


class Command(BaseCommand):
    help = "Bulk-create N realistic listings, with members, categories and search index entries."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Listings to create.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same listings.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Listings per batch.")

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("--count and --batch-size must be positive.")
        started = time.perf_counter()
        with transaction.atomic():
            levels = ensure_demo_levels()
            categories = ensure_demo_categories()
            logos = logo_pool()
        generator = ListingGenerator(
            count=count,
            seed=seed,
            levels=levels,
            categories=categories,
            logos=logos,
            first_number=Business.objects.aggregate(last=Max("pk"))["last"] or 0,
        )
        batches = -(-count // batch_size)
        self.stdout.write(
            f"Generating {count:,} listings (seed {seed}) in {batches:,} batch(es) of "
            f"{batch_size:,} on {connection.vendor}."
        )
        made = members = common = rare = 0
        with search_indexes_for(Business, Member) as indexes:
            writer = (PostgresWriter if connection.vendor == "postgresql" else OrmWriter)(indexes)
            clock = time.perf_counter()
            for number, batch in enumerate(prefetched(generator.batches(batch_size)), start=1):
                timings = {"wait for rows": time.perf_counter() - clock}
                write_batch(writer, batch, timings)
                clock = time.perf_counter()
                made += len(batch.listings)
                members += len(batch.members)
                common += batch.common
                rare += batch.rare
                self.stdout.write(
                    f"  batch {number:,}/{batches:,}: {made:,} listings, {members:,} members, "
                    f"{made / (clock - started):,.0f} listings/s overall | "
                    + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timings.items())
                )
                self.stdout.flush()
                reset_queries()  # with DEBUG on, Django keeps every statement in memory
            self.stdout.write("Refreshing search title norms ...")
        if connection.vendor == "postgresql":
            # Fresh planner statistics, so the first benchmark queries plan as in production,
            # and (outside a transaction) vacuumed tables: the triggers rewrote each listing
            # and facet row many times, and index-only scans need the visibility map that
            # autovacuum would otherwise set some minutes later.
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            self.stdout.write(f"{vacuum} of the tables ...")
            tables = (
                Member,
                Business,
                Business.categories.through,
                FacetCount,
                index_entry_model(),
            )
            with connection.cursor() as cursor:
                for model in tables:
                    # The facet summary is small and was rewritten once per batch: compact it.
                    command = vacuum
                    if model is FacetCount and not connection.in_atomic_block:
                        command = "VACUUM (FULL, ANALYZE)"
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made:,} listings and {members:,} members in {elapsed:,.1f}s "
                f"({made / elapsed:,.0f} listings/s)."
            )
        )
        self.stdout.write(f'Common search term: "{COMMON_TERM}" (in {common:,} listings)')
        self.stdout.write(f'Rare search term: "{RARE_TERM}" (in {rare:,} listings)')


def write_batch(writer, batch: Batch, timings: dict[str, float]) -> None:
    """Write one batch in one transaction, adding seconds per stage to `timings`."""
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    with transaction.atomic():
        writer.write(batch, lap)
    lap("commit")
