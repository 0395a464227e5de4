"""The category tree and membership levels, cached: small, read on every directory page,
and changed only by staff (directory/signals.py drops the cache on every change)."""

from dataclasses import dataclass, field

from chamber.caching import cached
from directory.caches import TAXONOMY
from directory.models.listings import Category
from membership.models import MembershipLevel


@dataclass
class CategoryNode:
    pk: int
    name: str
    slug: str
    description: str
    parent: "CategoryNode | None" = None
    children: list["CategoryNode"] = field(default_factory=list)

    @property
    def family_ids(self) -> list[int]:
        return [self.pk, *(child.pk for child in self.children)]


@dataclass
class CategoryTree:
    roots: list[CategoryNode]
    by_slug: dict[str, CategoryNode]
    by_pk: dict[int, CategoryNode]


@dataclass(frozen=True)
class LevelOption:
    pk: int
    name: str
    slug: str


def category_tree() -> CategoryTree:
    return cached(TAXONOMY, "categories", _build_category_tree)


def _build_category_tree() -> CategoryTree:
    rows = Category.objects.values_list("pk", "name", "slug", "description", "parent_id")
    nodes: dict[int, CategoryNode] = {}
    parents: dict[int, int | None] = {}
    for pk, name, slug, description, parent_id in rows:  # already in display order
        nodes[pk] = CategoryNode(pk=pk, name=name, slug=slug, description=description)
        parents[pk] = parent_id
    roots = []
    for pk, node in nodes.items():
        parent = nodes.get(parents[pk]) if parents[pk] else None
        if parent is None:
            roots.append(node)
        else:
            node.parent = parent
            parent.children.append(node)
    return CategoryTree(
        roots=roots,
        by_slug={node.slug: node for node in nodes.values()},
        by_pk=nodes,
    )


def membership_levels() -> list[LevelOption]:
    return cached(
        TAXONOMY,
        "levels",
        lambda: [
            LevelOption(pk=pk, name=name, slug=slug)
            for pk, name, slug in MembershipLevel.objects.values_list("pk", "name", "slug")
        ],
    )


def level_by_slug(slug: str) -> LevelOption | None:
    return next((level for level in membership_levels() if level.slug == slug), None)
