"""What staff do in the Wagtail admin, through the real admin views."""

from wagtail.test.utils.form_data import querydict_from_html


def staff_publish(client, staff_user, snippet) -> None:
    """Staff open the snippet (a listing, a deal) in the Wagtail admin and press Publish."""
    client.force_login(staff_user)
    meta = snippet._meta
    url = f"/admin/snippets/{meta.app_label}/{meta.model_name}/edit/{snippet.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="w-editor-form")
    data["action-publish"] = "action-publish"
    response = client.post(url, dict(data.lists()))
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
