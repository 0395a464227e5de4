import pytest

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [business.name for business in response.context["results"].page]


def test_directory_lists_only_publicly_listed_businesses(client, listings):
    response = client.get("/directory/")
    assert response.status_code == 200
    assert sorted(names(response)) == [
        "Cedar Falls Plumbing",
        "Millbrook Coffee House",
        "Riverbend Bakery",
    ]
    assert "Lapsed Bakery Outlet" not in response.text
    assert "Draft Bakery" not in response.text


def test_featured_listings_come_first_by_default(client, listings):
    assert names(client.get("/directory/"))[0] == "Riverbend Bakery"


def test_parent_category_includes_its_children(client, listings):
    response = client.get("/directory/?category=food-drink")
    assert sorted(names(response)) == ["Millbrook Coffee House", "Riverbend Bakery"]


def test_filters_combine(client, listings):
    response = client.get("/directory/?category=bakeries&city=millbrook")
    assert names(response) == ["Millbrook Coffee House"]


def test_facet_counts_equal_the_results_they_promise(client, listings):
    response = client.get("/directory/?city=riverside")
    results = response.context["results"]
    for option in results.category_facets:
        for facet in [option, *option.children]:
            if not facet.count:
                continue
            target = client.get(f"/directory/?city=riverside&category={facet.value}")
            assert target.context["results"].total == facet.count, facet.value
    for option in results.city_facets:
        target = client.get(f"/directory/?city={option.value}")
        assert target.context["results"].total == option.count, option.value


def test_unknown_filter_values_are_ignored_with_a_notice(client, listings):
    response = client.get("/directory/?category=nope&level=gold")
    assert response.status_code == 200
    assert len(names(response)) == 3
    assert "We ignored" in response.text


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999", "1e9", ""])
def test_bad_page_numbers_give_a_normal_page(client, listings, page):
    response = client.get(f"/directory/?page={page}")
    assert response.status_code == 200


def test_category_landing_page(client, listings):
    response = client.get("/directory/category/bakeries/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Millbrook Coffee House", "Riverbend Bakery"]
    assert '<h1 class="page-header__title">Bakeries</h1>' in response.text
    assert client.get("/directory/category/no-such-thing/").status_code == 404


def test_detail_page_and_404_for_hidden_listings(client, listings):
    response = client.get("/directory/riverbend-bakery/")
    assert response.status_code == 200
    assert "Riverbend Bakery" in response.text
    assert client.get("/directory/lapsed-bakery-outlet/").status_code == 404
    assert client.get("/directory/draft-bakery/").status_code == 404


def test_search_finds_by_keyword(client, listings):
    response = client.get("/directory/?q=sourdough")
    assert names(response) == ["Riverbend Bakery"]
    assert '<meta name="robots" content="noindex">' in response.text


def test_home_page_shows_featured_members_and_drops_lapsed_ones(client, listings):
    import datetime

    from django.utils import timezone

    html = client.get("/").text
    assert "Featured members" in html
    assert 'href="/directory/riverbend-bakery/"' in html
    member = listings["bakery"].member
    member.status = member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=45)
    member.save()
    assert "riverbend-bakery" not in client.get("/").text


def test_featured_rotation_shows_every_featured_member_over_time(listings):
    import datetime

    from directory.selectors import featured_businesses
    from tests.factories import BusinessFactory, MemberFactory

    level = listings["bakery"].member.level
    for number in range(8):
        BusinessFactory(name=f"Featured {number}", member=MemberFactory(level=level))
    seen = set()
    for day in range(10):
        shown = featured_businesses(limit=3, on=datetime.date(2026, 1, 1) + datetime.timedelta(day))
        assert len(shown) == 3
        seen.update(business.name for business in shown)
    assert len(seen) == 9


def test_a_member_with_two_featured_listings_is_featured_once(listings):
    """Issue #22: the home page showed "Brennan Diner" and "Brennan Diner (Cedar Falls)"."""
    import datetime

    from directory.selectors import featured_businesses
    from tests.factories import BusinessFactory, MemberFactory

    bakery = listings["bakery"]
    BusinessFactory(name="Riverbend Bakery (Millbrook)", member=bakery.member)
    for number in range(6):
        BusinessFactory(name=f"Featured {number}", member=MemberFactory(level=bakery.member.level))
    for day in range(14):
        shown = featured_businesses(limit=4, on=datetime.date(2026, 1, 1) + datetime.timedelta(day))
        members = [business.member_id for business in shown]
        assert len(shown) == 4
        assert len(set(members)) == 4, [business.name for business in shown]


def test_cached_facet_counts_follow_every_change(client, listings, categories):
    import datetime

    from django.utils import timezone

    def city_counts():
        results = client.get("/directory/?category=bakeries").context["results"]
        return {option.value: option.count for option in results.city_facets}

    def category_count(slug):
        results = client.get("/directory/?city=riverside").context["results"]
        counts = {o.value: o.count for f in results.category_facets for o in [f, *f.children]}
        return counts.get(slug, 0)

    assert city_counts() == {"riverside": 1, "millbrook": 1}
    assert category_count("plumbing") == 0
    listings["draft"].save_revision().publish()  # a bakery in Riverside goes live
    assert city_counts() == {"riverside": 2, "millbrook": 1}
    bakery = listings["bakery"]
    bakery.categories.set([categories["plumbing"]])
    bakery.save()
    assert category_count("plumbing") == 1
    member = listings["cafe"].member
    member.status = member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=31)
    member.save()
    assert city_counts() == {"riverside": 1}
