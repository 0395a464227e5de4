"""What staff do in the Wagtail admin, through the real admin views."""

from django.http import QueryDict
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html


def posted_form(html: str, form_id: str) -> QueryDict:
    """What a browser posts for the form `form_id` as the page shows it. Wagtail's helper posts
    a ticked checkbox that has no value attribute (Django renders none) as "", which Django
    reads as unticked; a browser posts "on"."""
    data = querydict_from_html(html, form_id=form_id)
    form = WagtailTestUtils.get_soup(html).find("form", attrs={"id": form_id})
    for checkbox in form.find_all("input", type="checkbox", checked=True):
        name = checkbox.attrs.get("name")
        if name and "value" not in checkbox.attrs:
            data.setlist(name, ["on" if value == "" else value for value in data.getlist(name)])
    return data


def staff_publish(client, staff_user, snippet) -> None:
    """Staff open the snippet (a listing, a deal) in the Wagtail admin and press Publish."""
    client.force_login(staff_user)
    meta = snippet._meta
    url = f"/admin/snippets/{meta.app_label}/{meta.model_name}/edit/{snippet.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    data = posted_form(response.text, form_id="w-editor-form")
    data["action-publish"] = "action-publish"
    response = client.post(url, dict(data.lists()))
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
