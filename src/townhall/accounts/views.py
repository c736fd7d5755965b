"""Resident sign-in and sign-out: eID or itsme through OpenID Connect, or an e-mail account."""

import logging

from authlib.integrations.base_client.errors import OAuthError
from authlib.oidc.core import UserInfo
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError
from requests import RequestException

from townhall.accounts import email_accounts, oidc, services
from townhall.accounts.assurance import Assurance, set_session_assurance
from townhall.accounts.durations import duration_text
from townhall.accounts.email_rate_limits import account_email_wait
from townhall.accounts.forms import EmailSignInForm
from townhall.accounts.throttling import client_ip_address
from townhall.page_cache import public_page

logger = logging.getLogger(__name__)

NEXT_KEY = "townhall_sign_in_next"
ID_TOKEN_ERRORS = (OAuthError, JoseError, RequestException, ValueError, KeyError)


def safe_next(request, candidate: str | None) -> str:
    """``candidate`` when it is a path on this site, else My page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:my_page")


@require_GET
@public_page
def sign_in(request):
    """The sign-in choice: eID or itsme (high), or e-mail (low). Without a query
    string and a session it is the same for everyone, so it is kept whole."""
    required = Assurance.parse(request.GET.get("level"))
    next_url = safe_next(request, request.GET.get("next"))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "next": next_url,
            "required": required,
            "high_required": required >= Assurance.HIGH,
            "eid_available": oidc.provider_config() is not None,
            "email_form": EmailSignInForm(),
        },
    )


@require_GET
def oidc_start(request):
    """Send the person to the identity provider (eID, itsme)."""
    config = oidc.provider_config()
    if config is None:
        return _refuse(request, "not_configured", status=503)
    request.session[NEXT_KEY] = safe_next(request, request.GET.get("next"))
    extra = {"acr_values": config.acr_values} if config.acr_values else {}
    language = getattr(request, "LANGUAGE_CODE", "nl")
    try:
        client = oidc.oidc_client(request, config)
        return client.authorize_redirect(
            request,
            request.build_absolute_uri(reverse("accounts:oidc_callback")),
            ui_locales=language,
            **extra,
        )
    except ID_TOKEN_ERRORS as error:
        logger.warning("OIDC provider unreachable: %s", type(error).__name__)
        return _refuse(request, "provider_unreachable", status=502)


@require_GET
def oidc_callback(request):
    """Back from the provider: check everything, link the register's person, sign in."""
    config = oidc.provider_config()
    if config is None:
        return _refuse(request, "not_configured", status=503)
    try:
        client = oidc.oidc_client(request, config)
        token = client.authorize_access_token(
            request, claims_options=oidc.id_token_claims_options(client, config)
        )
    except ID_TOKEN_ERRORS as error:
        logger.warning("OIDC sign-in refused: %s: %s", type(error).__name__, error)
        reason = "cancelled" if request.GET.get("error") == "access_denied" else "invalid"
        return _refuse(request, reason)
    userinfo = token.get("userinfo")
    # Authlib puts the claims of the checked ID token there, as a UserInfo; a plain
    # "userinfo" member of the token response was never checked, so it does not count.
    if not isinstance(userinfo, UserInfo):
        logger.warning("OIDC sign-in refused: the token response had no ID token")
        return _refuse(request, "invalid")
    claims = oidc.claims_from_userinfo(userinfo, config)
    try:
        user = services.resident_account_for_eid(
            subject=claims.subject,
            national_number=claims.national_number,
            given_name=claims.given_name,
            family_name=claims.family_name,
            email=claims.email,
        )
    except ValidationError:
        logger.warning("OIDC sign-in refused: the national number claim is not valid")
        return _refuse(request, "bad_number")
    except services.StaffAccountError:
        logger.warning("OIDC sign-in refused: the identity belongs to a staff account")
        return _refuse(request, "staff_account")
    next_url = request.session.pop(NEXT_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    set_session_assurance(request, Assurance.HIGH)
    services.activity_record(actor=user, action="sign_in.eid", for_person=user.person)
    return HttpResponseRedirect(safe_next(request, next_url))


def _refuse(request, reason: str, *, status: int = 400):
    return render(request, "accounts/sign_in_failed.html", {"reason": reason}, status=status)


@require_POST
def email_sign_in(request):
    """Sign in with e-mail and password, or ask for a sign-in link by e-mail."""
    form = EmailSignInForm(request.POST, request=request)
    next_url = safe_next(request, request.POST.get("next"))
    if "send_link" in request.POST:
        return _send_link(request, next_url)
    if not form.is_valid():
        return _sign_in_page(request, next_url, form, status=400)
    _sign_in_low(request, form.get_user(), "sign_in.password")
    return HttpResponseRedirect(next_url)


def _send_link(request, next_url):
    # The same answer whether or not the address has an account; the limits
    # count every request alike, so a refusal tells nothing either.
    email = request.POST.get("email", "").strip().lower()
    if _is_address(email):
        wait = account_email_wait(client=client_ip_address(request), address=email)
        if wait is not None:
            messages.error(request, _too_many_text(wait))
            form = EmailSignInForm(initial={"email": email})
            return _sign_in_page(request, next_url, form, status=429)
        try:
            email_accounts.sign_in_link_send(email=email, next_url=next_url)
        except email_accounts.AccountEmailUnavailable:
            logger.error("An account e-mail template is not checked for use")
            return _refuse(request, "mail_unavailable", status=503)
    messages.info(
        request,
        _(
            "If an account exists for this address, we sent a sign-in "
            "link to it. The link works once, for %(validity)s."
        )
        % {"validity": duration_text(email_accounts.LINK_MAX_AGE)},
    )
    return redirect(f"{reverse('accounts:sign_in')}?{urlencode({'next': next_url})}")


def _is_address(text: str) -> bool:
    # What is no address has no account; it must not reach a query (a NUL byte
    # there is a server error on PostgreSQL), and the answer stays the same.
    try:
        validate_email(text)
    except ValidationError:
        return False
    return "\x00" not in text


def _too_many_text(wait_seconds: int) -> str:
    return _(
        "We sent too many e-mails for this address or from your connection. "
        "For your safety we send no more for now. Please try again in %(wait)s."
    ) % {"wait": duration_text(wait_seconds)}


def _sign_in_page(request, next_url, form, *, status):
    return render(
        request,
        "accounts/sign_in.html",
        {
            "next": next_url,
            "email_form": form,
            "required": Assurance.NONE,
            "eid_available": oidc.provider_config() is not None,
        },
        status=status,
    )


def _sign_in_low(request, user, action):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    set_session_assurance(request, Assurance.LOW)
    services.activity_record(actor=user, action=action)


def sign_in_link(request, token):
    """A sign-in link from an e-mail: works once, for a short time. Mail scanners
    follow links, so signing in takes a click (a POST) on our own page."""
    user = email_accounts.sign_in_link_user(token)
    if user is None:
        return _refuse(request, "link_invalid")
    if request.method != "POST":
        return render(request, "accounts/sign_in_link.html", {"token": token})
    session = request.session
    password_removed = email_accounts.email_mark_verified(user, session=session)
    _sign_in_low(request, user, "sign_in.link")
    if password_removed:
        messages.info(
            request,
            _(
                "Your e-mail address is confirmed. This account was made in another browser, "
                "so for your safety the password chosen then no longer works. Sign in with a "
                "link that we e-mail to you."
            ),
        )
    return HttpResponseRedirect(safe_next(request, email_accounts.sign_in_link_next(token)))


def register(request):
    """Create an e-mail account (for people without eID); the address is verified.

    The page that follows is the same whether the address was new or had an
    account already (its owner gets a mail about it), so it reveals nothing.
    """
    form = email_accounts.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        wait = account_email_wait(client=client_ip_address(request), address=email)
        if wait is not None:
            form.add_error(None, _too_many_text(wait))
            return render(request, "accounts/register.html", {"form": form}, status=429)
        try:
            user = email_accounts.account_register(form=form)
        except email_accounts.AccountEmailUnavailable:
            logger.error("An account e-mail template is not checked for use")
            return _refuse(request, "mail_unavailable", status=503)
        # Written for a new and a known address alike, so the session cookie
        # that follows tells nothing either.
        email_accounts.registration_remember(request.session, user.pk if user else None)
        return render(request, "accounts/register_sent.html", {"email": email})
    return render(request, "accounts/register.html", {"form": form})


@require_POST
def sign_out(request):
    """Sign out of Townhall (and of the demo identity provider's session)."""
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:home")
