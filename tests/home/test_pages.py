import pytest

from home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def editorial_site(site_tree):
    """The bare site with About and Advocacy pages in the menu: what the tests that change
    pages need, without the seconds the full demo takes."""
    for slug, title in (("about", "About the chamber"), ("advocacy", "Advocacy")):
        page = StandardPage(title=title, slug=slug, show_in_menus=True, intro=f"{title}.")
        site_tree.home.add_child(instance=page)
        page.save_revision().publish()
    return site_tree.site


def test_hidden_pages_stay_out_of_the_menu(client, editorial_site):
    about = StandardPage.objects.get(slug="about")
    about.show_in_menus = False
    about.save_revision().publish()
    nav = client.get("/").text.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/about/"' not in nav


def test_unpublished_pages_return_404(client, editorial_site):
    assert client.get("/advocacy/").status_code == 200
    StandardPage.objects.get(slug="advocacy").unpublish()
    assert client.get("/advocacy/").status_code == 404


def test_500_page_renders_without_a_request_or_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_site_works_before_any_demo_content(client, site_tree):
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome to the chamber" in response.text
    assert isinstance(site_tree.home, HomePage)


def test_page_query_count_does_not_grow_with_the_menu(
    client, editorial_site, django_assert_num_queries
):
    client.get("/about/")  # warm the caches (content types, site root paths, chrome, routing)
    with django_assert_num_queries(0):
        client.get("/about/")
    home = editorial_site.root_page
    for number in range(5):
        home.add_child(
            instance=StandardPage(
                title=f"Extra {number}", slug=f"extra-{number}", show_in_menus=True
            )
        )
    # Routing and chrome read again, once: the sites with the root page (2), its children (one
    # query, then one per page type: 8), alias and restricted paths (2), settings, menu (3).
    with django_assert_num_queries(16):
        html = client.get("/about/").text
    assert 'href="/extra-4/"' in html
    with django_assert_num_queries(0):
        client.get("/about/")


def test_site_chrome_is_rebuilt_when_settings_or_pages_change(client, editorial_site):
    from chamber.models import ChamberSettings

    client.get("/")
    chamber = ChamberSettings.for_site(editorial_site)
    chamber.name = "Valley Chamber of Commerce"
    chamber.save()
    assert "Valley Chamber of Commerce" in client.get("/").text
    StandardPage.objects.get(slug="advocacy").unpublish()
    nav = client.get("/").text.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/advocacy/"' not in nav
