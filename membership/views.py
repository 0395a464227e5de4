"""Join, thanks, retry and renew (routes of JoinPage), and the billing-portal redirect."""

import logging

import stripe
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chamber.http import SeeOther
from chamber.ratelimit import allow, client_address, client_ip
from membership import join_extras, referrals
from membership.applications import submit_application
from membership.checkout import (
    CHECKOUT_SESSION_ID,
    first_charge_day,
    fulfil_checkout_session,
    start_join_checkout,
    start_renewal_checkout,
)
from membership.forms import ApplicationForm
from membership.models.applications import APPLICANT_FIELDS, OPEN_STATUSES, Application
from membership.models.members import Member, MembershipLevel
from membership.stripe_gateway import stripe_enabled
from membership.tokens import renewal_member_id

logger = logging.getLogger(__name__)

# What the thanks page confirms (the address and level typed) is kept in the session, not in
# its URL: the answer is the same whether or not the address belongs to a member, and a link
# to it shows nothing to anyone else.
THANKS_SESSION_KEY = "membership_join_thanks"
RETRY_SALT = "membership.join.retry"  # "try Checkout again", posted from the retry page
RETRY_MAX_AGE = 60 * 60 * 24 * 2
# Back from Stripe without paying, the form is filled in again from the application this
# browser session started: its id is kept in the session, never in a URL someone could share.
RESUME_SESSION_KEY = "membership_join_resume"


def _context(page, **extra):
    levels = MembershipLevel.objects.filter(active=True)
    return {
        "page": page,
        "self": page,
        "levels": levels,
        "stripe": stripe_enabled(),
        "extras": join_extras.join_sections(),  # member rates at events, say
        **extra,
    }


def _signed_application(token: str, *, salt: str, max_age: int) -> Application | None:
    """The application a token signed with `salt` names."""
    try:
        application_id = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return Application.objects.select_related("level").filter(pk=application_id).first()


def _resume_initial(request) -> dict:
    """What the applicant typed, back in the form after cancelling at Stripe (only in the
    browser session that went there, and only while the application is open)."""
    if not request.GET.get("resume"):
        return {}
    application = (
        Application.objects.filter(
            pk=request.session.get(RESUME_SESSION_KEY),
            status__in=OPEN_STATUSES,
        ).first()
        if request.session.get(RESUME_SESSION_KEY)
        else None
    )
    if application is None:
        return {}
    initial = {name: getattr(application, name) for name in APPLICANT_FIELDS}
    initial["level"] = application.level_id
    initial["primary_category"] = application.primary_category_id
    return initial


@never_cache
def join(request, *, page):
    if request.method == "POST":
        form = ApplicationForm(request.POST, online_payment=stripe_enabled())
        # Every post counts, valid or not: the form must not be an unlimited oracle.
        limit = settings.JOIN_RATE_LIMIT_PER_HOUR
        if not allow("join", client_ip(request), limit=limit, window_seconds=3600):
            form.is_valid()  # show what was typed, with any field errors
            form.add_error(
                None,
                "We have received several applications from your network in the last "
                "hour. Please try again later, or contact the chamber office.",
            )
            return TemplateResponse(
                request, "membership/join_page.html", _context(page, form=form), status=429
            )
        if form.is_valid():
            thanks = page.url + page.reverse_subpage("thanks_view")
            if form.is_spam:
                # Bots get the same answer as people and nothing is stored or sent.
                return SeeOther(thanks)
            application = form.save(commit=False)
            application.submitted_from = client_address(request)
            if referral := referrals.read(request.session.get(referrals.SESSION_KEY)):
                application.source = referral.source
            submitted = submit_application(application, notify=not stripe_enabled())
            if submitted.application is not None and stripe_enabled():
                return _to_checkout(request, page, submitted.application)
            # A member's address (its holder was e-mailed instead) gets the same answer as
            # anyone's, so the form tells a stranger nothing.
            request.session[THANKS_SESSION_KEY] = {
                "email": application.email,
                "level": {"name": application.level.name},
            }
            return SeeOther(thanks)
    else:
        initial = _resume_initial(request) or _referral_initial(request) or _chosen_level(request)
        form = ApplicationForm(initial=initial, online_payment=stripe_enabled())
    return TemplateResponse(request, "membership/join_page.html", _context(page, form=form))


def _referral_initial(request) -> dict:
    """The fields a join link filled in (`?ref=`, membership/referrals.py); the link's source
    is kept in the session for the application this browser submits."""
    referral = referrals.read(request.GET.get("ref"))
    if referral is None:
        return {}
    request.session[referrals.SESSION_KEY] = request.GET["ref"]
    return {**referral.initial, **_chosen_level(request)}


def _chosen_level(request) -> dict:
    """The level a "Choose" button on a level card named (`?level=<slug>`), chosen in the
    form; an unknown or inactive one is ignored."""
    slug = request.GET.get("level", "")
    level = MembershipLevel.objects.filter(active=True, slug=slug).first() if slug else None
    return {"level": level.pk} if level else {}


def _to_checkout(request, page, application):
    thanks = request.build_absolute_uri(page.url + page.reverse_subpage("thanks_view"))
    request.session[RESUME_SESSION_KEY] = application.pk
    try:
        url = start_join_checkout(
            application,
            success_url=thanks + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(page.url) + "?resume=1#apply",
        )
    except stripe.StripeError:
        logger.exception("Checkout for application %s failed", application.pk)
        return TemplateResponse(
            request,
            "membership/join_retry.html",
            _context(
                page,
                application=application,
                token=signing.dumps(application.pk, salt=RETRY_SALT),
            ),
            status=503,
        )
    return SeeOther(url)


def join_retry(request, *, page):
    """Try Checkout again for a saved application (after a Stripe error)."""
    if request.method != "POST" or not stripe_enabled():
        return SeeOther(page.url)
    application = _signed_application(
        request.POST.get("token", ""), salt=RETRY_SALT, max_age=RETRY_MAX_AGE
    )
    if application is None or application.status not in OPEN_STATUSES:
        return SeeOther(page.url)
    return _to_checkout(request, page, application)


@never_cache
@require_GET
def join_thanks(request, *, page):
    session_id = request.GET.get("session_id", "")
    if session_id and stripe_enabled():
        if not CHECKOUT_SESSION_ID.fullmatch(session_id):
            raise Http404("No such checkout")
        try:
            fulfilment = fulfil_checkout_session(session_id)
        except stripe.InvalidRequestError:
            raise Http404("No such checkout") from None
        except stripe.StripeError:
            logger.exception("Could not confirm checkout %s", session_id)
            fulfilment = None
        return TemplateResponse(
            request,
            "membership/join_thanks.html",
            _context(page, fulfilment=fulfilment, paid=True),
        )
    application = request.session.pop(THANKS_SESSION_KEY, None)
    return TemplateResponse(
        request,
        "membership/join_thanks.html",
        _context(page, application=application, paid=False),
    )


@never_cache
def renew(request, *, page):
    """The pay link of a renewal reminder (`?token=`): one year of dues, no login needed."""
    member_id = renewal_member_id(request.GET.get("token", ""))
    if member_id is None:
        raise Http404("This renewal link has expired or is not valid.")
    member = Member.objects.select_related("level").filter(pk=member_id).first()
    if member is None or member.status == Member.Status.CANCELLED:
        raise Http404("No such membership")
    renews_itself = member.renews_automatically
    error = False
    if request.method == "POST" and stripe_enabled() and not renews_itself:
        thanks = request.build_absolute_uri(page.url + page.reverse_subpage("thanks_view"))
        contact = member.primary_contacts().first()
        try:
            url = start_renewal_checkout(
                member,
                auto_renew=request.POST.get("choice") == "auto",
                email=contact.user.email if contact else "",
                success_url=thanks + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=request.build_absolute_uri(request.get_full_path()),
            )
            return SeeOther(url)
        except stripe.StripeError:
            logger.exception("Renewal checkout for member %s failed", member.pk)
            error = True
    return TemplateResponse(
        request,
        "membership/renew.html",
        _context(
            page,
            member=member,
            error=error,
            renews_itself=renews_itself,
            first_charge=first_charge_day(member),
        ),
        status=503 if error else 200,
    )
