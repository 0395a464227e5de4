"""Issue #18: staff see the renewal reminder a member is due, exactly as it will be e-mailed,
and send it now, under the cron job's once-per-stage rule."""

import datetime
import html

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from membership.models import RenewalReminder
from membership.reminders import send_renewal_reminders
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = "/admin/snippets/membership/member/send-reminder/{}/"


@pytest.fixture
def staff_client(client, site_tree):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    return client


def member_due(**values):
    member = MemberFactory(
        name="Riverbend & Sons", paid_through=TODAY + datetime.timedelta(days=5), **values
    )
    MemberContactFactory(member=member, user=UserFactory(email="rosa@riverbend.example"))
    return member


def test_the_preview_is_the_e_mail_that_send_now_sends_once(staff_client):
    # The renewal link's token carries the second it was signed: preview and send are made in
    # the same frozen second, as they would be word for word in the same second.
    with time_machine.travel(timezone.now(), tick=False):
        preview_then_send(staff_client)


def preview_then_send(staff_client):
    member = member_due()
    page = staff_client.get(URL.format(member.pk))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "This is the reminder due now" in text
    assert "rosa@riverbend.example" in text

    response = staff_client.post(URL.format(member.pk))
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["rosa@riverbend.example"]
    assert sent.subject in text  # the preview showed this subject
    for line in filter(None, (line.strip() for line in sent.body.splitlines())):
        assert line in text, line  # and every line of the message
    assert RenewalReminder.objects.filter(member=member).count() == 1

    staff_client.post(URL.format(member.pk))  # pressed again
    send_renewal_reminders()  # and cron runs after it
    assert len(mail.outbox) == 1
    assert "No reminder is due" in staff_client.get(URL.format(member.pk)).content.decode()


def test_a_member_with_nothing_due_is_sent_nothing(staff_client):
    member = MemberFactory(paid_through=TODAY + datetime.timedelta(days=90))
    MemberContactFactory(member=member)
    assert "No reminder is due" in staff_client.get(URL.format(member.pk)).content.decode()
    staff_client.post(URL.format(member.pk))
    assert mail.outbox == []


def test_a_member_without_an_e_mail_is_reported_not_sent(staff_client):
    member = MemberFactory(paid_through=TODAY + datetime.timedelta(days=5))
    page = staff_client.get(URL.format(member.pk)).content.decode()
    assert "no contact with an e-mail" in page
    response = staff_client.post(URL.format(member.pk), follow=True)
    assert mail.outbox == []
    assert "Not sent" in response.content.decode()


def test_editors_cannot_send_reminders(client, site_tree):
    member = member_due()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(URL.format(member.pk)).status_code in (302, 403)
    client.post(URL.format(member.pk))
    assert mail.outbox == []
