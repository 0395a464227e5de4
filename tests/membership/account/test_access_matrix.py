"""Every /account/ URL, as every kind of visitor: the access matrix (no IDOR).

The URL patterns are read from the URLconf: every pattern under /account/, whichever app
serves it (membership's own pages, the directory's listings, the deals), so a new account view
without a row here fails `test_every_account_url_is_in_the_matrix`. Each URL is filled with
member A's objects (A's receipt, listing, deal, contact, invitation) and requested as:
anonymous, A's primary contact, B's primary contact, a lapsed member's contact, and chamber
staff who represent no member. Besides the status, no one but A may see A's private details in
the answer.
"""

import datetime

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from deals.models import Deal
from membership.account.contact_services import invitation_token
from membership.models import ContactInvitation, MemberContact, Payment
from tests.factories import JobPostingFactory, MemberContactFactory, UserFactory

# Strings only member A's own pages may contain.
A_SECRETS = ("A-RECEIPT-REF-7731", "stella@aspen.example", "invitee@elsewhere.example")

REDIRECT = "redirect"  # 302 or 303
LOGIN = "login"  # a redirect to the login page
HELP = "help"  # the "this login represents no member" page (200)
VISITORS = ("anonymous", "member_a", "member_b", "lapsed", "staff")

# "namespace:name": (method, POST data, expected status for each of VISITORS)
MATRIX = {
    "account:dashboard": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account:switch_member": ("post", {"member": "A"}, (LOGIN, REDIRECT, REDIRECT, REDIRECT, HELP)),
    "account:pay": ("post", {"choice": "once"}, (LOGIN, REDIRECT, REDIRECT, REDIRECT, HELP)),
    "account:paid": ("get", {}, (LOGIN, REDIRECT, REDIRECT, REDIRECT, HELP)),
    "account:auto_renew": (
        "post",
        {"auto_renew": "off"},
        (LOGIN, REDIRECT, REDIRECT, REDIRECT, HELP),
    ),
    # Stripe is off here: nobody has card billing to manage.
    "account:billing_portal": ("get", {}, (LOGIN, 404, 404, 404, HELP)),
    "account:level_change": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account:receipts": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account:receipt": ("get", {}, (LOGIN, 200, 404, 404, HELP)),
    "account:contacts": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account:contact_invite": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account:contact_role": ("post", {"role": "billing"}, (LOGIN, REDIRECT, 404, 404, HELP)),
    "account:contact_remove": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
    "account:invitation_revoke": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
    # The e-mailed link is a capability: whoever holds it sees the invitation (not A's data).
    "account:invitation_accept": ("get", {}, (200, 200, 200, 200, 200)),
    "account_listings:listings": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_listings:listing_edit": ("get", {}, (LOGIN, 200, 404, 404, HELP)),
    "account_listings:listing_withdraw": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
    "account_listings:listing_confirm": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
    # Each member's own listings' numbers (the listing filter's IDOR: test_engagement.py).
    "account_listing_statistics:statistics": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_deals:deals": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_deals:deal_new": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_deals:deal_edit": ("get", {}, (LOGIN, 200, 404, 404, HELP)),
    "account_deals:deal_withdraw": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
    "account_events:events": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_events:event_new": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    # Each member's own jobs: another member's job is a 404 (repost and close are posted).
    "account_jobs:jobs": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_jobs:job_new": ("get", {}, (LOGIN, 200, 200, 200, HELP)),
    "account_jobs:job_edit": ("get", {}, (LOGIN, 200, 404, 404, HELP)),
    "account_jobs:job_close": ("post", {"filled": "yes"}, (LOGIN, REDIRECT, 404, 404, HELP)),
    "account_jobs:job_repost": ("post", {}, (LOGIN, REDIRECT, 404, 404, HELP)),
}


def account_url_names() -> set[str]:
    """ "namespace:name" of every URL pattern mounted under /account/."""
    return {
        f"{mount.namespace}:{pattern.name}"
        for mount in get_resolver().url_patterns
        if str(mount.pattern).startswith("account/")
        for pattern in mount.url_patterns
    }


def test_every_account_url_is_in_the_matrix():
    assert account_url_names() == set(MATRIX)


@pytest.fixture
def world(member_a, member_b, lapsed_member):
    """A's objects behind every URL, and a user for each visitor."""
    staff_user = UserFactory(
        username="stella@aspen.example", email="stella@aspen.example", first_name="Stella"
    )
    staff_contact = MemberContactFactory(
        member=member_a, user=staff_user, role=MemberContact.Role.STAFF
    )
    payment = Payment.objects.create(
        member=member_a,
        amount=995,
        currency="usd",
        method=Payment.Method.CHEQUE,
        paid_on=timezone.localdate(),
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + datetime.timedelta(days=365),
        reference="A-RECEIPT-REF-7731",
    )
    invitation = ContactInvitation.objects.create(
        member=member_a,
        email="invitee@elsewhere.example",
        role=MemberContact.Role.STAFF,
        invited_by=member_a.user,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    deal = Deal.objects.create(
        business=member_a.business, title="A dozen for ten", summary="Bread.", live=True
    )
    job = JobPostingFactory(business=member_a.business, title="Counter assistant")
    chamber_staff = UserFactory(username="office", email="office@chamber.example", is_staff=True)
    listing = {"slug": member_a.business.slug}
    return {
        "kwargs": {
            "account:receipt": {"pk": payment.pk},
            "account:contact_role": {"pk": staff_contact.pk},
            "account:contact_remove": {"pk": staff_contact.pk},
            "account:invitation_revoke": {"pk": invitation.pk},
            "account:invitation_accept": {"token": invitation_token(invitation)},
            "account_listings:listing_edit": listing,
            "account_listings:listing_withdraw": listing,
            "account_listings:listing_confirm": listing,
            "account_deals:deal_edit": {"slug": deal.slug},
            "account_deals:deal_withdraw": {"slug": deal.slug},
            "account_jobs:job_edit": {"slug": job.slug},
            "account_jobs:job_close": {"slug": job.slug},
            "account_jobs:job_repost": {"slug": job.slug},
        },
        "users": {
            "anonymous": None,
            "member_a": member_a.user,
            "member_b": member_b.user,
            "lapsed": lapsed_member.user,
            "staff": chamber_staff,
        },
        "member_a": member_a,
    }


def check(response, expected, path):
    if expected == LOGIN:
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    elif expected == REDIRECT:
        assert response.status_code in (302, 303), (path, response.status_code)
        assert not response["Location"].startswith("/accounts/login/"), path
    elif expected == HELP:
        assert response.status_code == 200, path
        assert "represent a member business yet" in response.text, path
    else:
        assert response.status_code == expected, (path, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(world, name):
    method, data, expected = MATRIX[name]
    path = reverse(name, kwargs=world["kwargs"].get(name, {}))
    data = {key: world["member_a"].pk if value == "A" else value for key, value in data.items()}
    # Member A last: A's own requests may change A's objects (remove a contact, revoke...).
    for visitor in sorted(VISITORS, key=lambda visitor: visitor == "member_a"):
        client = Client()
        user = world["users"][visitor]
        if user is not None:
            client.force_login(user)

        response = getattr(client, method)(path, data)

        check(response, expected[VISITORS.index(visitor)], f"{visitor} {path}")
        # The invitation page shows the invited address to whoever holds the link, by design.
        if (
            visitor != "member_a"
            and response.status_code == 200
            and name != "account:invitation_accept"
        ):
            body = response.content.decode()
            leaked = [secret for secret in A_SECRETS if secret in body]
            assert leaked == [], (path, visitor, leaked)
