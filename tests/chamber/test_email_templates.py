"""Every e-mail the site sends has a subject, a plain-text and an HTML template that editors can
read, on the chamber's letterhead (each is rendered with real data by the tests of the feature
that sends it)."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LETTERHEAD = "chamber/emails/base.html"
# Every app's e-mails, as the base path `chamber.emails.send` takes.
NAMES = sorted(
    str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
    for path in TEMPLATES.glob("*/emails/*_subject.txt")
)


def test_the_emails_of_every_app_are_found():
    apps = {name.split("/")[0] for name in NAMES}
    assert apps == {"membership", "directory", "deals", "events", "jobs"}
    assert {"membership/emails/welcome", "directory/emails/listing_published"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_email_has_text_and_html_parts_on_the_letterhead(name):
    assert (TEMPLATES / f"{name}.txt").is_file()
    html = TEMPLATES / f"{name}.html"
    assert html.is_file()
    assert f'{{% extends "{LETTERHEAD}" %}}' in html.read_text()


def test_orphan_templates_are_not_left_behind():
    parts = [*TEMPLATES.glob("*/emails/*.txt"), *TEMPLATES.glob("*/emails/*.html")]
    stems = {str(path.relative_to(TEMPLATES).with_suffix("")) for path in parts}
    orphans = {
        stem
        for stem in stems
        if stem != LETTERHEAD.removesuffix(".html") and stem.removesuffix("_subject") not in NAMES
    }
    assert orphans == set()
