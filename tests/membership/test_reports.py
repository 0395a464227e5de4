"""The membership reports (issue #19): members by level and status over time, revenue and
retention give the right numbers for small known fixtures, filter by months and level, export
CSV and XLSX that parse back, draw their charts, and open only to staff with the permission.

The fixtures lie in January to March 2025, long past, so every lapse and grace period in them
has run out; the chamber's grace period is the default 30 days."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from membership.models import Member, Payment
from membership.reports import members, retention, revenue
from tests.events.helpers import make_event
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
JAN_TO_MAR = {"from_month": "2025-01", "to_month": "2025-03"}
MONTHS = [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]


def pay(member, paid_on, start, end, amount="195.00", **values) -> Payment:
    values.setdefault("method", Payment.Method.CHEQUE)
    return Payment.objects.create(
        member=member,
        amount=Decimal(amount),
        paid_on=paid_on,
        period_start=start,
        period_end=end,
        **values,
    )


def correct(payment, kind, paid_on, amount, **values) -> Payment:
    return Payment.objects.create(
        member=payment.member,
        kind=kind,
        corrects=payment,
        reason="test",
        amount=Decimal(amount),
        currency=payment.currency,
        method=payment.method,
        paid_on=paid_on,
        period_start=payment.period_start,
        period_end=values.pop("period_end", payment.period_end),
        **values,
    )


@pytest.fixture
def roster(site_tree, levels):
    """Six members with known dates (see each line) and their payments."""
    community, leadership = levels["community"], levels["leadership"]
    Status = Member.Status

    def member(name, level, status, joined, paid_through, **values):
        return MemberFactory(
            name=name,
            level=level,
            status=status,
            joined_on=joined,
            paid_through=paid_through,
            **values,
        )

    found = {
        # Leadership, a member throughout.
        "aspen": member("Aspen", leadership, Status.ACTIVE, D(2024, 6, 1), D(2026, 6, 30)),
        # Community, new in February.
        "birch": member("Birch", community, Status.ACTIVE, D(2025, 2, 10), D(2026, 2, 9)),
        # Community, past due at the end of January, lapsed on 14 February (grace: 30 days).
        "cedar": member("Cedar", community, Status.LAPSED, D(2024, 1, 15), D(2025, 1, 14)),
        # Leadership, no end date, new in March.
        "dogwood": member(
            "Dogwood", leadership, Status.ACTIVE, D(2025, 3, 5), None, no_end_date=True
        ),
        # An applicant: never counted.
        "elm": member("Elm", community, Status.PENDING, D(2025, 1, 20), None),
        # Cancelled, paid through March: counted until its dates run out (in May).
        "fir": member("Fir", community, Status.CANCELLED, D(2023, 1, 1), D(2025, 3, 31)),
    }
    aspen_dues = pay(found["aspen"], D(2025, 1, 10), D(2025, 7, 1), D(2026, 6, 30), "995.00")
    correct(aspen_dues, Payment.Kind.REFUND, D(2025, 3, 25), "-100.00", stripe_refund_id="re_1")
    birch_dues = pay(found["birch"], D(2025, 2, 10), D(2025, 2, 10), D(2026, 2, 9))
    correct(birch_dues, Payment.Kind.VOID, D(2025, 3, 5), "-195.00")
    fir_dues = pay(found["fir"], D(2025, 3, 1), D(2024, 4, 1), D(2025, 3, 31))
    correct(fir_dues, Payment.Kind.ADJUSTMENT, D(2025, 3, 20), "-20.00")
    pay(found["dogwood"], D(2025, 3, 6), D(2025, 3, 6), D(2026, 3, 5), "50.00", currency="eur")
    return found


# -- members by level and status -----------------------------------------------------------


def test_members_by_month_counts_each_level_and_status_at_month_end(roster, levels):
    rows, _levels = members.members_by_month(months=MONTHS)
    community, leadership = (f"level_{levels[name].pk}" for name in ("community", "leadership"))
    summary = [
        (
            row["month"],
            row[leadership],
            row[community],
            row["active"],
            row["past_due"],
            row["members"],
            row["new"],
            row["lapsed"],
        )
        for row in rows
    ]
    assert summary == [
        # month, Leadership, Community, active, past due, members, new, lapsed
        ("2025-01", 1, 2, 2, 1, 3, 0, 0),  # Aspen; Cedar (in grace), Fir
        ("2025-02", 1, 2, 3, 0, 3, 1, 1),  # Birch joins, Cedar lapses
        ("2025-03", 2, 2, 4, 0, 4, 1, 0),  # Dogwood joins (no end date)
    ]
    assert members.totals(rows) == {"new": 2, "lapsed": 1}


def test_members_by_month_for_one_level(roster, levels):
    rows, shown = members.members_by_month(months=MONTHS, level=levels["leadership"])
    assert shown == [levels["leadership"]]
    assert [(row["members"], row["new"]) for row in rows] == [(1, 0), (1, 0), (2, 1)]


def test_a_cancelled_member_has_left_by_today(site_tree, levels):
    today = timezone.localdate()
    MemberFactory(
        level=levels["community"],
        status=Member.Status.CANCELLED,
        joined_on=D(2020, 1, 1),
        paid_through=today + datetime.timedelta(days=100),
    )
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    rows, _levels = members.members_by_month(months=[last_month, this_month])
    assert [(row["members"], row["lapsed"]) for row in rows] == [(1, 0), (0, 1)]


def test_a_member_who_lapsed_and_paid_again_is_new_again_not_a_member_throughout(site_tree, levels):
    """Paid to 31 October 2024, lapsed on 1 December (30 days' grace), paid again from 10
    February 2025: a member in January no longer, new again in February."""
    comeback = MemberFactory(
        level=levels["community"],
        status=Member.Status.ACTIVE,
        joined_on=D(2023, 11, 1),
        paid_through=D(2026, 2, 9),
    )
    pay(comeback, D(2023, 11, 1), D(2023, 11, 1), D(2024, 10, 31))
    pay(comeback, D(2025, 2, 10), D(2025, 2, 10), D(2026, 2, 9))
    # A renewal paid late but within the grace period is no break.
    steady = MemberFactory(
        level=levels["community"],
        status=Member.Status.ACTIVE,
        joined_on=D(2024, 1, 1),
        paid_through=D(2025, 12, 31),
    )
    pay(steady, D(2024, 1, 1), D(2024, 1, 1), D(2024, 12, 31))
    pay(steady, D(2025, 1, 20), D(2025, 1, 1), D(2025, 12, 31))

    rows, _levels = members.members_by_month(months=[D(2024, 11, 1), D(2024, 12, 1), *MONTHS])

    assert [(row["month"], row["members"], row["new"], row["lapsed"]) for row in rows] == [
        ("2024-11", 2, 0, 0),  # the comeback in its grace period
        ("2024-12", 1, 0, 1),  # lapsed on 1 December
        ("2025-01", 1, 0, 0),
        ("2025-02", 2, 1, 0),  # paid again: new again
        ("2025-03", 2, 0, 0),
    ]
    assert [row["past_due"] for row in rows] == [1, 0, 0, 0, 0]  # the comeback in November


def test_a_voided_payment_makes_no_break(site_tree, levels):
    member = MemberFactory(
        level=levels["community"],
        status=Member.Status.ACTIVE,
        joined_on=D(2024, 1, 1),
        paid_through=D(2025, 12, 31),
    )
    pay(member, D(2024, 1, 1), D(2024, 1, 1), D(2024, 12, 31))
    stray = pay(member, D(2024, 2, 1), D(2026, 6, 1), D(2027, 5, 31))
    correct(stray, Payment.Kind.VOID, D(2024, 2, 2), "-195.00")
    pay(member, D(2024, 12, 20), D(2025, 1, 1), D(2025, 12, 31))

    rows, _levels = members.members_by_month(months=MONTHS)

    assert [row["members"] for row in rows] == [1, 1, 1]
    assert members.totals(rows) == {"new": 0, "lapsed": 0}


def test_members_report_takes_the_same_number_of_queries_however_many_members(
    roster, levels, django_assert_num_queries
):
    # grace (site, settings), levels, payments, their corrections, grouped members
    with django_assert_num_queries(6):
        members.members_by_month(months=MONTHS)
    MemberFactory.create_batch(20, level=levels["community"], joined_on=D(2024, 12, 1))
    with django_assert_num_queries(6):
        members.members_by_month(months=MONTHS)
    # Members with a break in their payments: one more query for all of them.
    for member in MemberFactory.create_batch(
        5, level=levels["community"], joined_on=D(2023, 1, 1), paid_through=D(2025, 12, 31)
    ):
        pay(member, D(2023, 1, 1), D(2023, 1, 1), D(2023, 12, 31))
        pay(member, D(2025, 1, 1), D(2025, 1, 1), D(2025, 12, 31))
    with django_assert_num_queries(7):
        rows, _levels = members.members_by_month(months=MONTHS)
    assert rows[0]["new"] == 5


# -- revenue --------------------------------------------------------------------------------


def test_revenue_counts_corrections_by_the_rule(roster, levels):
    rows, _levels, sources = revenue.revenue_by_month(months=MONTHS)
    community, leadership = (f"level_{levels[name].pk}" for name in ("community", "leadership"))
    assert [source.key for source in sources] == ["tickets"]
    summary = [
        (row["month"], row["currency"], row[leadership], row[community], row["dues"])
        for row in rows
    ]
    assert summary == [
        ("2025-01", "EUR", 0, 0, 0),
        ("2025-01", "USD", Decimal("995.00"), 0, Decimal("995.00")),
        # Birch's February payment was voided in March: it counts nothing in February.
        ("2025-02", "EUR", 0, 0, 0),
        ("2025-02", "USD", 0, 0, 0),
        ("2025-03", "EUR", Decimal("50.00"), 0, Decimal("50.00")),
        # Aspen's refund counts in March, when it was made; Fir's adjustment in March, the
        # month of the payment it corrects.
        ("2025-03", "USD", Decimal("-100.00"), Decimal("175.00"), Decimal("75.00")),
    ]
    totals = {total["currency"]: total for total in revenue.totals_by_currency(rows)}
    assert totals["USD"]["dues"] == totals["USD"]["total"] == Decimal("1070.00")
    assert (totals["USD"][leadership], totals["USD"][community]) == (895, 175)
    assert totals["EUR"]["total"] == Decimal("50.00")


def test_revenue_shows_event_tickets_beside_dues(roster):
    event = make_event("Spring mixer", prices=(20, 25))
    paid_at = timezone.make_aware(datetime.datetime(2025, 2, 14, 12))
    Registration.objects.create(
        event=event,
        name="Gus Guest",
        price=Decimal("25.00"),
        status=Registration.Status.CONFIRMED,
        stripe_checkout_session_id="cs_paid",
        confirmed_at=paid_at,
    )
    Registration.objects.create(  # to be paid at the door: no money received yet
        event=event,
        name="Hal Guest",
        price=Decimal("25.00"),
        status=Registration.Status.CONFIRMED,
        confirmed_at=paid_at,
    )
    Registration.objects.create(  # paid in February, refunded in March (events/refunds.py)
        event=event,
        name="Ida Guest",
        price=Decimal("20.00"),
        status=Registration.Status.CANCELLED,
        stripe_checkout_session_id="cs_refunded",
        confirmed_at=paid_at,
        stripe_refund_id="re_ida",
        refunded_at=timezone.make_aware(datetime.datetime(2025, 3, 2, 9)),
    )
    rows, _levels, _sources = revenue.revenue_by_month(months=MONTHS)
    usd = {row["month"]: row for row in rows if row["currency"] == "USD"}
    assert (usd["2025-02"]["dues"], usd["2025-02"]["source_tickets"]) == (0, 45)
    assert usd["2025-03"]["source_tickets"] == -20


def test_revenue_by_level_leaves_out_other_money(roster, levels):
    rows, shown, sources = revenue.revenue_by_month(months=MONTHS, level=levels["community"])
    assert shown == [levels["community"]] and sources == []
    usd = [row["dues"] for row in rows if row["currency"] == "USD"]
    assert usd == [0, 0, Decimal("175.00")]


def test_revenue_report_query_count(roster, django_assert_num_queries):
    with django_assert_num_queries(4):  # levels, grouped payments, tickets, ticket refunds
        revenue.revenue_by_month(months=MONTHS)


# -- retention ------------------------------------------------------------------------------


@pytest.fixture
def renewals(site_tree, levels):
    community, leadership = levels["community"], levels["leadership"]

    def member(name, paid_through, status=Member.Status.ACTIVE, level=community, **values):
        return MemberFactory(
            name=name, level=level, status=status, paid_through=paid_through, **values
        )

    # Due 31 January, renewed on 20 February (within the 30 days' grace).
    on_time = member("On time", D(2026, 1, 31), level=leadership)
    pay(on_time, D(2024, 1, 25), D(2024, 2, 1), D(2025, 1, 31))
    pay(on_time, D(2025, 2, 20), D(2025, 2, 1), D(2026, 1, 31))
    # Imported, paid through 15 January, no payments: lapsed.
    imported = member("Imported", D(2025, 1, 15), Member.Status.LAPSED)
    # Due 28 February, never renewed.
    gone = member("Gone", D(2025, 2, 28), Member.Status.LAPSED)
    pay(gone, D(2024, 2, 20), D(2024, 3, 1), D(2025, 2, 28))
    # Due 31 March, paid again in June: lapsed (and joined again).
    late = member("Late", D(2026, 3, 31))
    pay(late, D(2024, 3, 10), D(2024, 4, 1), D(2025, 3, 31))
    pay(late, D(2025, 6, 15), D(2025, 6, 15), D(2026, 3, 31))
    # Due 31 March, renewed early on 10 March.
    early = member("Early", D(2026, 3, 31))
    pay(early, D(2024, 3, 1), D(2024, 4, 1), D(2025, 3, 31))
    pay(early, D(2025, 3, 10), D(2025, 4, 1), D(2026, 3, 31))
    # A voided payment's period is never due.
    voided = member("Voided", D(2024, 2, 14), Member.Status.LAPSED)
    correct(
        pay(voided, D(2024, 2, 10), D(2024, 2, 15), D(2025, 2, 15)),
        Payment.Kind.VOID,
        D(2024, 3, 1),
        "-195.00",
    )
    # No end date: never due.
    member("Honorary", D(2025, 2, 10), no_end_date=True)
    return {"on_time": on_time, "imported": imported}


def test_retention_counts_due_renewed_and_lapsed(renewals):
    rows = retention.retention_by_month(months=MONTHS)
    summary = [
        (row["month"], row["due"], row["renewed"], row["lapsed"], row["open"], row["rate"])
        for row in rows
    ]
    assert summary == [
        # month, due, renewed, lapsed, open, rate
        ("2025-01", 2, 1, 1, 0, Decimal("50.0")),  # On time; Imported
        ("2025-02", 1, 0, 1, 0, Decimal("0.0")),  # Gone
        ("2025-03", 2, 1, 1, 0, Decimal("50.0")),  # Early; Late
    ]
    total = retention.totals(rows)
    assert (total["due"], total["renewed"], total["lapsed"], total["rate"]) == (
        5,
        2,
        3,
        Decimal("40.0"),
    )


def test_retention_for_one_level(renewals, levels):
    rows = retention.retention_by_month(months=MONTHS, level=levels["leadership"])
    assert [(row["due"], row["renewed"]) for row in rows] == [(1, 1), (0, 0), (0, 0)]


def test_a_membership_still_in_grace_is_neither_renewed_nor_lapsed(site_tree, levels):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=3)
    MemberFactory(level=levels["community"], status=Member.Status.ACTIVE, paid_through=due)
    rows = retention.retention_by_month(months=[due.replace(day=1)])
    assert (rows[0]["due"], rows[0]["open"], rows[0]["rate"]) == (1, 1, None)


def test_retention_report_query_count(renewals, levels, django_assert_num_queries):
    with django_assert_num_queries(5):  # grace (site, settings), members, payments, corrections
        retention.retention_by_month(months=MONTHS)
    for _ in range(10):
        extra = MemberFactory(level=levels["community"], paid_through=D(2025, 3, 31))
        pay(extra, D(2024, 3, 1), D(2024, 4, 1), D(2025, 3, 31))
    with django_assert_num_queries(5):
        retention.retention_by_month(months=MONTHS)


# -- the admin views ------------------------------------------------------------------------


def staff_with(django_user_model, *codenames):
    user = UserFactory(username="-".join(codenames) or "nobody")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return django_user_model.objects.get(pk=user.pk)  # no cached permissions


REPORTS = ["members", "revenue", "retention"]


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        ((), set()),
        (("view_member",), {"members", "retention"}),
        (("view_payment",), {"revenue"}),
    ],
)
def test_each_report_needs_its_permission(client, site_tree, django_user_model, codenames, allowed):
    client.force_login(staff_with(django_user_model, *codenames))
    for report in REPORTS:
        for name in (report, f"{report}_results"):
            response = client.get(reverse(f"membership_reports:{name}"))
            assert (response.status_code == 200) == (report in allowed), (name, codenames)
            if report not in allowed:
                assert response.status_code in (302, 403)
        export = client.get(reverse(f"membership_reports:{report}") + "?export=csv")
        assert (export.status_code == 200) == (report in allowed)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    for report in REPORTS:
        assert (reverse(f"membership_reports:{report}") in menu) == (report in allowed)


def table_rows(response) -> list[list[str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("table", class_="listing")
    assert table.caption.get_text(strip=True)
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.tbody.find_all("tr")
    ]


def test_members_report_page_shows_charts_and_the_table(admin_client, roster, levels):
    response = admin_client.get(reverse("membership_reports:members"), JAN_TO_MAR)
    assert response.status_code == 200
    rows = table_rows(response)
    assert rows[0][0] == "2025-01" and rows[-1][0] == "2025-03"
    assert [row[-2:] for row in rows] == [["0", "0"], ["1", "1"], ["1", "0"]]
    soup = BeautifulSoup(response.content, "html.parser")
    charts = soup.find_all("svg", attrs={"role": "img"})
    assert len(charts) == 2
    assert all(chart.title.string and chart.desc.string for chart in charts)
    assert len(charts[1].find_all("rect", class_="bar")) == 2 * len(MONTHS)  # new, lapsed
    rule = soup.find("details").get_text(" ", strip=True)
    assert "How these numbers are counted" in rule and "grace period" in rule


def test_members_report_filters_by_level(admin_client, roster, levels):
    response = admin_client.get(
        reverse("membership_reports:members_results"),
        {**JAN_TO_MAR, "level": levels["leadership"].pk},
    )
    assert [row[1] for row in table_rows(response)] == ["1", "1", "2"]
    assert "Community" not in [
        th.get_text() for th in BeautifulSoup(response.content, "html.parser").find_all("th")
    ]


def test_an_unreadable_month_falls_back_to_the_last_twelve_months(admin_client, site_tree):
    response = admin_client.get(reverse("membership_reports:retention"), {"from_month": "soon"})
    assert response.status_code == 200
    assert len(table_rows(response)) == 12


def test_revenue_exports_parse_back_with_the_same_numbers(admin_client, roster, levels):
    url = reverse("membership_reports:revenue")
    response = admin_client.get(url, {**JAN_TO_MAR, "export": "csv"})
    assert response.status_code == 200
    assert "revenue-2025-01-to-2025-03.csv" in response["Content-Disposition"]
    parsed = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(parsed[0]) == [
        "Month",
        "Currency",
        "Community",
        "Leadership",
        "Dues",
        "Event tickets",
        "Total",
    ]
    march = [row for row in parsed if row["Month"] == "2025-03"]
    assert [(row["Currency"], row["Leadership"], row["Total"]) for row in march] == [
        ("EUR", "50.00", "50.00"),
        ("USD", "-100.00", "75.00"),
    ]

    response = admin_client.get(url, {**JAN_TO_MAR, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "Month" and len(values) == 1 + 6
    assert sum(Decimal(str(row[-1])) for row in values[1:] if row[1] == "USD") == 1070


def test_report_exports_are_formula_safe(admin_client, site_tree, levels):
    levels["community"].name = '=HYPERLINK("http://evil.example")'
    levels["community"].save()
    response = admin_client.get(reverse("membership_reports:members"), {"export": "csv"})
    heading = b"".join(response.streaming_content).decode().splitlines()[0]
    assert "'=HYPERLINK" in heading


def queries_of(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("report", REPORTS)
def test_each_report_page_takes_as_many_queries_for_more_members(
    admin_client, roster, levels, report
):
    url = reverse(f"membership_reports:{report}")
    admin_client.get(url, JAN_TO_MAR)  # the admin's own caches (menus, settings) warm
    before = queries_of(admin_client, url, JAN_TO_MAR)
    assert before <= 25
    for number in range(10):
        extra = MemberFactory(level=levels["community"], joined_on=D(2025, 1, number + 1))
        pay(extra, D(2025, 2, 1), D(2025, 2, 1), D(2025, 3, 31))
    assert queries_of(admin_client, url, JAN_TO_MAR) == before
