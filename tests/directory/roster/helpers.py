"""Roster files for the import tests, built from rows of {heading: value}."""

import csv
import io

from openpyxl import Workbook

from directory.roster.columns import COLUMNS

HEADINGS = [column.heading for column in COLUMNS if not column.exported_only]


def roster_rows(*rows: dict, headings=None) -> list[list[str]]:
    headings = headings or HEADINGS
    return [list(headings), *([row.get(h, "") for h in headings] for row in rows)]


def csv_bytes(*rows: dict, headings=None, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows(roster_rows(*rows, headings=headings))
    return out.getvalue().encode(encoding)


def xlsx_bytes(*rows: dict, headings=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in roster_rows(*rows, headings=headings):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def harbour(**changes) -> dict:
    """A good row: Harbour Bakery, Community level, active, in two categories."""
    return {
        "Organisation": "Harbour Bakery",
        "Level": "Community",
        "Status": "Active",
        "Joined": "2019-05-01",
        "Paid through": "2027-04-30",
        "Auto-renew": "No",
        "Primary contact name": "Ana Lopez",
        "Primary contact e-mail": "ana@harbourbakery.example",
        "Primary contact phone": "+1 555 0100",
        "Billing contact e-mail": "accounts@harbourbakery.example",
        "Website": "harbourbakery.example",
        "Address line 1": "12 Quay Street",
        "Town": "Harbourton",
        "Postcode": "HT1 2AB",
        "Categories": "Bakeries",
        "Listing summary": "Sourdough by the harbour",
        "Listing description": "Fresh bread.\n\nCakes & <pies>.",
        "Phone visibility": "Everyone",
        "E-mail visibility": "Members",
        **changes,
    }


def quay(**changes) -> dict:
    """A second good row: Quay Books, Leadership level, no end date, no billing contact."""
    return {
        "Organisation": "Quay Books",
        "Level": "leadership",
        "No end date": "Yes",
        "Primary contact name": "Ben Quay",
        "Primary contact e-mail": "ben@quaybooks.example",
        "Town": "Harbourton",
        **changes,
    }
