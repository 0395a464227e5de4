"""Stripe Products and Prices per membership level (issue #4): `sync_level_prices`,
`sync_all_levels`, `manage.py sync_stripe`, `level_for_price` and the sync on an admin save."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from wagtail.test.utils.form_data import rich_text

from membership import wagtail_hooks
from membership.models import MembershipLevel
from membership.stripe_prices import level_for_price, sync_all_levels, sync_level_prices
from tests.factories import MemberFactory, MembershipLevelFactory

pytestmark = pytest.mark.django_db

LEVEL_URL = "/admin/snippets/membership/membershiplevel/"


def posts(fake, path_prefix: str = "/v1/") -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path.startswith(path_prefix)]


def price_with_key(fake, key: str) -> dict:
    (price,) = [p for p in fake.prices.values() if p["lookup_key"] == key]
    return price


def level_prices(fake, level) -> tuple[dict, dict]:
    level.refresh_from_db()
    return fake.prices[level.stripe_price_id], fake.prices[level.stripe_one_time_price_id]


# First run -------------------------------------------------------------------------------------


def test_first_run_creates_a_product_and_two_prices_per_level(fake_stripe, levels):
    odd = MembershipLevelFactory(name="Student", annual_dues=Decimal("99.95"), sort_order=9)

    results = sync_all_levels()

    assert set(results) == {"community", "leadership", "student"}
    assert len(fake_stripe.products) == 3
    assert len(fake_stripe.prices) == 6
    for level, cents in [(levels["community"], 19500), (levels["leadership"], 99500), (odd, 9995)]:
        yearly, once = level_prices(fake_stripe, level)
        product = fake_stripe.products[level.stripe_product_id]
        assert product["name"] == f"{level.name} membership"
        assert product["active"] is True
        assert product["metadata"] == {"level": level.slug}
        assert yearly["lookup_key"] == f"level-{level.slug}-yearly"
        assert yearly["type"] == "recurring"
        assert yearly["recurring"]["interval"] == "year"
        assert once["lookup_key"] == f"level-{level.slug}-once"
        assert once["type"] == "one_time" and once["recurring"] is None
        for price in (yearly, once):
            assert price["unit_amount"] == cents
            assert price["currency"] == "usd"
            assert price["product"] == product["id"]
            assert price["active"] is True
            assert price["metadata"] == {"level": level.slug}
        assert sorted(results[level.slug].created) == sorted(
            [product["id"], yearly["id"], once["id"]]
        )
        assert results[level.slug].archived == [] and results[level.slug].updated == []


def test_a_second_run_creates_nothing(fake_stripe, levels):
    sync_all_levels()
    stored = {
        level.slug: (level.stripe_product_id, level.stripe_price_id, level.stripe_one_time_price_id)
        for level in MembershipLevel.objects.all()
    }
    requests_before = len(posts(fake_stripe))

    results = sync_all_levels()

    assert not any(result.changed for result in results.values())
    assert len(fake_stripe.products) == 2 and len(fake_stripe.prices) == 4
    assert len(posts(fake_stripe)) == requests_before  # only reads the second time
    assert stored == {
        level.slug: (level.stripe_product_id, level.stripe_price_id, level.stripe_one_time_price_id)
        for level in MembershipLevel.objects.all()
    }


def test_lost_ids_are_found_again_by_lookup_key(fake_stripe, levels):
    """A level whose stored ids were lost (restored backup) adopts its prices, makes no twins."""
    level = levels["community"]
    sync_level_prices(level)
    ids = (level.stripe_product_id, level.stripe_price_id, level.stripe_one_time_price_id)
    MembershipLevel.objects.filter(pk=level.pk).update(
        stripe_product_id="", stripe_price_id="", stripe_one_time_price_id=""
    )
    level.refresh_from_db()

    result = sync_level_prices(level)

    level.refresh_from_db()
    assert not result.changed
    assert (level.stripe_product_id, level.stripe_price_id, level.stripe_one_time_price_id) == ids
    assert len(fake_stripe.products) == 1 and len(fake_stripe.prices) == 2


# Changes -----------------------------------------------------------------------------------------


def test_new_dues_make_new_prices_that_take_the_lookup_keys(fake_stripe, levels):
    level = levels["community"]
    sync_level_prices(level)
    old_yearly, old_once = level_prices(fake_stripe, level)
    level.annual_dues = Decimal("225.50")
    level.save()
    seen = len(fake_stripe.requests)

    result = sync_level_prices(level)

    new_yearly, new_once = level_prices(fake_stripe, level)
    assert {new_yearly["id"], new_once["id"]}.isdisjoint({old_yearly["id"], old_once["id"]})
    assert new_yearly["unit_amount"] == new_once["unit_amount"] == 22550
    assert new_yearly["type"] == "recurring" and new_once["type"] == "one_time"
    assert price_with_key(fake_stripe, "level-community-yearly")["id"] == new_yearly["id"]
    assert price_with_key(fake_stripe, "level-community-once")["id"] == new_once["id"]
    for old in (old_yearly, old_once):
        archived = fake_stripe.prices[old["id"]]
        assert archived["active"] is False
        assert archived["lookup_key"] is None
    writes = [(r.path, r.params) for r in fake_stripe.requests[seen:] if r.method == "POST"]
    creations = [params for path, params in writes if path == "/v1/prices"]
    assert [params["lookup_key"] for params in creations] == [
        "level-community-yearly",
        "level-community-once",
    ]
    assert all(params["transfer_lookup_key"] == "true" for params in creations)
    assert sorted(path for path, _params in writes if path != "/v1/prices") == sorted(
        [f"/v1/prices/{old_yearly['id']}", f"/v1/prices/{old_once['id']}"]
    )
    # Same product; nothing else created.
    assert len(fake_stripe.products) == 1 and len(fake_stripe.prices) == 4
    assert new_yearly["product"] == level.stripe_product_id
    assert sorted(result.created) == sorted([new_yearly["id"], new_once["id"]])
    assert sorted(result.archived) == sorted([old_yearly["id"], old_once["id"]])
    # And the next run is quiet again.
    assert not sync_level_prices(level).changed


def test_dues_changed_back_within_a_day_get_active_prices(fake_stripe, levels):
    level = levels["community"]
    sync_level_prices(level)
    level.annual_dues = 250
    level.save()
    sync_level_prices(level)
    level.annual_dues = 195  # staff undo a typo
    level.save()

    sync_level_prices(level)

    yearly, once = level_prices(fake_stripe, level)
    assert yearly["unit_amount"] == once["unit_amount"] == 19500
    assert yearly["active"] and once["active"]
    assert yearly["lookup_key"] == "level-community-yearly"
    assert once["lookup_key"] == "level-community-once"


def test_renaming_and_deactivating_a_level_update_its_product(fake_stripe, levels):
    level = levels["community"]
    sync_level_prices(level)
    prices_before = dict(fake_stripe.prices)
    product_id = level.stripe_product_id

    level.name = "Neighbour"
    level.save()
    renamed = sync_level_prices(level)

    assert renamed.updated == [product_id] and renamed.created == []
    assert fake_stripe.products[product_id]["name"] == "Neighbour membership"
    assert fake_stripe.products[product_id]["active"] is True

    level.active = False
    level.save()
    deactivated = sync_level_prices(level)

    assert deactivated.updated == [product_id]
    assert fake_stripe.products[product_id]["active"] is False
    assert fake_stripe.prices.keys() == prices_before.keys()  # prices are left alone
    assert len(fake_stripe.products) == 1
    assert not sync_level_prices(level).changed


# Finding the level of a price ------------------------------------------------------------------


def test_level_for_price_by_metadata_and_by_id(fake_stripe, levels):
    sync_all_levels()
    community = MembershipLevel.objects.get(slug="community")
    leadership = MembershipLevel.objects.get(slug="leadership")

    by_metadata = fake_stripe.prices[leadership.stripe_price_id]
    assert level_for_price(by_metadata) == leadership
    assert level_for_price({"id": "price_unknown", "metadata": {"level": "community"}}) == (
        community
    )
    # Prices made by hand in the dashboard have no metadata: found by the stored ids.
    assert level_for_price({"id": community.stripe_price_id, "metadata": {}}) == community
    assert level_for_price({"id": community.stripe_one_time_price_id, "metadata": {}}) == community
    assert level_for_price(leadership.stripe_price_id) == leadership
    # Metadata naming a level that no longer exists falls back to the id.
    assert (
        level_for_price({"id": leadership.stripe_price_id, "metadata": {"level": "gone"}})
        == leadership
    )
    assert level_for_price({"id": "price_unknown", "metadata": {}}) is None
    assert level_for_price("price_unknown") is None
    assert level_for_price(None) is None


# The management command ---------------------------------------------------------------------------


def test_sync_stripe_command_reports_then_is_idempotent(fake_stripe, levels):
    first = io.StringIO()
    call_command("sync_stripe", stdout=first)

    assert "community: created 3, archived 0, updated 0" in first.getvalue()
    assert "leadership: created 3, archived 0, updated 0" in first.getvalue()
    assert len(fake_stripe.products) == 2 and len(fake_stripe.prices) == 4
    writes = len(posts(fake_stripe))

    second = io.StringIO()
    call_command("sync_stripe", stdout=second)

    assert second.getvalue().splitlines() == ["community: up to date", "leadership: up to date"]
    assert len(posts(fake_stripe)) == writes
    assert len(fake_stripe.products) == 2 and len(fake_stripe.prices) == 4


def test_sync_stripe_command_refuses_without_a_secret_key(levels, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY is not set"):
        call_command("sync_stripe", stdout=io.StringIO())

    assert not MembershipLevel.objects.exclude(stripe_product_id="").exists()


# Saving a level in the Wagtail admin --------------------------------------------------------------


def level_form(level, **changes) -> dict[str, str]:
    return {
        "name": level.name,
        "slug": level.slug,
        "annual_dues": str(level.annual_dues),
        "currency": "usd",
        "benefits": rich_text("<p>Benefits</p>"),
        "deals_allowed": "0",
        "events_allowed": "0",
        "jobs_allowed": "0",
        "sort_order": "0",
        "active": "on",
        **changes,
    }


def shown_messages(response) -> list[str]:
    return [str(message.message) for message in response.context["messages"]]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _hooks_registered() -> bool:
    """Whether membership/wagtail_hooks.py hooks into both snippet saves."""
    from wagtail import hooks

    return all(
        any(fn.__module__ == wagtail_hooks.__name__ for fn in hooks.get_hooks(name))
        for name in ("after_create_snippet", "after_edit_snippet")
    )


def test_saving_a_level_in_the_admin_syncs_its_prices(admin_client, fake_stripe):
    if not _hooks_registered():
        pytest.skip("membership/wagtail_hooks.py registers no after_create/after_edit hook")
    created = admin_client.post(
        LEVEL_URL + "add/",
        level_form(MembershipLevel(name="Patron", slug="patron", annual_dues=Decimal("450"))),
    )
    assert created.status_code == 302
    level = MembershipLevel.objects.get(slug="patron")
    yearly, once = level_prices(fake_stripe, level)
    assert yearly["unit_amount"] == once["unit_amount"] == 45000
    assert fake_stripe.products[level.stripe_product_id]["name"] == "Patron membership"

    edited = admin_client.post(
        LEVEL_URL + f"edit/{level.pk}/", level_form(level, annual_dues="500.00")
    )

    assert edited.status_code == 302
    new_yearly, new_once = level_prices(fake_stripe, level)
    assert new_yearly["unit_amount"] == new_once["unit_amount"] == 50000
    assert fake_stripe.prices[yearly["id"]]["active"] is False
    assert len(fake_stripe.products) == 1


def test_a_stripe_error_on_an_admin_save_keeps_the_level_and_warns(admin_client, fake_stripe):
    if not _hooks_registered():
        pytest.skip("membership/wagtail_hooks.py registers no after_create/after_edit hook")
    level = MembershipLevelFactory(name="Patron", annual_dues=450)
    fake_stripe.fail("*", "/v1/", status=500)

    response = admin_client.post(
        LEVEL_URL + f"edit/{level.pk}/", level_form(level, annual_dues="500.00"), follow=True
    )

    assert response.status_code == 200
    level.refresh_from_db()
    assert level.annual_dues == 500
    assert level.stripe_price_id == ""
    warnings = shown_messages(response)
    assert any(
        "Stripe prices could not be updated" in text and "manage.py sync_stripe" in text
        for text in warnings
    ), warnings
    assert fake_stripe.products == {} and fake_stripe.prices == {}


def test_the_slug_is_fixed_once_the_level_has_stripe_prices(admin_client, fake_stripe):
    """Issue #18: the slug names the level's Stripe prices (their lookup keys)."""
    created = admin_client.post(
        LEVEL_URL + "add/",
        level_form(MembershipLevel(name="Patron", slug="patron", annual_dues=Decimal("450"))),
    )
    assert created.status_code == 302
    level = MembershipLevel.objects.get(slug="patron")
    assert level.stripe_product_id
    page = admin_client.get(LEVEL_URL + f"edit/{level.pk}/").content.decode()
    assert re.search(r'<input[^>]+name="slug"[^>]+disabled', page)
    assert "Stripe prices are named after it" in page
    admin_client.post(LEVEL_URL + f"edit/{level.pk}/", level_form(level, slug="renamed"))
    level.refresh_from_db()
    assert level.slug == "patron"


def test_a_new_price_says_what_happens_to_existing_subscribers(admin_client, fake_stripe):
    created = admin_client.post(
        LEVEL_URL + "add/",
        level_form(MembershipLevel(name="Patron", slug="patron", annual_dues=Decimal("450"))),
    )
    assert created.status_code == 302
    level = MembershipLevel.objects.get(slug="patron")
    MemberFactory(level=level, auto_renew=True, stripe_subscription_id="sub_1")
    MemberFactory(level=level, auto_renew=True, stripe_subscription_id="sub_2")
    MemberFactory(level=level, auto_renew=False)

    response = admin_client.post(
        LEVEL_URL + f"edit/{level.pk}/", level_form(level, annual_dues="500.00"), follow=True
    )
    notes = " ".join(shown_messages(response))
    assert "2 members renew automatically and keep the old price" in notes
    # A save that changes no price says nothing about subscribers.
    level.refresh_from_db()
    response = admin_client.post(
        LEVEL_URL + f"edit/{level.pk}/", level_form(level, name="Patrons"), follow=True
    )
    assert "keep the old price" not in " ".join(shown_messages(response))
