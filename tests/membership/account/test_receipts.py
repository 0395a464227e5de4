"""/account/receipts/: the member's payments and a printable receipt for each; nobody else's."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from chamber.models import ChamberSettings
from membership.account.receipts import PER_PAGE, receipt_number
from membership.models import MemberContact, Payment
from tests.factories import MemberContactFactory, UserFactory

RECEIPTS = "/account/receipts/"


def payment_for(member, **fields) -> Payment:
    values = {
        "amount": Decimal("995.00"),
        "currency": "usd",
        "method": Payment.Method.CHEQUE,
        "paid_on": datetime.date(2025, 3, 14),
        "period_start": datetime.date(2025, 4, 1),
        "period_end": datetime.date(2026, 4, 1),
        "reference": "Cheque 10422",
    }
    values.update(fields)
    return Payment.objects.create(member=member, **values)


def main_html(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def chamber(site_tree):
    settings = ChamberSettings.for_site(site_tree.site)
    settings.name = "Riverside Chamber of Commerce"
    settings.street = "100 Main Street"
    settings.city = "Riverside"
    settings.region = "OR"
    settings.postcode = "97999"
    settings.save()
    return settings


# The list -----------------------------------------------------------------------------------------


def test_list_shows_the_members_payments_newest_first(client, member_a, member_b):
    older = payment_for(member_a, paid_on=datetime.date(2024, 3, 1), amount=Decimal("900"))
    newer = payment_for(member_a, method=Payment.Method.BANK_TRANSFER)
    payment_for(member_b, amount=Decimal("123.45"))
    client.force_login(member_a.user)

    response = client.get(RECEIPTS)

    html = main_html(response)
    assert response.status_code == 200
    assert html.index(receipt_number(newer)) < html.index(receipt_number(older))
    assert "995.00 USD" in html
    assert "Bank transfer" in html
    assert f'href="/account/receipts/{newer.pk}/"' in html
    assert "123.45" not in html  # Birch Books' payment


def test_receipt_number_names_the_year_and_the_payment(member_a):
    payment = payment_for(member_a)
    assert receipt_number(payment) == f"R-2025-{payment.pk:06d}"


def test_list_without_payments_says_so(client, member_a):
    client.force_login(member_a.user)
    assert "No payments have been recorded" in client.get(RECEIPTS).text


def test_list_pages_by_25_and_any_page_input_gives_a_page(client, member_a):
    for offset in range(PER_PAGE + 3):
        payment_for(member_a, paid_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=offset))
    client.force_login(member_a.user)

    first = client.get(RECEIPTS)
    assert first.context["page_obj"].number == 1
    assert len(first.context["page_obj"]) == PER_PAGE
    assert 'rel="next"' in first.text
    for page, expected in [("2", 2), ("999", 2), ("-1", 1), ("abc", 1), ("", 1), ("1e9", 1)]:
        response = client.get(RECEIPTS, {"page": page})
        assert response.status_code == 200, page
        assert response.context["page_obj"].number == expected, page
    assert len(client.get(RECEIPTS, {"page": "2"}).context["page_obj"]) == 3


def test_dashboard_shows_the_latest_three_payments_and_links_to_all(client, member_a):
    payments = [
        payment_for(member_a, paid_on=datetime.date(2021 + n, 1, 1), amount=Decimal(100 + n))
        for n in range(4)
    ]
    client.force_login(member_a.user)

    html = main_html(client.get("/account/"))

    assert f'href="/account/receipts/{payments[3].pk}/"' in html
    assert f'href="/account/receipts/{payments[0].pk}/"' not in html  # the fourth-latest
    assert 'href="/account/receipts/"' in html
    assert "All receipts" in html


# The receipt --------------------------------------------------------------------------------------


def test_receipt_shows_chamber_member_amount_method_period_and_reference(client, member_a, chamber):
    member_a.business.street = "12 Orchard Road"
    member_a.business.postcode = "97001"
    member_a.business.save()
    payment = payment_for(member_a, stripe_invoice_id="in_1Q2w3E")
    client.force_login(member_a.user)

    response = client.get(f"{RECEIPTS}{payment.pk}/")

    html = main_html(response)
    assert response.status_code == 200
    assert "Riverside Chamber of Commerce" in html
    assert "100 Main Street" in html
    assert "Riverside OR 97999" in html
    assert "Aspen Bakery" in html
    assert "12 Orchard Road" in html
    assert "995.00 USD" in html
    assert "Cheque" in html
    assert "1 April 2025" in html
    assert "1 April 2026" in html
    assert "14 March 2025" in html
    assert "Cheque 10422" in html
    assert "in_1Q2w3E" in html
    assert receipt_number(payment) in html


def test_receipt_of_a_member_without_listing_has_no_address(client, member_a, chamber):
    member_a.business.delete()
    payment = payment_for(member_a)
    client.force_login(member_a.user)

    response = client.get(f"{RECEIPTS}{payment.pk}/")

    assert response.status_code == 200
    assert "Aspen Bakery" in main_html(response)


def test_receipt_is_printable(client, member_a):
    payment = payment_for(member_a)
    client.force_login(member_a.user)

    response = client.get(f"{RECEIPTS}{payment.pk}/")

    assert 'class="account-page receipt-page"' in response.text
    assert '<button type="button" class="button" data-print hidden>' in response.text
    assert "browser's Print command" in response.text  # the hint, for pages without script
    css = Path(finders.find("chamber/css/site.css")).read_text(encoding="utf-8")
    print_css = css.rsplit("@media print", 1)[1]
    for hidden in (".site-header", ".site-footer", ".site-nav", ".account-nav"):
        assert f".receipt-page {hidden}" in print_css
    js = Path(finders.find("chamber/js/site.js")).read_text(encoding="utf-8")
    assert "[data-print]" in js and "window.print()" in js


def test_another_members_receipt_is_404(client, member_a, member_b):
    theirs = payment_for(member_b)
    client.force_login(member_a.user)

    assert client.get(f"{RECEIPTS}{theirs.pk}/").status_code == 404
    assert client.get(f"{RECEIPTS}999999/").status_code == 404


def test_receipt_of_another_member_the_user_pays_for_is_shown(client, member_a, member_b):
    MemberContactFactory(member=member_b, user=member_a.user, role=MemberContact.Role.BILLING)
    theirs = payment_for(member_b, amount=Decimal("195.00"))
    client.force_login(member_a.user)

    response = client.get(f"{RECEIPTS}{theirs.pk}/")

    assert response.status_code == 200
    assert "Birch Books" in main_html(response)


def test_receipt_of_a_member_where_the_user_is_only_staff_is_404(client, member_a, member_b):
    MemberContactFactory(member=member_b, user=member_a.user, role=MemberContact.Role.STAFF)
    theirs = payment_for(member_b)
    client.force_login(member_a.user)

    assert client.get(f"{RECEIPTS}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("path", [RECEIPTS, "receipt"])
def test_staff_role_contact_gets_403_on_receipts(client, member_a, path):
    payment = payment_for(member_a)
    staff = UserFactory(username="stan@aspen.example", email="stan@aspen.example")
    MemberContactFactory(member=member_a, user=staff, role=MemberContact.Role.STAFF)
    client.force_login(staff)

    url = f"{RECEIPTS}{payment.pk}/" if path == "receipt" else path
    response = client.get(url)

    assert response.status_code == 403
    assert "Dues, receipts and billing are handled by" in response.text
    assert "995.00" not in response.text


def test_billing_contact_sees_receipts(client, member_a):
    payment = payment_for(member_a)
    billing = UserFactory(username="bo@aspen.example", email="bo@aspen.example")
    MemberContactFactory(member=member_a, user=billing, role=MemberContact.Role.BILLING)
    client.force_login(billing)

    assert client.get(RECEIPTS).status_code == 200
    assert client.get(f"{RECEIPTS}{payment.pk}/").status_code == 200


def test_receipts_need_a_login(client, member_a):
    payment = payment_for(member_a)
    for url in (RECEIPTS, f"{RECEIPTS}{payment.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
