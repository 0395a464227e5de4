"""Demo policy news for the Riverside chamber: topics, authors and a year of news items."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from demo.images import draw_logo, draw_skyline, get_or_create_image
from home.models import NewsIndexPage, NewsKind, NewsPage, NewsPageAuthor, Person, Topic

TOPICS = [
    ("Parking & transport", "parking-transport", "Parking, buses and getting customers downtown."),
    ("Permits & zoning", "permits-zoning", "Building permits, signs, licences and land use."),
    ("Workforce & skills", "workforce-skills", "Hiring, apprenticeships and training."),
    ("Taxes & budget", "taxes-budget", "City and county budgets, fees and business taxes."),
    ("Downtown & Main Street", "downtown", "The downtown plan, events and storefronts."),
]

PEOPLE = [
    ("Dana Whitfield", "President & CEO"),
    ("Marcus Oyelaran", "Director of Government Affairs"),
    ("Priya Raman", "Chair, Policy Committee"),
    ("Tom Becker", "Communications Manager"),
]

# (days ago, kind, title, topics, authors, summary, body paragraphs, extra blocks)
NEWS = [
    (
        6,
        NewsKind.POLICY,
        "Chamber backs two-hour free parking on Main Street",
        ["parking-transport", "downtown"],
        [1, 2],
        "Our position for the council's December vote: two free hours on Main Street, paid for "
        "by the downtown parking fund, not by higher meter rates elsewhere.",
        [
            "Shoppers tell our members the same thing: they would stop on Main Street more "
            "often if a quick errand didn't cost a meter fee and a ticket risk.",
            "The policy committee reviewed the city's parking study and recommends two free hours, "
            "funded by the downtown parking fund's reserve.",
        ],
        ["table", "quote", "links"],
    ),
    (
        19,
        NewsKind.NEWS,
        "Apprenticeship fair brings 40 employers to Cedar Falls",
        ["workforce-skills"],
        [3],
        "Forty member businesses met 300 students at the first apprenticeship fair we ran with "
        "Cedar Falls Community College.",
        [
            "Trades, clinics and manufacturers set up in the college's main hall on Thursday. "
            "Students could sign up for paid placements on the spot.",
            "We will run the fair again in the spring; members who want a table can tell the "
            "chamber office.",
        ],
        ["cta"],
    ),
    (
        33,
        NewsKind.PRESS,
        "Chamber welcomes the county's faster permit pledge",
        ["permits-zoning"],
        [0],
        "The county will answer small-business building permits within 30 days, a change the "
        "chamber has asked for since 2024.",
        [
            "“Thirty days gives a small business a date it can plan around,” said Dana Whitfield, "
            "the chamber's president.",
            "The pledge starts in January and covers alterations under 5,000 square feet.",
        ],
        ["quote"],
    ),
    (
        52,
        NewsKind.NEWS,
        "What the new sign rules mean for your storefront",
        ["permits-zoning", "downtown"],
        [1],
        "From next year, projecting signs downtown need a permit but no fee. Here is what "
        "changes and what doesn't.",
        [
            "Flat wall signs under 20 square feet still need no permit.",
            "Projecting and illuminated signs need a permit; the city has dropped the $75 fee "
            "after our members' comments.",
        ],
        ["document", "links"],
    ),
    (
        78,
        NewsKind.POLICY,
        "Our response to the 2027 city budget",
        ["taxes-budget"],
        [1, 2],
        "We support the budget's road repairs and oppose the proposed 12% rise in business "
        "licence fees.",
        [
            "The draft budget raises business licence fees by 12% to cover a general shortfall.",
            "Fees should pay for the service they fund; the chamber asks the council to keep the "
            "rise to inflation.",
        ],
        ["table", "cta"],
    ),
    (
        101,
        NewsKind.NEWS,
        "Night market returns to the riverfront",
        ["downtown"],
        [3],
        "Twelve Friday night markets from June, with stalls for member businesses at half price.",
        [
            "The riverfront night market returns for a second year after 18,000 visits last "
            "summer.",
            "Members get half-price stalls; applications open in April.",
        ],
        ["image"],
    ),
    (
        128,
        NewsKind.PRESS,
        "Chamber names Riverbend Bakery small business of the year",
        ["downtown", "workforce-skills"],
        [0, 3],
        "Maria Lopez's bakery took on four apprentices and opened a second shop in Millbrook.",
        [
            "The award recognises a member that grew, hired locally and gave back.",
            "Riverbend Bakery now trains four apprentices a year with the community college.",
        ],
        ["quote"],
    ),
    (
        155,
        NewsKind.POLICY,
        "Bus route 4 should keep its Sunday service",
        ["parking-transport", "workforce-skills"],
        [1],
        "Cutting Sunday buses would strand shift workers at our members' shops and clinics.",
        [
            "Route 4 carries 600 riders on a Sunday, most of them going to work.",
            "We ask the transit board to keep the service and review it again in a year.",
        ],
        ["links"],
    ),
    (
        190,
        NewsKind.NEWS,
        "Survey: members' top worry is finding staff",
        ["workforce-skills"],
        [2, 3],
        "Two in three members who answered our spring survey said hiring is their biggest "
        "challenge this year.",
        [
            "We heard from 212 members across the valley.",
            "The results shape the workforce priorities the policy committee adopted in May.",
        ],
        ["table"],
    ),
    (
        224,
        NewsKind.NEWS,
        "County property tax reassessment: what to expect",
        ["taxes-budget"],
        [1],
        "Commercial property values are being reassessed this year; here is how to check yours "
        "and appeal if needed.",
        [
            "Notices go out in the autumn; owners have 45 days to appeal.",
            "The chamber office can put you in touch with members who handle appeals.",
        ],
        ["document"],
    ),
    (
        260,
        NewsKind.PRESS,
        "Chamber and city sign the Main Street storefront grant",
        ["downtown", "permits-zoning"],
        [0],
        "Storefront owners on Main Street can get up to $5,000 towards new windows, signs and "
        "lighting.",
        [
            "The grant matches what the owner spends, up to $5,000.",
            "Applications open on the city's website; the chamber helps members prepare them.",
        ],
        ["cta"],
    ),
    (
        301,
        NewsKind.POLICY,
        "Position: a single business licence for the valley",
        ["permits-zoning", "taxes-budget"],
        [2],
        "Five towns, five licences: we propose one licence recognised across the valley.",
        [
            "A plumber working in all five towns buys five licences today.",
            "We propose one licence, with the fee shared between the towns by where work is done.",
        ],
        ["quote", "links"],
    ),
    (
        333,
        NewsKind.NEWS,
        "New bike racks for Millbrook and Oak Harbor",
        ["parking-transport"],
        [3],
        "Thirty new bike racks outside member shops, paid for by a state grant the chamber "
        "helped secure.",
        [
            "Members asked for racks where customers actually stop.",
            "The racks go in this month; tell us if your shop needs one.",
        ],
        ["image"],
    ),
    (
        358,
        NewsKind.NEWS,
        "The chamber's policy priorities for the year",
        ["parking-transport", "permits-zoning", "workforce-skills"],
        [0, 2],
        "Parking, permits and people: the three priorities members chose for our work with the "
        "city and the county.",
        [
            "The policy committee met four times to turn members' survey answers into priorities.",
            "We will report on each of them here as the year goes on.",
        ],
        ["links"],
    ),
]

NEWS_IMAGES = ["main-street", "riverfront", "market", "bridge"]

# A one-page PDF (the document block's download), written out by hand: no PDF library needed.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 62>>stream\nBT /F1 18 Tf 72 720 Td (Riverside Chamber policy brief) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _document():
    Document = get_document_model()
    existing = Document.objects.filter(title="Policy brief (demo)").first()
    if existing:
        return existing
    document = Document(title="Policy brief (demo)")
    document.file.save("riverside-policy-brief.pdf", ContentFile(_PDF), save=False)
    document.save()
    return document


def _extra_block(kind: str, *, images, document, pages, index):
    if kind == "table":
        return (
            "table",
            {
                "first_row_is_table_header": True,
                "first_col_is_header": True,
                "table_caption": "What members told us",
                "data": [
                    ["", "Agree", "Disagree", "Not sure"],
                    ["Riverside", "68%", "21%", "11%"],
                    ["Millbrook", "59%", "25%", "16%"],
                    ["Cedar Falls", "63%", "22%", "15%"],
                ],
            },
        )
    if kind == "quote":
        return (
            "quote",
            {
                "quote": "When the rules are simple and predictable, small businesses invest.",
                "attribution": "Priya Raman, chair of the policy committee",
            },
        )
    if kind == "links":
        return (
            "related_links",
            {
                "heading": "Read more",
                "links": [
                    {"title": "", "page": pages["advocacy"], "url": ""},
                    {
                        "title": "City council agendas",
                        "page": None,
                        "url": "https://riverside.example/council/agendas",
                    },
                ],
            },
        )
    if kind == "document":
        return (
            "document",
            {
                "document": document,
                "title": "Download the policy brief",
                "description": "Two pages, for members and councillors.",
            },
        )
    if kind == "cta":
        return (
            "call_to_action",
            {
                "heading": "Have your say",
                "text": "Members shape every position we take.",
                "button_label": "Join the chamber",
                "page": pages["join"],
                "url": "",
            },
        )
    return (
        "image",
        {
            "image": {
                "image": images[index % len(images)],
                "alt_text": "Shops along the river at dusk",
                "decorative": False,
            },
            "caption": "Photo: Riverside Chamber of Commerce",
        },
    )


def build_news(*, pages, log) -> None:
    index_page = NewsIndexPage.objects.first()
    if index_page is None or NewsPage.objects.exists():
        return
    topics = {}
    for name, slug, description in TOPICS:
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    people = []
    for name, role in PEOPLE:
        person = Person.objects.filter(name=name).first() or Person(name=name, role=role)
        if person.pk is None:
            person.photo = get_or_create_image(
                title=f"{name} (portrait)",
                filename=f"portrait-{name.split()[0].lower()}.png",
                draw=lambda name=name: draw_logo(name, size=192),
            )
            person.save()
        people.append(person)
    images = [
        get_or_create_image(
            title=f"News picture: {seed.replace('-', ' ')}",
            filename=f"news-{seed}.jpg",
            draw=lambda seed=seed: draw_skyline(width=1280, height=720, seed=seed),
        )
        for seed in NEWS_IMAGES
    ]
    document = _document()
    today = timezone.localdate()
    for number, (
        days_ago,
        kind,
        title,
        topic_slugs,
        authors,
        summary,
        paragraphs,
        extras,
    ) in enumerate(NEWS):
        body = [("paragraph", f"<p>{paragraphs[0]}</p>")]
        body.append(("heading", {"text": "What happens next", "level": "h2"}))
        body.append(("paragraph", f"<p>{paragraphs[1]}</p>"))
        body.extend(
            _extra_block(extra, images=images, document=document, pages=pages, index=number)
            for extra in extras
        )
        page = NewsPage(
            title=title,
            date=today - datetime.timedelta(days=days_ago),
            kind=kind,
            summary=summary,
            listing_image=images[number % len(images)] if number % 3 != 2 else None,
            body=body,
        )
        page.topics = [topics[slug] for slug in topic_slugs]
        page.authors = [
            NewsPageAuthor(person=people[i], sort_order=order) for order, i in enumerate(authors)
        ]
        index_page.add_child(instance=page)
        revision = page.save_revision(log_action=False)
        revision.publish(log_action=False)
        NewsPage.objects.filter(pk=page.pk).update(
            first_published_at=timezone.make_aware(
                datetime.datetime.combine(page.date, datetime.time(9))
            )
        )
    # One item scheduled for next week: editors see it under "scheduled" in the admin.
    scheduled = NewsPage(
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(days=7),
        title="Preview: the council's parking vote",
        date=today + datetime.timedelta(days=7),
        kind=NewsKind.NEWS,
        summary="What the council will decide on Main Street parking, and how to take part.",
        body=[("paragraph", "<p>The council votes on two-hour free parking next week.</p>")],
    )
    scheduled.topics = [topics["parking-transport"]]
    index_page.add_child(instance=scheduled)
    # Publishing a revision whose go-live time is in the future schedules it: the page stays
    # unpublished until `manage.py publish_scheduled` (cron) runs after that time.
    scheduled.save_revision(log_action=False).publish(log_action=False)
    log(f"Demo: {len(NEWS)} news items in {len(topics)} topics, one scheduled for next week.")
