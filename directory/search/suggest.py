""" "Did you mean ...?": corrections from the directory's own vocabulary, for a search that
found nothing.

The vocabulary is every word of the public listings' names, keywords and towns and of the
category names and synonyms, cached until a listing, member or category changes (the FACETS
cache). A word of the query that isn't in it is replaced by its nearest word there, by the
database's own measure (`closest` in postgres.py: pg_trgm's similarity; in sqlite.py:
difflib's ratio); the corrected query is offered only when it finds something, with the
category and the town most of its matches are in. When nothing can be corrected, the category
and the town whose names are nearest to a word of the query are offered instead.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count

from chamber.caching import cached
from directory.caches import FACETS
from directory.facets import all_cities, today_key
from directory.models.listings import Business, Category
from directory.search import database
from directory.search.keywords import matches
from directory.search.query import WORD
from directory.taxonomy import CategoryNode, category_tree

# Words shorter than this are neither corrected nor suggested: too many near neighbours.
MIN_WORD_LENGTH = 3


@dataclass(frozen=True)
class Vocabulary:
    words: frozenset[str]
    category_words: dict[str, str]  # a word of a category's name or synonyms -> its slug
    town_words: dict[str, str]  # a word of a town's name -> its slug


@dataclass(frozen=True)
class Suggestion:
    """What to offer for a search that found nothing: a corrected query (with the same filters,
    as a query string) and the nearest category and town, each possibly absent."""

    query: str
    query_string: str
    category_slug: str
    town: tuple[str, str] | None  # (slug, name)

    @property
    def category(self) -> CategoryNode | None:
        return category_tree().by_slug.get(self.category_slug)

    def __bool__(self) -> bool:
        return bool(self.query or self.category or self.town)


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text) if len(word) >= MIN_WORD_LENGTH]


def vocabulary() -> Vocabulary:
    return cached(FACETS, "vocabulary:" + today_key(), _build_vocabulary)


def _build_vocabulary() -> Vocabulary:
    words: set[str] = set()
    for name, keywords, city in Business.objects.publicly_listed().values_list(
        "name", "keywords", "city"
    ):
        words.update(_words(f"{name} {keywords} {city}"))
    category_words: dict[str, str] = {}
    for slug, name, synonyms in Category.objects.values_list("slug", "name", "synonyms"):
        for word in _words(f"{name} {synonyms}"):
            category_words.setdefault(word, slug)
    town_words: dict[str, str] = {}
    for slug, label, _count in all_cities():
        for word in _words(label):
            town_words.setdefault(word, slug)
    words.update(category_words, town_words)
    return Vocabulary(frozenset(words), category_words, town_words)


def corrected(query: str, known: Vocabulary) -> str:
    """`query` with each word the vocabulary doesn't know replaced by its nearest known word
    (lower case, punctuation dropped); the query itself when nothing is near."""
    terms = WORD.findall(query)
    unknown = [
        term for term in terms if len(term) >= MIN_WORD_LENGTH and term.lower() not in known.words
    ]
    if not unknown:
        return query
    nearest = database().closest([term.lower() for term in unknown], sorted(known.words))
    fixed = [nearest[term.lower()][0] if term.lower() in nearest else term for term in terms]
    return " ".join(fixed).lower() if fixed != terms else query


def _nearest(terms: list[str], words: dict[str, str]) -> str | None:
    """The slug of the nearest entry of `words` to any of `terms`, if any is near enough."""
    terms = [term.lower() for term in terms if len(term) >= MIN_WORD_LENGTH]
    exact = next((words[term] for term in terms if term in words), None)
    if exact or not terms or not words:
        return exact
    nearest = database().closest(terms, sorted(words))
    if not nearest:
        return None
    word, _score = max(nearest.values(), key=lambda found: found[1])
    return words[word]


def suggestion(query: str, params) -> Suggestion | None:
    """What to offer instead of `query`, which found nothing with the filters in `params`. The
    corrected search keeps those filters in its link, but is tried (and its category and town
    counted) without them: it is offered when the words themselves find something."""
    known = vocabulary()
    fixed = corrected(query, known)
    found = matches(fixed) if fixed != query else None
    # The corrected search's most common category and town, else the nearest by spelling.
    top = (
        found.values_list("categories__slug", "city_slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "categories__slug", "city_slug")
        .first()
        if found is not None
        else None
    )
    if top is None:
        fixed = ""
        terms = WORD.findall(query)
        category_slug = _nearest(terms, known.category_words)
        town_slug = _nearest(terms, known.town_words)
    else:
        category_slug, town_slug = top[0], top[1]
    towns = {slug: label for slug, label, _count in all_cities()}
    kept = {key: value for key, value in params.items() if key not in {"q", "page"}}
    offered = Suggestion(
        query=fixed,
        query_string=urlencode({"q": fixed, **kept}) if fixed else "",
        category_slug=category_slug or "",
        town=(town_slug, towns[town_slug]) if town_slug in towns else None,
    )
    return offered or None
