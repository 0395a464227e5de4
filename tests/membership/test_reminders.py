"""Renewal reminders for members who pay by hand (issue #4): `send_renewal_reminders` and
`manage.py send_renewal_reminders`."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from chamber.models import ChamberSettings
from membership.dues import add_years, record_offline_payment
from membership.models import Member, MemberContact, RenewalReminder
from membership.reminders import send_renewal_reminders
from tests.factories import MemberContactFactory, UserFactory
from tests.mail import committed
from tests.membership.helpers import member_paying_by_hand

pytestmark = pytest.mark.django_db

STAGES = [-30, -7, 0, 14]
DAY = datetime.timedelta(days=1)
# Far enough ahead that an offline payment (which counts from the real today) extends from it.
PAID_THROUGH = timezone.localdate() + datetime.timedelta(days=90)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    """An e-mail backend whose server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def day(offset: int) -> datetime.date:
    """The day `offset` days from the member's paid-through date."""
    return PAID_THROUGH + datetime.timedelta(days=offset)


def remind(on: datetime.date):
    with committed():
        return send_renewal_reminders(today=on, stages=STAGES)


def sent_stages(member) -> list[tuple[int, datetime.date]]:
    return sorted(RenewalReminder.objects.filter(member=member).values_list("stage", "period_end"))


@pytest.fixture
def member(site_tree, levels):
    return member_paying_by_hand(levels["community"], paid_through=PAID_THROUGH)


def test_each_stage_goes_out_on_its_day_and_only_once(member):
    sent = []
    day_by_day = [day(offset) for offset in range(-32, 23)]
    for today in day_by_day:
        for _attempt in range(2):
            run = remind(today)
            assert run.failed == []
            sent.extend((today, stage) for _member, stage in run.sent)

    assert sent == [(day(-30), -30), (day(-7), -7), (day(0), 0), (day(14), 14)]
    assert len(mail.outbox) == 4
    assert all(message.to == ["rosa@riverbend.example"] for message in mail.outbox)
    assert sent_stages(member) == [(stage, PAID_THROUGH) for stage in sorted(STAGES)]


def test_three_runs_on_the_same_day_send_one_email(member):
    runs = [remind(day(-30)) for _ in range(3)]

    assert [run.sent for run in runs] == [[(member.pk, -30)], [], []]
    assert len(mail.outbox) == 1
    reminder = RenewalReminder.objects.get()
    assert (reminder.member, reminder.stage, reminder.period_end) == (member, -30, PAID_THROUGH)
    assert reminder.sent_to == "rosa@riverbend.example"


def test_nothing_the_day_before_the_first_stage(member):
    assert remind(day(-31)).sent == []
    assert mail.outbox == []
    assert RenewalReminder.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"auto_renew": True, "stripe_subscription_id": "sub_renews_itself"},
        {"status": Member.Status.LAPSED},
        {"status": Member.Status.CANCELLED},
        {"status": Member.Status.PENDING},
        {"no_end_date": True},
    ],
    ids=["auto-renew-subscription", "lapsed", "cancelled", "pending", "no-end-date"],
)
def test_members_not_paying_by_hand_or_not_current_get_nothing(member, changes):
    Member.objects.filter(pk=member.pk).update(**changes)

    for offset in (-30, -7, 0, 14):
        assert remind(day(offset)).sent == []

    assert mail.outbox == []
    assert RenewalReminder.objects.count() == 0


def test_auto_renew_without_a_subscription_is_still_reminded(member):
    """Nothing will charge a member paying offline whose auto-renew flag was left on."""
    Member.objects.filter(pk=member.pk).update(auto_renew=True, stripe_subscription_id="")

    assert remind(day(-30)).sent == [(member.pk, -30)]
    assert len(mail.outbox) == 1


def test_a_run_that_missed_days_sends_only_the_latest_due_stage(member):
    run = remind(day(3))  # the -30, -7 and 0 stages were all missed

    assert run.sent == [(member.pk, 0)]
    assert len(mail.outbox) == 1
    assert "due for renewal today" in mail.outbox[0].body
    assert sent_stages(member) == [(0, PAID_THROUGH)]
    # The earlier stages are not sent late, and the next one still comes on its day.
    assert [remind(day(offset)).sent for offset in range(4, 14)] == [[]] * 10
    assert remind(day(14)).sent == [(member.pk, 14)]
    assert sent_stages(member) == [(0, PAID_THROUGH), (14, PAID_THROUGH)]


def test_a_failed_send_is_not_recorded_and_is_retried_next_run(member, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    failed = remind(day(-30))

    assert failed.sent == [] and failed.failed == [(member.pk, -30)]
    assert RenewalReminder.objects.count() == 0

    settings.EMAIL_BACKEND = LOCMEM
    retried = remind(day(-29))
    again = remind(day(-28))

    assert retried.sent == [(member.pk, -30)] and retried.failed == []
    assert again.sent == []
    assert len(mail.outbox) == 1
    assert sent_stages(member) == [(-30, PAID_THROUGH)]


def test_a_new_paid_period_starts_the_stages_again(member):
    assert remind(day(-30)).sent == [(member.pk, -30)]

    record_offline_payment(
        member, amount=member.level.annual_dues, method="cheque", paid_on=day(-20)
    )
    member.refresh_from_db()
    new_paid_through = add_years(PAID_THROUGH)
    assert member.paid_through == new_paid_through

    # The old period's stages are over: nothing on the old due date ...
    assert remind(day(-7)).sent == []
    assert remind(day(0)).sent == []
    # ... and the new period is reminded from its own -30 stage.
    before_new = new_paid_through - datetime.timedelta(days=31)
    assert remind(before_new).sent == []
    assert remind(before_new + DAY).sent == [(member.pk, -30)]
    assert sent_stages(member) == [(-30, PAID_THROUGH), (-30, new_paid_through)]
    assert len(mail.outbox) == 2


def pay_link(message) -> str:
    (line,) = [line for line in message.body.splitlines() if "/join/renew/" in line]
    return line.strip()


def test_the_email_has_text_html_and_a_pay_link(member):
    billing = UserFactory(username="bill", email="accounts@riverbend.example")
    MemberContactFactory(member=member, user=billing, role=MemberContact.Role.BILLING)
    staff = UserFactory(username="sal", email="sal@riverbend.example")
    MemberContactFactory(member=member, user=staff, role=MemberContact.Role.STAFF)

    remind(day(-30))

    (message,) = mail.outbox
    assert message.to == ["accounts@riverbend.example", "rosa@riverbend.example"]
    assert message.subject == f"Your membership renews on {PAID_THROUGH:%-d %B %Y}"
    assert "Riverbend Bakery" in message.body and "in 30 days" in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Riverbend Bakery</strong>" in html
    url = pay_link(message)
    assert url.startswith("http://testserver/join/renew/?token=")
    assert f'href="{escape(url)}"' in html


def test_the_pay_link_opens_the_renewal_page(member, client):
    remind(day(-30))

    url = urlsplit(pay_link(mail.outbox[0]))
    response = client.get(f"{url.path}?{url.query}")

    assert response.status_code == 200
    assert "Riverbend Bakery" in response.text
    assert "195.00 USD" in response.text


def test_the_overdue_stage_says_when_the_membership_lapses(member, site_tree):
    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.membership_grace_days = 45
    chamber.save()
    Member.objects.filter(pk=member.pk).update(status=Member.Status.PAST_DUE)

    assert remind(day(14)).sent == [(member.pk, 14)]

    (message,) = mail.outbox
    lapses_on = f"{day(45):%-d %B %Y}"
    assert message.subject == "Your membership dues are overdue"
    assert f"the membership lapses on {lapses_on} unless they are paid" in message.body
    assert f"the membership lapses on {lapses_on}" in message.alternatives[0][0]


# The management command ---------------------------------------------------------------------------


@pytest.fixture
def due_today(member):
    """The member's -7 stage is due on the real today (the command has no --today)."""
    Member.objects.filter(pk=member.pk).update(
        paid_through=timezone.localdate() + datetime.timedelta(days=7)
    )
    return member


def test_the_command_sends_what_is_due(due_today):
    out = io.StringIO()

    with committed():
        call_command("send_renewal_reminders", stdout=out)

    assert out.getvalue().strip() == "1 reminder(s) sent, 0 failed."
    assert len(mail.outbox) == 1
    assert RenewalReminder.objects.get().stage == -7


def test_the_command_exits_non_zero_when_a_send_failed(due_today, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("send_renewal_reminders", stdout=out)

    assert exit_info.value.code not in (0, None)
    assert out.getvalue().strip() == "0 reminder(s) sent, 1 failed."
    assert RenewalReminder.objects.count() == 0


def test_a_member_without_contacts_is_skipped_not_failed(member):
    member.contacts.all().delete()

    run = remind(day(-30))

    assert run.sent == [] and run.failed == [] and run.skipped == [(member.pk, -30)]
    assert mail.outbox == []
