"""E-mails to the offering member (deals/notifications.py): "your deal is live" on its first
publication, and "your deal ends soon" once, from the daily `send_deal_expiry_reminders`."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from chamber import emails
from deals.models import DealNotice
from membership.models import MemberContact
from tests.deals.helpers import DAY, deal_url
from tests.factories import DealFactory, MemberContactFactory, MemberFactory, UserFactory
from tests.mail import committed

pytestmark = pytest.mark.django_db

MINUTE = timezone.timedelta(minutes=1)
OLIVE = "olive@riverbend.example"


def run_reminders() -> str:
    out = io.StringIO()
    with committed():
        call_command("send_deal_expiry_reminders", stdout=out)
    return out.getvalue()


def subjects(mailbox) -> list[str]:
    return [message.subject for message in mailbox]


# -- go-live ---------------------------------------------------------------------------------


@pytest.fixture
def draft_deal(offering_business):
    """A deal a member submitted: saved as a draft revision, never published."""
    deal = DealFactory(
        business=offering_business,
        title="Two croissants for one",
        summary="For fellow members.",
        live=False,
        valid_from=timezone.now() - MINUTE,
    )
    deal.save_revision()
    return deal


def test_first_publication_emails_the_primary_contacts_once(
    draft_deal, offering_business, mailoutbox, django_capture_on_commit_callbacks
):
    MemberContactFactory(
        member=offering_business.member,
        user=UserFactory(username="stan", email="stan@riverbend.example"),
        role=MemberContact.Role.STAFF,
    )
    second_primary = MemberContactFactory(
        member=offering_business.member,
        user=UserFactory(username="pat", email="pat@riverbend.example"),
        role=MemberContact.Role.PRIMARY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft_deal.save_revision().publish()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Your deal is approved: Two croissants for one"
    assert sorted(message.to) == sorted([OLIVE, second_primary.user.email])
    assert "It is shown on the deals page now." in message.body
    assert deal_url(draft_deal) in message.body
    assert DealNotice.objects.filter(deal=draft_deal, kind=DealNotice.Kind.LIVE).count() == 1

    # Edited and published again; unpublished and published again: nothing more.
    draft_deal.refresh_from_db()
    draft_deal.summary = "Now for everyone."
    with django_capture_on_commit_callbacks(execute=True):
        draft_deal.save_revision().publish()
        draft_deal.unpublish()
        draft_deal.save_revision().publish()
    assert len(mailoutbox) == 1


def test_deal_starting_later_says_from_when(
    draft_deal, mailoutbox, django_capture_on_commit_callbacks
):
    draft_deal.valid_from = timezone.now() + 5 * DAY
    draft_deal.save()
    with django_capture_on_commit_callbacks(execute=True):
        draft_deal.save_revision().publish()
    [message] = mailoutbox
    assert "It will be shown from" in message.body


def test_member_without_a_primary_contact_mails_every_contact(
    deal_factory, business_factory, mailoutbox, django_capture_on_commit_callbacks
):
    member = MemberFactory(name="Staffed Co")
    MemberContactFactory(
        member=member,
        user=UserFactory(username="bill", email="bill@staffed.example"),
        role=MemberContact.Role.BILLING,
    )
    business = business_factory("Staffed Shop", member=member)
    with django_capture_on_commit_callbacks(execute=True):
        deal_factory(business, publish=True)
    [message] = mailoutbox
    assert message.to == ["bill@staffed.example"]


def test_publication_rolled_back_mails_nobody(
    draft_deal, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft_deal.save_revision().publish()
    assert callbacks  # the e-mail waits for the commit...
    assert mailoutbox == []  # ...which a rolled-back transaction never reaches


# -- expiry reminders ------------------------------------------------------------------------


@pytest.fixture
def ending(offering_business, deal_factory):
    now = timezone.now()
    return {
        "in two days": deal_factory(
            offering_business, title="Ends in two days", valid_until=now + 2 * DAY
        ),
        "within three days": deal_factory(
            offering_business, title="Ends within three days", valid_until=now + 3 * DAY - MINUTE
        ),
        "in four days": deal_factory(
            offering_business, title="Ends in four days", valid_until=now + 3 * DAY + 10 * MINUTE
        ),
        "ended": deal_factory(offering_business, title="Ended yesterday", valid_until=now - DAY),
        "ongoing": deal_factory(offering_business, title="Ongoing", valid_until=None),
        "draft": deal_factory(
            offering_business, title="Draft ending", live=False, valid_until=now + DAY
        ),
        "not started": deal_factory(
            offering_business,
            title="Not started",
            valid_from=now + DAY,
            valid_until=now + 2 * DAY,
        ),
    }


REMINDED = {"Your deal ends soon: Ends in two days", "Your deal ends soon: Ends within three days"}


def test_reminders_go_once_for_deals_ending_within_three_days(ending, mailoutbox):
    output = run_reminders()
    assert set(subjects(mailoutbox)) == REMINDED
    assert len(mailoutbox) == 2
    assert "2 deal(s) reminded, 0 failed, 0 skipped" in output
    for message in mailoutbox:
        assert message.to == [OLIVE]
        assert "/account/deals/" in message.body
    assert set(
        DealNotice.objects.filter(kind=DealNotice.Kind.EXPIRING).values_list(
            "deal__title", flat=True
        )
    ) == {"Ends in two days", "Ends within three days"}
    assert "0 deal(s) reminded" in run_reminders()
    assert len(mailoutbox) == 2


def test_a_deal_is_reminded_when_it_comes_within_three_days(ending, mailoutbox, clock):
    run_reminders()
    mailoutbox.clear()
    clock(timezone.now() + DAY)
    run_reminders()
    assert sorted(subjects(mailoutbox)) == [
        "Your deal ends soon: Ends in four days",
        "Your deal ends soon: Not started",  # on show now, ending tomorrow
    ]


def test_deal_of_a_hidden_listing_is_not_reminded(ending, offering_business, mailoutbox):
    offering_business.unpublish()
    assert "0 deal(s) reminded" in run_reminders()
    assert mailoutbox == []


def test_failed_send_is_not_recorded_and_is_retried(ending, mailoutbox):
    failing = ending["in two days"]
    real_send = emails.send

    def send(name, to, context):
        if context["deal"].pk == failing.pk:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(name, to, context)

    with mock.patch("chamber.emails.send", side_effect=send), pytest.raises(SystemExit) as exit:
        run_reminders()
    assert exit.value.code == 1
    assert subjects(mailoutbox) == ["Your deal ends soon: Ends within three days"]
    assert not DealNotice.objects.filter(deal=failing).exists()
    output = run_reminders()
    assert "1 deal(s) reminded, 0 failed" in output
    assert subjects(mailoutbox)[1:] == ["Your deal ends soon: Ends in two days"]
    assert DealNotice.objects.filter(deal=failing, kind=DealNotice.Kind.EXPIRING).exists()


def test_member_without_contacts_is_skipped(business_factory, deal_factory, mailoutbox):
    member = MemberFactory(name="Nobody Home Co")
    business = business_factory("Nobody Home", member=member)
    member.contacts.all().delete()
    deal = deal_factory(business, valid_until=timezone.now() + DAY)
    output = run_reminders()
    assert "0 deal(s) reminded, 0 failed, 1 skipped" in output
    assert mailoutbox == []
    assert not DealNotice.objects.filter(deal=deal).exists()
