"""Logging in: by e-mail address (any case) or username, with django-axes counting failures.

Members log in with the e-mail address their membership was set up with; staff may still use
their username. django-axes locks a (username, address) pair after too many failures, and a
completed password reset lifts the lock for that user, so a member who was locked out always
has a way back in.
"""

import hashlib
import logging

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from chamber.emails import site_context
from chamber.ratelimit import allow, client_address, client_ip

logger = logging.getLogger(__name__)


def find_login_user(identifier: str):
    """The user an e-mail address or username names, or None (also when ambiguous)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model()._default_manager
    field = "email__iexact" if "@" in identifier else "username__iexact"
    matches = list(users.filter(**{field: identifier})[:2])
    if len(matches) == 1:
        return matches[0]
    # Staff usernames may contain "@" too: an exact username always wins.
    return users.filter(username=identifier).first()


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            # Hash anyway, so a missing account takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """One lockout key per person, whatever case or spelling of the address they type."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    user = find_login_user(raw)
    return user.get_username() if user else raw.strip().lower()


def axes_client_ip(request) -> str | None:
    """The client's address, as for the join limit (chamber.ratelimit.client_address: forwarded
    headers count only from the trusted proxies). None when there is none, e.g. a log-in made
    in code."""
    return client_address(request)


def lift_lockout(user) -> None:
    """Forget failed log-ins for `user` (after a password reset): the way back in."""
    axes_reset(username=user.get_username())


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    remember_me = forms.BooleanField(
        label=_("Keep me logged in on this device for two weeks"), required=False
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That e-mail address and password don't match an account (the password is "
            "case-sensitive). Forgotten your password? Reset it below."
        ),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember_me"):
            # Ends with the browser session; Django has already rotated the session key.
            self.request.session.set_expiry(0)
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out stays POST-only (a GET that logged out would let any page or e-mail log a
    member out with a link or an image); a GET, from a bookmark or a typed address, shows a
    page with the button instead of Django's blank 405."""

    http_method_names = ["get", "post", "options"]
    confirm_template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        # Where to go afterwards, if it is on this site (`next` is checked as the POST does).
        return TemplateResponse(
            request, self.confirm_template_name, {"next": self.get_redirect_url()}
        )


class PasswordResetView(auth_views.PasswordResetView):
    """The one password reset (the Wagtail admin's URL redirects here): by e-mail (plain text
    and HTML), at most PASSWORD_RESET_RATE_LIMIT_PER_HOUR requests per client address an hour,
    and at most PASSWORD_RESET_PER_RECIPIENT_PER_HOUR e-mails to one address however many
    clients ask: the form sends mail, so it must not be a mail cannon, nor a way to flood one
    member's inbox. Past the recipient's limit the answer is the usual "check your e-mail"
    page, so it says nothing about the address."""

    html_email_template_name = "registration/password_reset_email_html.html"

    def form_valid(self, form):
        limit = settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR
        if not allow("password_reset", client_ip(self.request), limit=limit, window_seconds=3600):
            form.add_error(
                None,
                _(
                    "Several reset e-mails were requested from your network; please try again "
                    "in an hour or contact the chamber office."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        recipient = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        if not allow(
            "password_reset_to",
            recipient,
            limit=settings.PASSWORD_RESET_PER_RECIPIENT_PER_HOUR,
            window_seconds=3600,
        ):
            logger.warning("Password reset e-mails to one address held back: too many this hour")
            return HttpResponseRedirect(self.get_success_url())
        # Links on the site's address (SITE_URL), not the host this request came in on, and
        # the chamber's name rather than that host as the "site name".
        context = site_context()
        chamber = context["chamber"]
        self.extra_email_context = {**context, "site_name": chamber.name if chamber else ""}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        lift_lockout(form.user)
        return response
