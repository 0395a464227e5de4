"""One cell at a time: the duplicate keys and the values an export wrote."""

import datetime

import pytest

from directory.roster.cells import (
    CellError,
    cell_text,
    normalise_name,
    parse_date,
    parse_website,
    website_domain,
)


@pytest.mark.parametrize(
    "name",
    ["Smith & Sons Ltd", "Smith and Sons", "The Smith & Sons Co., Ltd.", "SMITH + SONS, LLC"],
)
def test_similar_organisation_names_normalise_alike(name):
    assert normalise_name(name) == "smith and sons"


def test_accents_and_a_lone_suffix_word_are_kept_apart_sensibly():
    assert normalise_name("Café Olé Inc") == normalise_name("Cafe Ole")
    assert normalise_name("Co") == "co"  # a name that is only a suffix stays a name


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.harbour.example/about", "harbour.example"),
        ("harbour.example", "harbour.example"),
        ("https://facebook.com/harbourbakery", ""),  # shared by many members
        ("", ""),
    ],
)
def test_website_domains(url, domain):
    assert website_domain(url) == domain


def test_https_is_added_to_a_bare_web_address():
    assert parse_website("harbour.example/menu") == "https://harbour.example/menu"
    assert parse_website("http://harbour.example") == "http://harbour.example"
    with pytest.raises(CellError):
        parse_website("javascript:alert(1)")


def test_the_quote_an_export_puts_before_a_formula_is_taken_off():
    assert cell_text("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert cell_text("'quoted") == "'quoted"
    assert cell_text(12.0) == "12"


def test_xlsx_date_cells_are_dates():
    assert parse_date(datetime.datetime(2024, 3, 31)) == datetime.date(2024, 3, 31)
    assert parse_date("") is None
