"""Constants and helpers of the news, feeds and home page tests (tests/home/test_news*.py,
test_home_page.py): the body with every block (as Python values, as form data, as it must
render), card titles and the news page form. The fixtures are in tests/home/conftest.py; news
items, topics, people, images and documents are built by the factories in tests/factories.py.
"""

import datetime
import html
import json
import re

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.models import NewsKind, Topic
from tests.factories import PDF, TopicFactory

DAY = datetime.timedelta(days=1)
XSS = "<script>alert(1)</script>"

TOPICS = {
    "parking": ("Parking & transport", "parking-transport", "Parking, buses and getting around."),
    "permits": ("Permits & zoning", "permits-zoning", "Building permits, signs and land use."),
    "workforce": ("Workforce & skills", "workforce-skills", "Hiring and apprenticeships."),
}

# The table as an editor fills it in: a header row and a header column.
TABLE = {
    "table_header_choice": "both",
    "first_row_is_table_header": True,
    "first_col_is_header": True,
    "table_caption": "Parking occupancy on Main Street",
    "data": [
        ["Time", "Weekdays", "Saturdays"],
        ["9 am", "41%", "55%"],
        ["1 pm", "87%", "96%"],
    ],
}


def make_topics() -> dict[str, Topic]:
    """The TOPICS, by key. A plain function as well as the `topics` fixture: the
    `WagtailPageTestCase` classes (which can't take pytest fixtures) call it from their tests."""
    return {
        key: TopicFactory(name=name, slug=slug, description=description)
        for key, (name, slug, description) in TOPICS.items()
    }


def every_block_body(*, image, document, page) -> list[tuple]:
    """A body with one block of every type in BodyStreamBlock (as Python values); `page` is
    the target of the call to action and of one related link."""
    return [
        ("heading", {"text": "Where we stand", "level": "h2"}),
        ("paragraph", RichText("<p>The chamber asks for <b>two free hours</b> downtown.</p>")),
        (
            "image",
            {
                "image": {
                    "image": image,
                    "alt_text": "Shoppers on Main Street",
                    "decorative": False,
                },
                "caption": "Main Street on a Saturday morning",
            },
        ),
        (
            "quote",
            {
                "quote": "Two free hours would bring our customers back.",
                "attribution": "Maria Lopez, Riverbend Bakery",
            },
        ),
        (
            "call_to_action",
            {
                "heading": "Have your say",
                "text": "Members shape every position we take.",
                "button_label": "Join the chamber",
                "page": page,
                "url": "",
            },
        ),
        (
            "document",
            {
                "document": document,
                "title": "Download the parking study",
                "description": "Twelve pages, for members and councillors.",
            },
        ),
        ("table", TABLE),
        (
            "related_links",
            {
                "heading": "Read more",
                "links": [
                    {"title": "", "page": page, "url": ""},
                    {
                        "title": "City council agendas",
                        "page": None,
                        "url": "https://riverside.example/council/agendas",
                    },
                ],
            },
        ),
    ]


def every_block_form_data(*, image, document, page) -> dict:
    """The same body as the admin's page form posts it (for `assertCanCreate`)."""
    links = {
        "0": {"value": {"title": "", "page": str(page.pk), "url": ""}},
        "1": {
            "value": {
                "title": "City council agendas",
                "page": "",
                "url": "https://riverside.example/council/agendas",
            }
        },
    }
    for number, link in links.items():
        link.update({"deleted": "", "order": number, "id": ""})
    links["count"] = "2"
    return streamfield(
        [
            ("heading", {"text": "Where we stand", "level": "h2"}),
            ("paragraph", rich_text("<p>The chamber asks for <b>two free hours</b> downtown.</p>")),
            (
                "image",
                {
                    "image": {
                        "image": str(image.pk),
                        "alt_text": "Shoppers on Main Street",
                        "decorative": "",
                    },
                    "caption": "Main Street on a Saturday morning",
                },
            ),
            (
                "quote",
                {
                    "quote": "Two free hours would bring our customers back.",
                    "attribution": "Maria Lopez, Riverbend Bakery",
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Have your say",
                    "text": "Members shape every position we take.",
                    "button_label": "Join the chamber",
                    "page": str(page.pk),
                    "url": "",
                },
            ),
            (
                "document",
                {
                    "document": str(document.pk),
                    "title": "Download the parking study",
                    "description": "Twelve pages, for members and councillors.",
                },
            ),
            ("table", json.dumps(TABLE)),
            ("related_links", {"heading": "Read more", "links": links}),
        ]
    )


def assert_every_block_rendered(page_html: str, *, link_page) -> None:
    """`page_html` shows each block of `every_block_body(page=link_page)` as designed."""
    assert '<h2 class="block-heading">Where we stand</h2>' in page_html
    # (Draftail gives each paragraph a data-block-key.)
    assert re.search(
        r"<p[^>]*>The chamber asks for <b>two free hours</b> downtown\.</p>", page_html
    )
    image = page_html.split('<figure class="block-image">', 1)[1].split("</figure>", 1)[0]
    assert 'alt="Shoppers on Main Street"' in image
    assert "<figcaption>Main Street on a Saturday morning</figcaption>" in image
    assert "<blockquote><p>Two free hours would bring our customers back.</p></blockquote>" in (
        page_html
    )
    assert "<figcaption>— Maria Lopez, Riverbend Bakery</figcaption>" in page_html
    # The call to action and the first related link point at the chosen page.
    assert f'<a class="button button--accent" href="{link_page.url}">Join the chamber</a>' in (
        page_html
    )
    document = page_html.split('<p class="block-document">', 1)[1].split("</p>", 1)[0]
    assert re.search(r'href="/documents/\d+/parking-study\.pdf" download>', document)
    assert ">Download the parking study</a>" in document
    assert f"(PDF, {filesizeformat(len(PDF))})" in document
    assert "Twelve pages, for members and councillors." in document
    table = page_html.split('<div class="table-scroll"', 1)[1].split("</table>", 1)[0]
    assert 'aria-label="Parking occupancy on Main Street"' in table
    assert "<caption>Parking occupancy on Main Street</caption>" in table
    assert re.search(r'<th scope="col"[^>]*>\s*Weekdays\s*</th>', table)
    assert re.search(r'<th scope="row"[^>]*>\s*9 am\s*</th>', table)
    assert re.search(r"<td[^>]*>\s*87%\s*</td>", table)
    links = page_html.split('<nav class="related-links" aria-label="Read more">', 1)[1]
    links = links.split("</nav>", 1)[0]
    assert f'<li><a href="{link_page.url}">{html.escape(link_page.title)}</a></li>' in links
    assert (
        '<a href="https://riverside.example/council/agendas" rel="noopener">'
        "City council agendas</a>" in links
    )


CARD_TITLE = re.compile(r'<h3 class="card__title"><a href="([^"]*)">(.*?)</a></h3>', re.DOTALL)


def card_titles(page_html: str) -> list[str]:
    """The titles of the cards (news, listings) in `page_html`, in order, as HTML."""
    return [title for _url, title in CARD_TITLE.findall(page_html)]


def card_urls(page_html: str) -> list[str]:
    return [url for url, _title in CARD_TITLE.findall(page_html)]


def news_page_form_data(*, title, image, document, page, topics, people) -> dict:
    """A complete NewsPage add form: filing, summary, image, inline authors and every block."""
    data = nested_form_data(
        {
            "title": title,
            "slug": slugify(title),
            "date": timezone.localdate().isoformat(),
            "kind": NewsKind.POLICY,
            "summary": "Our position for the council's vote on downtown parking.",
            "listing_image": str(image.pk),
            "authors": inline_formset([{"person": str(person.pk)} for person in people]),
            "body": every_block_form_data(image=image, document=document, page=page),
        }
    )
    # A multiple choice posts one value per topic (nested_form_data would number them).
    data["topics"] = [str(topic.pk) for topic in topics]
    return data
