import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from chamber.site_setup import site_setup
from home.blocks import CallToActionBlock
from home.models import HomePage, StandardPage

# Creating each page type with every block: tests/home/test_home_page.py and test_news.py.


class TestPageTypes(WagtailPageTestCase):
    def setUp(self):
        self.home = site_setup(demo=False, log=lambda line: None).home
        # Wagtail's login() goes through authenticate() without a request, which django-axes
        # (rightly) refuses; a superuser logged in directly is the same editor.
        self.client.force_login(self.create_test_user())

    def test_home_page_only_under_the_tree_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_standard_page_renders_its_blocks(self):
        page = StandardPage(
            title="About",
            slug="about-us",
            intro="Who we are.",
            body=[
                ("heading", {"text": "History", "level": "h3"}),
                ("quote", {"quote": "Since 1921.", "attribution": "The founders"}),
            ],
        )
        self.home.add_child(instance=page)
        self.assertPageIsRenderable(page)
        html = self.client.get(page.url).content.decode()
        assert '<h3 class="block-heading">History</h3>' in html
        assert "— The founders" in html


@pytest.mark.parametrize(
    ("page", "url", "valid"),
    [(None, "https://example.org/", True), (None, "", False)],
)
def test_call_to_action_needs_exactly_one_destination(page, url, valid):
    from django.core.exceptions import ValidationError

    block = CallToActionBlock()
    value = block.to_python({"heading": "Join", "button_label": "Go", "page": page, "url": url})
    if valid:
        block.clean(value)
    else:
        with pytest.raises(ValidationError):
            block.clean(value)


@pytest.mark.django_db
def test_call_to_action_refuses_both_a_page_and_an_address():
    from django.core.exceptions import ValidationError

    home = site_setup(demo=False, log=lambda line: None).home
    block = CallToActionBlock()
    value = block.to_python(
        {"heading": "Join", "button_label": "Go", "page": home.pk, "url": "https://example.org/"}
    )
    with pytest.raises(ValidationError):
        block.clean(value)
