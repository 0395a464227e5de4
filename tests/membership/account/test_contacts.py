"""/account/contacts/: inviting people by e-mail, accepting the signed link (new or existing
login), roles, removal, the one-primary rule, and nobody reaching another member's rows."""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.models import ModelLogEntry

from membership.account import contacts as contact_views
from membership.account.actions import (
    CONTACT_ADDED,
    CONTACT_INVITED,
    CONTACT_REMOVED,
    CONTACT_ROLE_CHANGED,
    INVITATION_REVOKED,
)
from membership.account.contact_services import (
    INVITATION_MAX_AGE,
    INVITATION_SALT,
    InvitationClosed,
    WrongAccount,
    invitation_accept,
    invitation_from_token,
    invitation_token,
)
from membership.checkout import send_payment_receipt
from membership.models import ContactInvitation, MemberContact
from tests.factories import MemberContactFactory, UserFactory
from tests.mail import committed
from tests.membership.helpers import card_payment

Role = MemberContact.Role
CONTACTS = "/account/contacts/"
INVITE = "/account/contacts/invite/"
NEW_PASSWORD = "walnut tiller harbour"


def main_html(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def contact(member, role, email) -> MemberContact:
    user = UserFactory(username=email, email=email, first_name=email.split("@")[0].title())
    return MemberContactFactory(member=member, user=user, role=role)


def invitation_for(member, email="new@aspen.example", role=Role.STAFF, **fields):
    values = {
        "invited_by": member.user,
        "expires_at": timezone.now() + datetime.timedelta(days=7),
    }
    values.update(fields)
    return ContactInvitation.objects.create(member=member, email=email, role=role, **values)


def accept_url(invitation) -> str:
    return f"/account/invitations/accept/{invitation_token(invitation)}/"


def emailed_token(body: str) -> str:
    return re.search(r"https?://[^/\s]+/account/invitations/accept/([^/\s]+)/", body)[1]


def logged(action):
    return ModelLogEntry.objects.filter(action=action)


def signup_data(**overrides) -> dict:
    data = {
        "first_name": "Nia",
        "last_name": "Newman",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# The list -----------------------------------------------------------------------------------------


def test_primary_sees_contacts_pending_invitations_and_the_controls(client, member_a):
    contact(member_a, Role.BILLING, "bo@aspen.example")
    invitation_for(member_a, email="pending@aspen.example")
    invitation_for(member_a, email="gone@aspen.example", revoked_at=timezone.now())
    client.force_login(member_a.user)

    response = client.get(CONTACTS)

    html = main_html(response)
    assert response.status_code == 200
    assert "ada@aspen.example" in html
    assert "bo@aspen.example" in html
    assert "Billing contact" in html
    assert "pending@aspen.example" in html
    assert "gone@aspen.example" not in html
    assert 'action="/account/contacts/invite/"' in html
    assert "Change role" in html
    assert "Withdraw" in html


@pytest.mark.parametrize("role", [Role.BILLING, Role.STAFF])
def test_other_roles_see_the_list_without_controls_or_invitations(client, member_a, role):
    other = contact(member_a, role, "sam@aspen.example")
    invitation_for(member_a, email="pending@aspen.example")
    client.force_login(other.user)

    response = client.get(CONTACTS)

    html = main_html(response)
    assert response.status_code == 200
    assert "ada@aspen.example" in html
    assert "pending@aspen.example" not in html
    assert "Change role" not in html
    assert "/account/contacts/invite/" not in html
    assert "added and removed by the primary contact" in html


def test_dashboard_panel_lists_names_and_roles_and_links_to_contacts(client, member_a):
    contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    html = main_html(client.get("/account/"))

    assert "Ada (you) — Primary contact" in html
    assert "Sam — Staff" in html
    assert 'href="/account/contacts/"' in html
    assert "Manage contacts" in html


# Inviting -----------------------------------------------------------------------------------------


def test_invite_emails_a_signed_link_with_text_and_html_parts(client, member_a):
    client.force_login(member_a.user)

    response = client.post(INVITE, {"email": "Nia@Aspen.Example", "role": Role.BILLING})

    assert response.status_code == 303
    assert response["Location"] == CONTACTS
    invitation = ContactInvitation.objects.get()
    assert invitation.email == "nia@aspen.example"
    assert invitation.role == Role.BILLING
    assert invitation.invited_by == member_a.user
    assert invitation.is_open
    assert (invitation.expires_at - timezone.now()).days in (6, 7)
    (message,) = mail.outbox
    assert message.to == ["nia@aspen.example"]
    assert "Aspen Bakery" in message.subject
    token = emailed_token(message.body)
    assert invitation_from_token(token) == (invitation, None)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver/account/invitations/accept/{token}/"' in html
    assert "billing contact" in message.body
    entry = logged(CONTACT_INVITED).get()
    assert entry.data["email"] == "nia@aspen.example"
    assert entry.data["role"] == Role.BILLING
    assert entry.user_id == member_a.user.pk


def test_the_link_in_the_email_opens_the_invitation(client, member_a):
    client.force_login(member_a.user)
    client.post(INVITE, {"email": "nia@aspen.example", "role": Role.STAFF})
    token = emailed_token(mail.outbox[0].body)

    response = Client().get(f"/account/invitations/accept/{token}/")

    assert response.status_code == 200
    assert "nia@aspen.example" in response.text


def test_invite_refuses_someone_who_already_represents_the_member(client, member_a):
    contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    response = client.post(INVITE, {"email": "SAM@aspen.example", "role": Role.BILLING})

    assert response.status_code == 400
    assert "already represents Aspen Bakery" in response.text
    assert not ContactInvitation.objects.exists()
    assert not mail.outbox


def test_invite_refuses_a_bad_address_or_role(client, member_a):
    client.force_login(member_a.user)

    assert client.post(INVITE, {"email": "not-an-address", "role": "staff"}).status_code == 400
    assert client.post(INVITE, {"email": "x@example.org", "role": "owner"}).status_code == 400
    assert not ContactInvitation.objects.exists()


def test_inviting_again_replaces_the_open_invitation(client, member_a):
    client.force_login(member_a.user)
    client.post(INVITE, {"email": "nia@aspen.example", "role": Role.STAFF})
    first = ContactInvitation.objects.get()

    client.post(INVITE, {"email": "nia@aspen.example", "role": Role.BILLING})

    first.refresh_from_db()
    assert first.revoked_at is not None
    (second,) = [invitation for invitation in ContactInvitation.objects.all() if invitation.is_open]
    assert second.role == Role.BILLING
    assert len(mail.outbox) == 2
    assert Client().get(accept_url(first)).status_code == 410
    assert Client().get(accept_url(second)).status_code == 200


def test_invitations_are_rate_limited_per_member(client, member_a, monkeypatch):
    monkeypatch.setattr(contact_views, "INVITATIONS_PER_DAY", 2)
    client.force_login(member_a.user)
    for n in range(2):
        response = client.post(INVITE, {"email": f"p{n}@aspen.example", "role": "staff"})
        assert response.status_code == 303

    response = client.post(INVITE, {"email": "p3@aspen.example", "role": "staff"})

    assert response.status_code == 429
    assert "invitations today" in response.text
    assert ContactInvitation.objects.count() == 2


def test_invite_page_shows_the_form(client, member_a):
    client.force_login(member_a.user)

    response = client.get(INVITE)

    assert response.status_code == 200
    assert 'name="email"' in response.text


@pytest.mark.parametrize("role", [Role.BILLING, Role.STAFF])
def test_non_primary_contacts_cannot_invite_change_roles_remove_or_revoke(client, member_a, role):
    other = contact(member_a, role, "sam@aspen.example")
    invitation = invitation_for(member_a)
    primary = MemberContact.objects.get(member=member_a, user=member_a.user)
    client.force_login(other.user)

    attempts = [
        client.get(INVITE),
        client.post(INVITE, {"email": "x@aspen.example", "role": Role.PRIMARY}),
        client.post(f"/account/contacts/{other.pk}/role/", {"role": Role.PRIMARY}),
        client.post(f"/account/contacts/{primary.pk}/role/", {"role": Role.STAFF}),
        client.post(f"/account/contacts/{primary.pk}/remove/"),
        client.post(f"/account/invitations/{invitation.pk}/revoke/"),
    ]

    assert [response.status_code for response in attempts] == [403] * len(attempts)
    other.refresh_from_db()
    primary.refresh_from_db()
    assert other.role == role
    assert primary.role == Role.PRIMARY
    assert ContactInvitation.objects.get().is_open
    assert ContactInvitation.objects.count() == 1


# Accepting: a new login ---------------------------------------------------------------------------


def test_new_person_creates_a_login_and_is_linked_with_the_role(client, member_a):
    invitation = invitation_for(member_a, email="Nia@Aspen.example", role=Role.BILLING)

    form = client.get(accept_url(invitation))
    assert form.status_code == 200
    assert 'value="Nia@Aspen.example" readonly' in form.text
    assert form["Cache-Control"].startswith("max-age=0")

    response = client.post(accept_url(invitation), signup_data())

    assert response.status_code == 303
    assert response["Location"] == "/account/"
    user = get_user_model().objects.get(email="nia@aspen.example")
    assert user.username == "nia@aspen.example"
    assert user.get_full_name() == "Nia Newman"
    assert user.check_password(NEW_PASSWORD)
    assert MemberContact.objects.get(member=member_a, user=user).role == Role.BILLING
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    assert logged(CONTACT_ADDED).get().data["email"] == "nia@aspen.example"
    dashboard = client.get("/account/")  # logged in as the new user
    assert dashboard.status_code == 200
    assert dashboard.context["account"].user == user
    assert "Aspen Bakery" in dashboard.text
    (notice,) = mail.outbox  # to Ada, who sent the invitation
    assert notice.to == ["ada@aspen.example"]
    assert "Nia Newman" in notice.subject
    assert notice.alternatives[0][1] == "text/html"


def test_a_used_invitation_cannot_be_used_again(client, member_a):
    invitation = invitation_for(member_a)
    client.post(accept_url(invitation), signup_data())

    again = Client().get(accept_url(invitation))
    again_post = Client().post(accept_url(invitation), signup_data(first_name="Mallory"))

    assert again.status_code == 410
    assert "already been used" in again.text
    assert again_post.status_code == 410
    assert get_user_model().objects.filter(first_name="Mallory").count() == 0
    assert MemberContact.objects.filter(member=member_a).count() == 2


def test_the_invited_person_following_the_link_again_goes_to_their_account(client, member_a):
    invitation = invitation_for(member_a)
    client.post(accept_url(invitation), signup_data())

    response = client.get(accept_url(invitation))

    assert response.status_code == 303
    assert response["Location"] == "/account/"


def test_accepting_twice_in_the_service_is_refused(member_a):
    invitation = invitation_for(member_a)
    invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))

    with pytest.raises(InvitationClosed):
        invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))


def test_the_service_refuses_an_account_of_another_address(member_a):
    invitation = invitation_for(member_a, email="nia@aspen.example")
    with pytest.raises(WrongAccount):
        invitation_accept(invitation=invitation, user=UserFactory(email="eve@evil.example"))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    ("password1", "password2", "error"),
    [
        ("short", "short", "too short"),
        ("password123", "password123", "too common"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "match"),
        ("nia@aspen.example", "nia@aspen.example", "too similar"),
    ],
)
def test_signup_checks_the_password(client, member_a, password1, password2, error):
    invitation = invitation_for(member_a, email="nia@aspen.example")

    response = client.post(
        accept_url(invitation), signup_data(password1=password1, password2=password2)
    )

    assert response.status_code == 400
    assert error in response.text
    assert not get_user_model().objects.filter(email="nia@aspen.example").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_typed_script_is_shown_as_text(client, member_a):
    invitation = invitation_for(member_a, email="nia@aspen.example")
    script = "<script>alert(1)</script>"
    client.post(accept_url(invitation), signup_data(first_name=script))

    primary = Client()
    primary.force_login(member_a.user)
    pages = [main_html(primary.get(CONTACTS)), main_html(primary.get("/account/"))]

    for html in pages:
        assert script not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    notice_html = mail.outbox[0].alternatives[0][0]
    assert script not in notice_html
    assert "&lt;script&gt;" in notice_html


# Accepting: an existing login ---------------------------------------------------------------------


def test_logged_in_user_confirms_and_is_linked(client, member_a, member_b):
    invitation = invitation_for(member_a, email="ben@birch.example", role=Role.STAFF)
    client.force_login(member_b.user)

    confirm = client.get(accept_url(invitation))
    assert confirm.status_code == 200
    assert "Accept the invitation" in confirm.text
    assert "not ben@birch.example" not in confirm.text
    assert not MemberContact.objects.filter(member=member_a, user=member_b.user).exists()

    response = client.post(accept_url(invitation))

    assert response.status_code == 303
    assert response["Location"] == "/account/"
    assert MemberContact.objects.get(member=member_a, user=member_b.user).role == Role.STAFF
    invitation.refresh_from_db()
    assert invitation.accepted_by == member_b.user
    # The member just joined is the one the account area now shows.
    assert client.get("/account/").context["account"].member == member_a


def test_another_login_cannot_accept_an_invitation_sent_to_someone_else(client, member_a, member_b):
    """Issue #23: member B, logged in as himself, accepted A's primary-contact invitation (a
    link that reached him) and could read A's receipts."""
    invitation = invitation_for(member_a, email="someone.else@birch.example", role=Role.PRIMARY)
    client.force_login(member_b.user)

    confirm = client.get(accept_url(invitation))
    refused = client.post(accept_url(invitation))

    assert "You are logged in as <strong>ben@birch.example</strong>" in confirm.text
    assert "Only the login of the address the invitation was sent to" in confirm.text
    assert "Accept the invitation</button>" not in confirm.text
    assert refused.status_code == 403
    assert not MemberContact.objects.filter(member=member_a, user=member_b.user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for the person it was sent to
    assert "Aspen Bakery" not in client.get("/account/").text


def test_accepting_never_demotes_an_existing_contact(client, member_a):
    invitation = invitation_for(member_a, email="ada@aspen.example", role=Role.STAFF)
    client.force_login(member_a.user)

    client.post(accept_url(invitation))

    assert MemberContact.objects.get(member=member_a, user=member_a.user).role == Role.PRIMARY
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_existing_user_not_logged_in_is_asked_to_log_in(client, member_a, member_b):
    invitation = invitation_for(member_a, email="BEN@birch.example")
    url = accept_url(invitation)

    response = client.get(url)
    posted = client.post(url, signup_data())

    assert response.status_code == 200
    assert f'href="/accounts/login/?{urlencode({"next": url})}"' in response.text
    assert posted.status_code == 200
    assert "Log in to accept" in posted.text
    assert get_user_model().objects.filter(email__iexact="ben@birch.example").count() == 1
    assert not MemberContact.objects.filter(member=member_a, user=member_b.user).exists()


# Links that don't work ----------------------------------------------------------------------------


class _PastSigner(signing.TimestampSigner):
    """Signs as if it were a day past the invitation's lifetime ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - INVITATION_MAX_AGE - 86_400)


def test_an_expired_invitation_is_410(client, member_a):
    invitation = invitation_for(member_a, expires_at=timezone.now() - datetime.timedelta(hours=1))

    response = client.get(accept_url(invitation))

    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert "Aspen Bakery" in response.text
    assert client.post(accept_url(invitation), signup_data()).status_code == 410
    assert not get_user_model().objects.filter(email="new@aspen.example").exists()


def test_a_signature_older_than_seven_days_is_expired_even_if_the_row_is_open(client, member_a):
    invitation = invitation_for(member_a)
    token = _PastSigner(salt=INVITATION_SALT).sign_object(invitation.pk)
    assert signing.loads(token, salt=INVITATION_SALT) == invitation.pk  # genuine, only old

    response = client.get(f"/account/invitations/accept/{token}/")

    assert response.status_code == 410
    assert "This invitation has expired" in response.text


def test_a_revoked_invitation_is_410(client, member_a):
    invitation = invitation_for(member_a, revoked_at=timezone.now())

    response = client.get(accept_url(invitation))

    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.text


def _tampered(invitation) -> str:
    token = invitation_token(invitation)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "forge",
    [
        _tampered,
        lambda invitation: signing.dumps(invitation.pk, salt="membership.renew"),
        lambda invitation: signing.dumps(invitation.pk, salt=INVITATION_SALT, key="not-ours"),
        lambda invitation: signing.dumps(invitation.pk + 1000, salt=INVITATION_SALT),
        lambda invitation: signing.dumps("1", salt=INVITATION_SALT),
        lambda invitation: "not-a-token",
    ],
    ids=["tampered", "other-salt", "other-key", "no-such-invitation", "not-an-id", "garbage"],
)
def test_a_forged_or_garbled_link_is_404_and_says_what_to_do(client, member_a, forge):
    invitation = invitation_for(member_a)

    response = client.get(f"/account/invitations/accept/{forge(invitation)}/")
    posted = client.post(f"/account/invitations/accept/{forge(invitation)}/", signup_data())

    assert response.status_code == 404
    assert "This invitation link isn't valid" in response.text
    assert "Copy the whole link" in response.text
    assert posted.status_code == 404
    assert not get_user_model().objects.filter(email="new@aspen.example").exists()


# Revoking -----------------------------------------------------------------------------------------


def test_primary_revokes_an_invitation_and_its_link_stops_working(client, member_a):
    invitation = invitation_for(member_a)
    client.force_login(member_a.user)

    response = client.post(f"/account/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 303
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert logged(INVITATION_REVOKED).get().data["email"] == "new@aspen.example"
    assert Client().get(accept_url(invitation)).status_code == 410


def test_revoke_is_post_only(client, member_a):
    invitation = invitation_for(member_a)
    client.force_login(member_a.user)

    assert client.get(f"/account/invitations/{invitation.pk}/revoke/").status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Roles and removal --------------------------------------------------------------------------------


def test_primary_changes_a_contacts_role(client, member_a):
    staff = contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    response = client.post(f"/account/contacts/{staff.pk}/role/", {"role": Role.BILLING})

    assert response.status_code == 303
    staff.refresh_from_db()
    assert staff.role == Role.BILLING
    entry = logged(CONTACT_ROLE_CHANGED).get()
    assert entry.data == {"email": "sam@aspen.example", "from": "staff", "to": "billing"}


def test_an_unknown_role_changes_nothing(client, member_a):
    staff = contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    client.post(f"/account/contacts/{staff.pk}/role/", {"role": "owner"})

    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_the_last_primary_cannot_be_demoted(client, member_a):
    primary = MemberContact.objects.get(member=member_a, user=member_a.user)
    client.force_login(member_a.user)

    response = client.post(
        f"/account/contacts/{primary.pk}/role/", {"role": Role.STAFF}, follow=True
    )

    primary.refresh_from_db()
    assert primary.role == Role.PRIMARY
    assert "needs at least one primary contact" in response.text
    assert not logged(CONTACT_ROLE_CHANGED).exists()


def test_a_primary_may_step_down_when_another_primary_remains(client, member_a):
    other = contact(member_a, Role.STAFF, "pia@aspen.example")
    me = MemberContact.objects.get(member=member_a, user=member_a.user)
    client.force_login(member_a.user)

    client.post(f"/account/contacts/{other.pk}/role/", {"role": Role.PRIMARY})
    client.post(f"/account/contacts/{me.pk}/role/", {"role": Role.BILLING})

    me.refresh_from_db()
    other.refresh_from_db()
    assert (me.role, other.role) == (Role.BILLING, Role.PRIMARY)
    # No longer primary: the controls are gone, and the other primary can't be demoted.
    assert client.post(f"/account/contacts/{other.pk}/role/", {"role": "staff"}).status_code == 403


def test_primary_removes_a_contact_whose_login_stays(client, member_a):
    staff = contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    response = client.post(f"/account/contacts/{staff.pk}/remove/")

    assert response.status_code == 303
    assert response["Location"] == CONTACTS
    assert not MemberContact.objects.filter(pk=staff.pk).exists()
    assert get_user_model().objects.filter(email="sam@aspen.example").exists()
    assert logged(CONTACT_REMOVED).get().data == {"email": "sam@aspen.example", "role": "staff"}


def test_the_last_primary_cannot_be_removed(client, member_a):
    contact(member_a, Role.BILLING, "bo@aspen.example")
    primary = MemberContact.objects.get(member=member_a, user=member_a.user)
    client.force_login(member_a.user)

    response = client.post(f"/account/contacts/{primary.pk}/remove/", follow=True)

    assert MemberContact.objects.filter(pk=primary.pk).exists()
    assert "needs at least one primary contact" in response.text
    assert not logged(CONTACT_REMOVED).exists()


def test_a_primary_may_remove_themselves_when_another_primary_remains(client, member_a):
    contact(member_a, Role.PRIMARY, "pia@aspen.example")
    me = MemberContact.objects.get(member=member_a, user=member_a.user)
    client.force_login(member_a.user)

    response = client.post(f"/account/contacts/{me.pk}/remove/")

    assert response.status_code == 303
    assert response["Location"] == "/account/"
    assert not MemberContact.objects.filter(pk=me.pk).exists()
    assert client.get("/account/").context.get("account") is None  # no member any more


def test_role_and_remove_are_post_only(client, member_a):
    staff = contact(member_a, Role.STAFF, "sam@aspen.example")
    client.force_login(member_a.user)

    assert client.get(f"/account/contacts/{staff.pk}/role/").status_code == 405
    assert client.get(f"/account/contacts/{staff.pk}/remove/").status_code == 405
    assert MemberContact.objects.filter(pk=staff.pk).exists()


# Another member's rows ----------------------------------------------------------------------------


def test_another_members_contact_or_invitation_is_404(client, member_a, member_b):
    theirs = MemberContact.objects.get(member=member_b)
    their_invitation = invitation_for(member_b, invited_by=member_b.user)
    client.force_login(member_a.user)

    attempts = [
        client.post(f"/account/contacts/{theirs.pk}/role/", {"role": Role.STAFF}),
        client.post(f"/account/contacts/{theirs.pk}/remove/"),
        client.post(f"/account/invitations/{their_invitation.pk}/revoke/"),
        client.post("/account/contacts/999999/remove/"),
    ]

    assert [response.status_code for response in attempts] == [404] * len(attempts)
    theirs.refresh_from_db()
    assert theirs.role == Role.PRIMARY
    assert ContactInvitation.objects.get().is_open


def test_contacts_of_another_member_the_user_represents_are_reached_by_switching(
    client, member_a, member_b
):
    """Rows are looked up through the member being worked on, not every member the user
    represents: Birch's contact is a 404 while Aspen is chosen."""
    MemberContactFactory(member=member_b, user=member_a.user, role=Role.PRIMARY)
    birch_staff = contact(member_b, Role.STAFF, "sid@birch.example")
    client.force_login(member_a.user)
    client.post("/account/switch/", {"member": member_a.pk})

    assert client.post(f"/account/contacts/{birch_staff.pk}/remove/").status_code == 404

    client.post("/account/switch/", {"member": member_b.pk})
    assert client.post(f"/account/contacts/{birch_staff.pk}/remove/").status_code == 303
    assert not MemberContact.objects.filter(pk=birch_staff.pk).exists()


# Billing contacts get the dues e-mails ------------------------------------------------------------


def test_an_invited_billing_contact_receives_payment_receipts(client, member_a):
    invitation = invitation_for(member_a, email="bo@aspen.example", role=Role.BILLING)
    client.post(accept_url(invitation), signup_data(first_name="Bo"))
    mail.outbox.clear()
    payment = card_payment(member_a, invoice_id="in_test_receipt")

    with committed():
        send_payment_receipt(payment)

    assert member_a.billing_emails() == ["ada@aspen.example", "bo@aspen.example"]
    (receipt,) = mail.outbox
    assert sorted(receipt.to) == ["ada@aspen.example", "bo@aspen.example"]
    assert "995.00" in receipt.body


def test_a_staff_contact_receives_no_payment_receipts(member_a):
    contact(member_a, Role.STAFF, "sam@aspen.example")

    assert member_a.billing_emails() == ["ada@aspen.example"]


# Admin --------------------------------------------------------------------------------------------


def test_staff_list_invitations_in_the_admin_read_only(client, member_a, admin_user):
    invitation_for(member_a, email="pending@aspen.example")
    client.force_login(admin_user)

    listing = client.get(reverse("wagtailsnippets_membership_contactinvitation:list"))
    add = client.get(reverse("wagtailsnippets_membership_contactinvitation:add"))

    assert listing.status_code == 200
    assert "pending@aspen.example" in listing.text
    assert add.status_code in (302, 403)
