"""Issue #18/#23: Wagtail's snippet choosers ask only for admin access, so an Editor (no
membership permissions) could open `/admin/snippets/choose/membership/payment/` by hand and read
every payment, contact e-mail and applicant. Every chooser of a model holding members' or
applicants' records now needs a permission on that model.

The list of choosers is generated from the snippet registry: a new snippet model must be
placed in PRIVATE or PUBLIC below, or this test fails."""

import pytest
from django.contrib.auth.models import Group
from wagtail.snippets.models import get_snippet_models

from chamber import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Records of members, applicants and payments: only users with a permission on the model.
PRIVATE = {
    "membership.member",
    "membership.membercontact",
    "membership.contactinvitation",
    "membership.application",
    "membership.payment",
    "membership.stripeevent",
    "membership.renewalreminder",
    "deals.dealredemption",
    "directory.contactmessage",  # visitors' names and e-mail addresses
    "events.registration",  # guests' names and e-mail addresses
}
# What the public site shows anyway (editors choose listings for the home page, topics and
# authors for news): any admin user may choose them.
PUBLIC = {
    "membership.membershiplevel",
    "directory.business",
    "directory.category",
    "deals.deal",
    "jobs.jobposting",  # drafts too, but only staff choose, and open jobs are public
    "home.topic",
    "home.person",
}


REFUSED = 302


def label(model) -> str:
    return model._meta.label_lower


def chooser_urls(model) -> list[str]:
    app, name = model._meta.app_label, model._meta.model_name
    base = f"/admin/snippets/choose/{app}/{name}/"
    return [base, base + "results/"]


def user_in(group_name: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_every_snippet_model_is_classified():
    models = {label(model) for model in get_snippet_models()}
    assert models == PRIVATE | PUBLIC, "classify the new snippet model's chooser here"


@pytest.mark.parametrize("group", [roles.EDITORS, roles.PAGE_MODERATORS])
def test_editors_and_moderators_cannot_read_private_records_through_a_chooser(
    client, site_tree, group
):
    client.force_login(user_in(group))
    for model in get_snippet_models():
        for url in chooser_urls(model):
            # Refused: Wagtail's admin sends the user back to the dashboard with a message.
            expected = REFUSED if label(model) in PRIVATE else 200
            assert client.get(url).status_code == expected, url


def test_chamber_staff_may_use_every_chooser(client, site_tree):
    client.force_login(user_in("Chamber staff"))
    for model in get_snippet_models():
        for url in chooser_urls(model):
            assert client.get(url).status_code == 200, url


def test_a_chosen_record_is_not_handed_out_either(client, site_tree, member_a):
    client.force_login(user_in("Editors"))
    response = client.get(f"/admin/snippets/choose/membership/member/chosen/{member_a.pk}/")
    assert response.status_code == REFUSED
    assert response["Location"] == "/admin/"
    assert member_a.name not in response.content.decode()
