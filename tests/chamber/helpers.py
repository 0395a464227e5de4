"""What chamber's tests share: reading a page's <head> (meta tags, canonical link)."""

from bs4 import BeautifulSoup

# Tags a page must carry at most once: a second og:title or description confuses crawlers.
ONCE = (
    ("name", "description"),
    ("property", "og:type"),
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:url"),
    ("property", "og:image"),
    ("name", "twitter:card"),
    ("name", "twitter:title"),
)


def head_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def metas(head, key: str) -> list[str]:
    """The content of every <meta> named `key` (name= for plain and X tags, property= for OG)."""
    return [
        tag.get("content", "")
        for tag in head.find_all("meta")
        if tag.get("property") == key or tag.get("name") == key
    ]


def meta(head, key: str) -> str | None:
    values = metas(head, key)
    assert len(values) <= 1, f"{key} given {len(values)} times"
    return values[0] if values else None


def canonical(head) -> str:
    (link,) = head.find_all("link", rel="canonical")
    return link["href"]
