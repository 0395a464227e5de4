"""The payments export for the accountant (issue #19): the Payments list's CSV and XLSX give
every payment and correction the filters select (paid on from/to, method, kind, level), then
totals per method and currency, computed in SQL by the rule in membership/payment_export.py:
net = the sum of every exported row's amount, each correction on its own date."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from chamber import roles
from membership.corrections import payment_adjust, payment_void, record_stripe_refund
from membership.models import Payment
from membership.payment_export import HEADINGS, TOTAL_HEADINGS
from tests.factories import (
    EnhancedLevelFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = datetime.date(2026, 3, 10)
PAYMENT_URL = "/admin/snippets/membership/payment/"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-afternoon in the chamber's zone: corrections are dated today, 10 March 2026."""
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=NEW_YORK), tick=False):
        yield


@pytest.fixture
def office(client, site_tree):
    """A client logged in as Membership staff (chamber/roles.py)."""
    user = UserFactory(username="olive")
    user.groups.add(Group.objects.get(name=roles.MEMBERSHIP_STAFF))
    client.force_login(user)
    return client


def pay(member, amount, method, paid_on, currency="usd", **fields) -> Payment:
    return Payment.objects.create(
        member=member,
        amount=Decimal(amount),
        currency=currency,
        method=method,
        paid_on=paid_on,
        period_start=paid_on,
        period_end=paid_on.replace(year=paid_on.year + 1) - datetime.timedelta(days=1),
        **fields,
    )


@pytest.fixture
def ledger(site_tree):
    """Four payments in two currencies, one adjusted, one refunded, one voided (those three
    corrections dated today, 10 March): the totals below are worked out by hand."""
    community = MembershipLevelFactory(name="Community")
    leadership = EnhancedLevelFactory(name="Leadership")
    aspen = MemberFactory(name="Aspen Books", level=community)
    beech = MemberFactory(name="Beech Florist", level=leadership)
    cedar = MemberFactory(name="=SUM(A1:A9)", level=community)
    cheque = pay(aspen, "195.00", "cheque", datetime.date(2026, 2, 1), reference="CHQ-1")
    card = pay(
        beech,
        "995.00",
        "stripe",
        datetime.date(2026, 2, 15),
        stripe_invoice_id="in_beech",
        stripe_payment_intent_id="pi_beech",
    )
    transfer = pay(
        aspen, "100.00", "bank_transfer", datetime.date(2026, 3, 1), "eur", reference=FORMULA
    )
    old = pay(cedar, "195.00", "cheque", datetime.date(2026, 1, 10))
    adjusted = payment_adjust(
        payment=cheque,
        amount=Decimal("150.00"),
        period_end=cheque.period_end,
        reason="Cheque was for 150",
    ).row
    refund = record_stripe_refund(
        {
            "id": "re_beech",
            "status": "succeeded",
            "amount": 99500,
            "created": int(datetime.datetime(2026, 3, 10, 12, tzinfo=NEW_YORK).timestamp()),
            "payment_intent": "pi_beech",
            "metadata": {},
        },
        payment=card,
        reason="Closed the shop",
    ).row
    void = payment_void(payment=transfer, reason="Bounced").row
    return locals()


def csv_parts(response) -> tuple[list[dict[str, str]], list[list[str]]]:
    """The payment rows (by heading) and the totals lines after the blank line."""
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    blank = lines.index([])
    headings, *rows = lines[:blank]
    assert headings == HEADINGS
    totals = lines[blank + 1 :]
    assert totals[0] == ["Total", *TOTAL_HEADINGS]
    return [dict(zip(headings, row, strict=True)) for row in rows], totals[1:]


def test_csv_lists_payments_and_corrections_with_totals_per_method_and_currency(office, ledger):
    rows, totals = csv_parts(office.get(PAYMENT_URL, {"export": "csv"}))
    by_id = {int(row["Payment ID"]): row for row in rows}
    assert set(by_id) == {
        ledger[name].pk
        for name in ("cheque", "card", "transfer", "old", "adjusted", "refund", "void")
    }
    cheque = by_id[ledger["cheque"].pk]
    assert cheque == {
        "Payment ID": str(ledger["cheque"].pk),
        "Date": "2026-02-01",
        "Member": "Aspen Books",
        "Member ID": str(ledger["aspen"].pk),
        "Level": "Community",
        "Kind": "Payment",
        "Description": "Annual dues 2026-02-01 to 2027-01-31",
        "Period start": "2026-02-01",
        "Period end": "2027-01-31",
        "Amount": "195.00",
        "Currency": "USD",
        "Method": "Cheque",
        "Reference": "CHQ-1",
        "Stripe invoice id": "",
        "Stripe payment intent id": "",
        "Stripe refund id": "",
        "State": "Adjusted",
        "Corrects": "",
    }
    adjusted = by_id[ledger["adjusted"].pk]
    assert (adjusted["Kind"], adjusted["Amount"], adjusted["Date"], adjusted["Corrects"]) == (
        "Adjustment",
        "-45.00",
        "2026-03-10",
        str(ledger["cheque"].pk),
    )
    assert (
        adjusted["Description"]
        == f"Adjustment of payment {ledger['cheque'].pk}: Cheque was for 150"
    )
    card = by_id[ledger["card"].pk]
    assert (card["State"], card["Stripe invoice id"], card["Stripe payment intent id"]) == (
        "Refunded",
        "in_beech",
        "pi_beech",
    )
    refund = by_id[ledger["refund"].pk]
    assert (refund["Amount"], refund["Stripe refund id"], refund["Level"]) == (
        "-995.00",
        "re_beech",
        "Leadership",
    )
    transfer = by_id[ledger["transfer"].pk]
    assert (transfer["State"], transfer["Currency"], transfer["Reference"]) == (
        "Voided",
        "EUR",
        "'" + FORMULA,  # defused
    )
    assert by_id[ledger["old"].pk]["Member"] == "'=SUM(A1:A9)"
    # Net = received + corrections, per method and currency, each row on its own date.
    assert totals == [
        ["Total", "Bank transfer", "EUR", "2", "100.00", "-100.00", "0.00"],
        ["Total", "Cheque", "USD", "3", "390.00", "-45.00", "345.00"],
        ["Total", "Card (Stripe)", "USD", "2", "995.00", "-995.00", "0.00"],
    ]


def test_xlsx_has_the_payments_and_a_totals_sheet(office, ledger):
    response = office.get(PAYMENT_URL, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Payments", "Totals"]
    headings, *rows = list(workbook["Payments"].values)
    assert list(headings) == HEADINGS
    by_id = {row[0]: dict(zip(HEADINGS, row, strict=True)) for row in rows}
    cheque = by_id[ledger["cheque"].pk]
    assert cheque["Date"] == datetime.date(2026, 2, 1)
    assert cheque["Amount"] == 195
    assert by_id[ledger["refund"].pk]["Amount"] == -995
    # Text typed into a reference or a member's name is text, never a formula.
    assert by_id[ledger["transfer"].pk]["Reference"] == FORMULA
    formula_cells = [
        cell for row in workbook["Payments"].iter_rows() for cell in row if cell.value == FORMULA
    ]
    assert [cell.data_type for cell in formula_cells] == ["s"]
    headings, *totals = list(workbook["Totals"].values)
    assert list(headings) == TOTAL_HEADINGS
    assert [list(row) for row in totals] == [
        ["Bank transfer", "EUR", 2, 100, -100, 0],
        ["Cheque", "USD", 3, 390, -45, 345],
        ["Card (Stripe)", "USD", 2, 995, -995, 0],
    ]


@pytest.mark.parametrize(
    ("params", "expected", "totals"),
    [
        # February: the payments only; their corrections are dated March.
        (
            {"paid_on_after": "2026-02-01", "paid_on_before": "2026-02-28"},
            {"cheque", "card"},
            [
                ["Cheque", "USD", "1", "195.00", "0.00", "195.00"],
                ["Card (Stripe)", "USD", "1", "995.00", "0.00", "995.00"],
            ],
        ),
        # March: the transfer and every correction.
        (
            {"paid_on_after": "2026-03-01", "paid_on_before": "2026-03-31"},
            {"transfer", "adjusted", "refund", "void"},
            [
                ["Bank transfer", "EUR", "2", "100.00", "-100.00", "0.00"],
                ["Cheque", "USD", "1", "0.00", "-45.00", "-45.00"],
                ["Card (Stripe)", "USD", "1", "0.00", "-995.00", "-995.00"],
            ],
        ),
        (
            {"method": "cheque"},
            {"cheque", "adjusted", "old"},
            [["Cheque", "USD", "3", "390.00", "-45.00", "345.00"]],
        ),
        (
            {"level": "leadership"},
            {"card", "refund"},
            [["Card (Stripe)", "USD", "2", "995.00", "-995.00", "0.00"]],
        ),
        (
            {"kind": "payment", "method": "cheque"},
            {"cheque", "old"},
            [["Cheque", "USD", "2", "390.00", "0.00", "390.00"]],
        ),
    ],
)
def test_export_and_totals_follow_the_filters(office, ledger, params, expected, totals):
    if params.get("level"):
        params = {**params, "level": ledger[params["level"]].pk}
    rows, total_lines = csv_parts(office.get(PAYMENT_URL, {**params, "export": "csv"}))
    assert {int(row["Payment ID"]) for row in rows} == {ledger[name].pk for name in expected}
    assert [line[1:] for line in total_lines] == totals


def test_payments_list_shows_the_totals_of_its_filters(office, ledger):
    page = office.get(PAYMENT_URL, {"method": "cheque"})
    assert page.status_code == 200
    table = BeautifulSoup(page.text, "html.parser").select_one("#payment-totals")
    assert table.caption is not None
    cells = [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]
    assert cells == [["Cheque", "USD", "3", "390.00", "-45.00", "345.00"]]


def bulk_payments(member, numbers: range) -> None:
    Payment.objects.bulk_create(
        Payment(
            member=member,
            amount=Decimal("195.00"),
            method="cheque",
            paid_on=TODAY,
            period_start=TODAY,
            period_end=TODAY,
            reference=f"CHQ-{n}",
        )
        for n in numbers
    )


def export_queries(client, export_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAYMENT_URL, {"export": export_format})
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_streams_in_queries_that_do_not_grow_with_payments(office, export_format):
    member = MemberFactory(name="Aspen Books")
    bulk_payments(member, range(3))
    export_queries(office, export_format)  # the first request fills caches (site, settings)
    few = export_queries(office, export_format)
    bulk_payments(member, range(3, 30))
    assert export_queries(office, export_format) == few
    rows, totals = csv_parts(office.get(PAYMENT_URL, {"export": "csv"}))
    assert len(rows) == 30
    assert totals == [["Total", "Cheque", "USD", "30", "5850.00", "0.00", "5850.00"]]


def test_export_needs_a_permission_on_payments(client, site_tree, ledger):
    """Someone who may view members but not payments gets neither the list nor its export."""
    user = UserFactory(username="ed")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_member"),
    )
    client.force_login(user)
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        response = client.get(PAYMENT_URL, params)
        assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_csv_reads_payments_only_while_it_streams(office, ledger):
    """The view answers before it reads a payment; the rows come as the response is read."""
    with CaptureQueriesContext(connection) as before:
        response = office.get(PAYMENT_URL, {"export": "csv"})
    assert not [query for query in before if '"membership_payment"' in query["sql"]]
    with CaptureQueriesContext(connection) as during:
        rows, _totals = csv_parts(response)
    assert len(rows) == 7
    assert [query for query in during if 'FROM "membership_payment"' in query["sql"]]
