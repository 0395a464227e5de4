""" "Did you mean ...?": corrections from the directory's own vocabulary, for a search that
found nothing.

The vocabulary is every word of the public listings' names, keywords and towns and of the
category names and synonyms, cached until a listing, member or category changes (the FACETS
cache). A word of the query that isn't in it is replaced by its nearest word there, by the
database's own measure (`closest` in postgres.py: pg_trgm's similarity; in sqlite.py:
difflib's ratio); the corrected query is offered only when it finds something. An empty result
also offers the category and the town nearest to any word of the query.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

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
    """What to offer instead of `query`, which found nothing with the filters in `params`."""
    known = vocabulary()
    fixed = corrected(query, known)
    if fixed == query or not matches(fixed).exists():
        fixed = ""
    terms = WORD.findall(fixed or query)
    category_slug = _nearest(terms, known.category_words)
    town_slug = _nearest(terms, known.town_words)
    towns = {slug: label for slug, label, _count in all_cities()}
    kept = {key: value for key, value in params.items() if key not in {"q", "page"}}
    found = Suggestion(
        query=fixed,
        query_string=urlencode({"q": fixed, **kept}) if fixed else "",
        category_slug=category_slug or "",
        town=(town_slug, towns[town_slug]) if town_slug in towns else None,
    )
    return found or None
