"""Demo content for the editorial pages: a fictional "Riverside Chamber of Commerce"."""

from wagtail.models import Page

from chamber.models import ChamberSettings
from demo.images import draw_logo, draw_skyline, get_or_create_image
from demo.news import build_news
from home.models import HomePage, StandardPage
from membership.models import JoinPage

CHAMBER_NAME = "Riverside Chamber of Commerce"

DEMO_SETTINGS = {
    "name": CHAMBER_NAME,
    "tagline": "Local business, working together along the river since 1921",
    "street": "120 Main Street, Suite 2",
    "city": "Riverside",
    "region": "OR",
    "postcode": "97999",
    "country": "United States",
    "phone": "(555) 010-2040",
    "email": "hello@riversidechamber.example",
    "facebook_url": "https://facebook.example/riversidechamber",
    "instagram_url": "https://instagram.example/riversidechamber",
    "linkedin_url": "https://linkedin.example/company/riversidechamber",
}


def _paragraph(html: str) -> tuple[str, str]:
    return ("paragraph", html)


def _heading(text: str, level: str = "h2") -> tuple[str, dict]:
    return ("heading", {"text": text, "level": level})


# (slug, title, show in menus, intro, body) in menu order.
DEMO_PAGES = [
    (
        "about",
        "About the chamber",
        True,
        "We are the businesses of Riverside, Millbrook, Cedar Falls, Lakeview and Oak Harbor "
        "who believe a strong local economy is built together.",
        [
            _heading("Who we are"),
            _paragraph(
                "<p>Founded in 1921 by the merchants of Main Street, the Riverside Chamber of "
                "Commerce now represents shops, trades, farms, clinics and manufacturers across "
                "the valley. We are an independent, member-funded non-profit.</p>"
            ),
            _heading("What we do"),
            _paragraph(
                "<ul><li>Promote member businesses through the online directory and events</li>"
                "<li>Speak for local business at city hall and the county board</li>"
                "<li>Connect members through referrals, mentoring and member-to-member deals</li>"
                "</ul>"
            ),
            (
                "quote",
                {
                    "quote": "The chamber introduced us to half of our wholesale customers.",
                    "attribution": "Maria Lopez, owner of Riverbend Bakery",
                },
            ),
        ],
    ),
    (
        "advocacy",
        "Advocacy",
        True,
        "The chamber is the voice of valley businesses on the policies that shape them.",
        [
            _heading("Our 2026 priorities"),
            _paragraph(
                "<ol><li><b>Downtown parking:</b> two-hour free parking on Main Street.</li>"
                "<li><b>Permits:</b> a 30-day answer on small-business building permits.</li>"
                "<li><b>Workforce:</b> apprenticeships with Cedar Falls Community College.</li>"
                "</ol>"
            ),
            _paragraph(
                "<p>Members shape these positions in our policy committee, which meets on the "
                "first Tuesday of each month.</p>"
            ),
        ],
    ),
    (
        "contact",
        "Contact us",
        True,
        "Drop in, call or write: the chamber office is open Monday to Friday, 9 am to 5 pm.",
        [
            _heading("Opening hours"),
            _paragraph(
                "<p>Monday to Friday, 9 am to 5 pm. The office is above the old post office; "
                "the entrance is on River Lane, with step-free access.</p>"
            ),
            _heading("Visiting for a meeting?"),
            _paragraph(
                "<p>Members can book the chamber's meeting room for free. Call ahead and we "
                "will have coffee ready.</p>"
            ),
        ],
    ),
]


def _ensure_child(parent: Page, page: Page) -> tuple[Page, bool]:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific, False
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    return page, True


def build_pages(*, home: HomePage, site, log) -> None:
    chamber = ChamberSettings.for_site(site)
    if chamber.name != CHAMBER_NAME:
        for field_name, value in DEMO_SETTINGS.items():
            setattr(chamber, field_name, value)
        chamber.logo = get_or_create_image(
            title="Riverside Chamber logo",
            filename="riverside-chamber-logo.png",
            draw=lambda: draw_logo("Riverside Chamber", size=256),
        )
        chamber.save()
        site.site_name = CHAMBER_NAME
        site.save(update_fields=["site_name"])
        log("Demo: chamber settings filled in.")

    pages = {}
    created = 0
    for slug, title, in_menu, intro, body in DEMO_PAGES:
        page, was_created = _ensure_child(
            home,
            StandardPage(title=title, slug=slug, show_in_menus=in_menu, intro=intro, body=body),
        )
        pages[slug] = page
        created += was_created
    log(f"Demo: {created} editorial page(s) created.")
    pages["join"] = JoinPage.objects.get()
    contact = pages["contact"]
    if not contact.show_contact_details:
        contact.show_contact_details = True
        contact.save_revision(log_action=False).publish(log_action=False)

    if not home.primary_cta_page_id:
        home.title = "Home"
        home.seo_title = f"{CHAMBER_NAME} — local business, working together"
        home.search_description = (
            "The Riverside Chamber of Commerce: find local businesses, member deals and "
            "policy news from Riverside, Millbrook, Cedar Falls, Lakeview and Oak Harbor."
        )
        home.hero_heading = "Local business, working together"
        home.hero_text = (
            "Find a trusted local business, meet other owners and have a say in the decisions "
            "that shape the valley's economy."
        )
        home.intro = (
            "The Riverside Chamber of Commerce is {count} businesses across the valley: shops, "
            "trades, farms, clinics and manufacturers. We promote our members, connect them "
            "with each other and speak for them at city hall."
        )
        home.hero_image = get_or_create_image(
            title="Main Street at dusk",
            filename="main-street-at-dusk.jpg",
            draw=draw_skyline,
        )
        home.primary_cta_label = "Become a member"
        home.primary_cta_page = pages["join"]
        home.secondary_cta_label = "About the chamber"
        home.secondary_cta_page = pages["about"]
        home.body = [
            _heading("Why businesses join"),
            _paragraph(
                "<p>Members are listed in the valley's business directory, get discounts from "
                "other members, and are represented at city hall on parking, permits and "
                "workforce.</p>"
            ),
        ]
        home.save_revision(log_action=False).publish(log_action=False)
        log("Demo: home page content filled in.")

    build_news(pages=pages, log=log)
