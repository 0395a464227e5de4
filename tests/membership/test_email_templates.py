"""Every e-mail the site sends has a subject, a plain-text and an HTML template that editors can
read (each is rendered with real data by the tests of the feature that sends it)."""

from pathlib import Path

import pytest
from django.conf import settings

EMAILS = Path(settings.BASE_DIR) / "templates" / "membership" / "emails"
NAMES = sorted(path.name.removesuffix("_subject.txt") for path in EMAILS.glob("*_subject.txt"))


def test_the_emails_are_found():
    assert {"welcome", "payment_received", "staff_level_change"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_email_has_text_and_html_parts(name):
    assert (EMAILS / f"{name}.txt").is_file()
    html = EMAILS / f"{name}.html"
    assert html.is_file()
    assert '{% extends "membership/emails/base.html" %}' in html.read_text()


def test_orphan_templates_are_not_left_behind():
    stems = {path.stem for path in EMAILS.glob("*.txt")} | {
        path.stem for path in EMAILS.glob("*.html")
    }
    orphans = {
        stem for stem in stems if stem != "base" and stem.removesuffix("_subject") not in NAMES
    }
    assert orphans == set()
