"""Join, thanks, retry and renew (routes of JoinPage), and the billing-portal redirect."""

import logging

import stripe
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chamber import emails
from chamber.http import SeeOther
from chamber.ratelimit import allow, client_address, client_ip
from membership.checkout import (
    CHECKOUT_SESSION_ID,
    first_charge_day,
    fulfil_checkout_session,
    start_join_checkout,
    start_renewal_checkout,
)
from membership.forms import ApplicationForm
from membership.models.applications import APPLICANT_FIELDS, Application
from membership.models.members import Member, MembershipLevel
from membership.stripe_gateway import stripe_enabled
from membership.tokens import renewal_member_id

logger = logging.getLogger(__name__)

RESUME_SALT = "membership.join.resume"
RESUME_MAX_AGE = 60 * 60 * 24 * 2


def _context(page, **extra):
    levels = MembershipLevel.objects.filter(active=True)
    return {"page": page, "self": page, "levels": levels, "stripe": stripe_enabled(), **extra}


def _signed_application(token: str) -> Application | None:
    """The application a signed token (from `signing.dumps(pk, salt=RESUME_SALT)`) names."""
    try:
        application_id = signing.loads(token, salt=RESUME_SALT, max_age=RESUME_MAX_AGE)
    except signing.BadSignature:
        return None
    return Application.objects.select_related("level").filter(pk=application_id).first()


def _resume_initial(request) -> dict:
    """What the applicant typed, back in the form after cancelling at Stripe."""
    application = _signed_application(request.GET.get("resume", ""))
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
        if form.is_valid():
            if form.is_spam:
                # Bots get the same answer as people and nothing is stored or sent.
                return SeeOther(page.url + page.reverse_subpage("thanks_view"))
            limit = settings.JOIN_RATE_LIMIT_PER_HOUR
            if not allow("join", client_ip(request), limit=limit, window_seconds=3600):
                form.add_error(
                    None,
                    "We have received several applications from your network in the last "
                    "hour. Please try again later, or contact the chamber office.",
                )
                return TemplateResponse(
                    request, "membership/join_page.html", _context(page, form=form), status=429
                )
            application = form.save(commit=False)
            application.submitted_from = client_address(request)
            if stripe_enabled():
                application.save()
                return _to_checkout(request, page, application)
            with transaction.atomic():  # the application and its e-mails, together
                application.save()
                _send_application_received(application.pk)
            token = signing.dumps(application.pk, salt=RESUME_SALT)
            return SeeOther(f"{page.url}{page.reverse_subpage('thanks_view')}?application={token}")
    else:
        form = ApplicationForm(initial=_resume_initial(request), online_payment=stripe_enabled())
    return TemplateResponse(request, "membership/join_page.html", _context(page, form=form))


def _to_checkout(request, page, application):
    thanks = request.build_absolute_uri(page.url + page.reverse_subpage("thanks_view"))
    resume = signing.dumps(application.pk, salt=RESUME_SALT)
    try:
        url = start_join_checkout(
            application,
            success_url=thanks + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(page.url) + f"?resume={resume}#apply",
        )
    except stripe.StripeError:
        logger.exception("Checkout for application %s failed", application.pk)
        return TemplateResponse(
            request,
            "membership/join_retry.html",
            _context(page, application=application, token=resume),
            status=503,
        )
    return SeeOther(url)


def join_retry(request, *, page):
    """Try Checkout again for a saved application (after a Stripe error)."""
    if request.method != "POST" or not stripe_enabled():
        return SeeOther(page.url)
    application = _signed_application(request.POST.get("token", ""))
    if application is None or application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.AWAITING_PAYMENT,
    ):
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
    application = _signed_application(request.GET.get("application", ""))
    return TemplateResponse(
        request,
        "membership/join_thanks.html",
        _context(page, application=application, paid=False),
    )


def _send_application_received(application_id: int) -> None:
    application = Application.objects.select_related("level").get(pk=application_id)
    context = {"application": application}
    emails.send("membership/emails/application_received", [application.email], context)
    emails.send("membership/emails/staff_new_application", emails.staff_recipients(), context)


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
