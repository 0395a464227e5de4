"""Members > Import a roster in the admin: upload, preview (nothing written), decide on the
duplicates, confirm; who may; whose upload a preview shows; the template downloads."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from chamber import roles
from directory.models import Business, Category, RosterUpload
from directory.roster.columns import COLUMNS
from membership.models import Member
from tests.directory.roster.helpers import csv_bytes, harbour, quay
from tests.factories import MemberFactory, MembershipLevelFactory

pytestmark = pytest.mark.django_db

UPLOAD = "roster_import:upload"


def staff(name: str, group: str):
    user = get_user_model().objects.create_user(name, f"{name}@chamber.example", "a long pass")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def office(client, site_tree, levels, bakeries):
    client.force_login(staff("maria", roles.MEMBERSHIP_STAFF))
    return client


def upload(client, data: bytes, name="roster.csv", **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(UPLOAD), {"file": file, "preset": "", "date_order": "dmy", **fields})


def test_upload_preview_confirm(office):
    existing = MemberFactory(name="Quay Books Ltd")
    response = upload(office, csv_bytes(harbour(), quay()))
    assert response.status_code == 302
    preview_url = response["Location"]

    page = office.get(preview_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Possible duplicate" in html
    assert "a very similar organisation name" in html
    assert "<legend>Row 3: what to do</legend>" in html
    assert Member.objects.count() == 1  # nothing written by the upload or the preview

    done = office.post(preview_url, {"row_3": "update", "drafts": "on"})
    assert done.status_code == 200
    text = done.content.decode()
    assert "1 new members, 1 updated, 0 rows skipped" in text
    assert Member.objects.count() == 2
    existing.refresh_from_db()
    assert existing.name == "Quay Books"
    assert not Business.objects.filter(live=True).exists()  # drafts, as ticked
    assert reverse("wagtailsnippets_membership_member:edit", args=[existing.pk]) in text
    assert not RosterUpload.objects.exists()  # the stored file goes once written
    assert office.get(preview_url).status_code == 404


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(office):
    response = upload(office, csv_bytes(harbour(Level="Platinum")))
    preview_url = response["Location"]
    html = office.get(preview_url).content.decode()
    assert "Level: unknown level “Platinum”" in html
    assert ">Import</button>" not in html
    office.post(preview_url, {})
    assert not Member.objects.exists()


def test_unknown_categories_can_be_created_from_the_preview(office):
    preview_url = upload(office, csv_bytes(harbour(Categories="Plumbers")))["Location"]
    html = office.get(preview_url).content.decode()
    assert "unknown category “Plumbers”" in html
    assert "Create them and check again" in html
    assert office.post(preview_url, {"create_categories": "1"})["Location"] == preview_url
    html = office.get(preview_url).content.decode()
    assert "Categories that will be created: Plumbers" in html
    assert not Category.objects.filter(name="Plumbers").exists()  # nothing written yet
    office.post(preview_url, {})
    assert Business.objects.get().categories.get().name == "Plumbers"


def test_an_unreadable_file_is_refused_at_upload_with_the_reason(office):
    response = upload(office, b"Organisation Town\nHarbour Bakery Harbourton\n")
    assert response.status_code == 200
    assert "columns could not be told apart" in response.content.decode()
    assert not RosterUpload.objects.exists()


def test_member_text_is_escaped_on_the_preview(office):
    response = upload(office, csv_bytes(harbour(Organisation="<script>alert(1)</script>")))
    html = office.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_another_users_preview_is_refused(office, client):
    preview_url = upload(office, csv_bytes(quay()))["Location"]
    client.force_login(staff("omar", roles.MEMBERSHIP_STAFF))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {}).status_code == 404
    assert not Member.objects.exists()


def refused(response) -> bool:
    """Wagtail's "Sorry, you do not have permission" redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_staff_who_may_not_add_members_are_refused(client, site_tree, levels):
    client.force_login(staff("dana", roles.DIRECTORY_MODERATORS))
    file = io.BytesIO(csv_bytes(quay()))
    file.name = "roster.csv"
    assert refused(client.get(reverse(UPLOAD)))
    assert refused(client.post(reverse(UPLOAD), {"file": file, "date_order": "dmy"}))
    assert refused(client.get(reverse("roster_import:template_csv")))
    assert not RosterUpload.objects.exists()


def test_the_menu_item_is_under_membership_for_membership_staff(office, client):
    assert reverse(UPLOAD) in office.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(staff("dana", roles.DIRECTORY_MODERATORS))
    assert reverse(UPLOAD) not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_upload_page_explains_every_column(office):
    html = office.get(reverse(UPLOAD)).content.decode()
    assert '<label class="w-field__label" for="id_file"' in html
    for column in COLUMNS:
        assert f'<th scope="row">{column.heading}</th>' in html


def test_the_templates_have_the_imported_columns_and_an_example_row(office):
    imported = [column for column in COLUMNS if not column.exported_only]
    response = office.get(reverse("roster_import:template_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [[c.heading for c in imported], [c.example for c in imported]]

    response = office.get(reverse("roster_import:template_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values == rows


def test_the_template_imports_as_it_is(office):
    response = office.get(reverse("roster_import:template_csv"))
    Member.objects.all().delete()
    MembershipLevelFactory(name="Business")
    preview_url = upload(office, response.content, create_categories="on")["Location"]
    office.post(preview_url, {})
    assert Member.objects.get().previous_id == "GZ-1042"
