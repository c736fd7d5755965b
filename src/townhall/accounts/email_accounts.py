"""E-mail accounts for people without eID (assurance *low*).

1. Registration stores the account with the e-mail address as username and
   sends a verification link; the address counts only once verified.
2. Sign-in is by password, or by a link sent to the address. A link is signed,
   expires (15 minutes; 24 hours for the first verification) and works once:
   it is bound to the account's last sign-in, which changes when it is used.
3. A password typed at registration counts only once the address is proven in
   the same browser: the first verification from another browser (the
   mailbox's owner, who may not be the one who registered) removes it, so
   nobody can register someone else's address, wait for its owner to click
   the link, and then sign in with the password they chose.
4. Replies never reveal whether an address has an account; the limits of
   :mod:`townhall.accounts.email_rate_limits` count every request alike.
5. The mails go through the messaging outbox (personal, urgent queue) to the
   account's own address, so a mail server that is down means a retry with
   backoff, and the message is in the log (the person's, when the account
   has one). The link itself is made by :class:`AccountEmailLink` only when
   the mail is handed over: the outbox never stores a usable token, and the
   link's 15 minutes start when it leaves, not when it was asked for.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.accounts.durations import duration_text
from townhall.accounts.models import User
from townhall.languages import interface_language
from townhall.messaging.errors import PermanentFailure
from townhall.messaging.secret_values import SecretSource, secret_sources
from townhall.messaging.services import EmailRecipient, message_send, templates_usable

LINK_SALT = "townhall.accounts.sign-in-link"
LINK_MAX_AGE = 15 * 60
VERIFY_MAX_AGE = 24 * 3600
LINK_SOURCE = "accounts.email-link"
# The outbox's templates for these mails (messaging/seed/account-*.toml).
SIGN_IN_LINK_TEMPLATE = "account-sign-in-link"
VERIFY_TEMPLATE = "account-verify"
ALREADY_REGISTERED_TEMPLATE = "account-already-registered"
TEMPLATES = [SIGN_IN_LINK_TEMPLATE, VERIFY_TEMPLATE, ALREADY_REGISTERED_TEMPLATE]


class AccountEmailUnavailable(Exception):
    """An account mail template is not checked for use (staff changed it), so no
    account e-mail can be sent; nothing was written."""


class RegistrationForm(forms.Form):
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),  # the form marks a field that is not required itself
        required=False,
        strip=False,
        help_text=_(
            "At least 10 characters. Without a password you sign in with a link "
            "that we e-mail to you."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("email"):
            candidate = User(
                username=data["email"],
                email=data["email"],
                first_name=data.get("given_name", ""),
                last_name=data.get("family_name", ""),
            )
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


def _state(user: User) -> str:
    material = f"{user.pk}|{user.last_login}|{user.password}|{user.email}"
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def _token(user: User, *, purpose: str, next_url: str = "") -> str:
    return signing.dumps(
        {"u": user.pk, "s": _state(user), "p": purpose, "n": next_url}, salt=LINK_SALT
    )


def _payload(token: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def sign_in_link_user(token: str) -> User | None:
    """The account a link signs in, or None when it is forged, expired or used."""
    payload = _payload(token)
    if payload is None:
        return None
    if payload.get("p") == "link":
        try:
            signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
        except signing.BadSignature:
            return None
    user = User.objects.filter(pk=payload.get("u"), is_active=True, kind=User.Kind.RESIDENT).first()
    if user is None or _state(user) != payload.get("s"):
        return None
    return user


def sign_in_link_next(token: str) -> str:
    """The page a link returns to (checked again by the view before use)."""
    payload = _payload(token) or {}
    return payload.get("n") or ""


REGISTERED_SESSION_KEY = "townhall_registered_account"


def registration_remember(session, user_pk: int | None) -> None:
    """Remember in the registering browser's session which account it made (None for
    a known address: written all the same, so the response looks alike)."""
    session[REGISTERED_SESSION_KEY] = user_pk


def email_mark_verified(user: User, *, session) -> bool:
    """The account's address is proven: a link sent to it was used in ``session``.

    At the first proof, a password chosen at registration is kept only when the
    same browser registered the account; otherwise whoever registered may not
    own the mailbox, and the password is made unusable (the owner signs in with
    links, as without a password). Returns whether a password was removed.
    """
    if user.email_verified_at is not None:
        return False
    same_browser = session.get(REGISTERED_SESSION_KEY) == user.pk
    dropped = user.has_usable_password() and not same_browser
    user.email_verified_at = timezone.now()
    fields = ["email_verified_at"]
    if dropped:
        user.set_unusable_password()
        fields.append("password")
    user.save(update_fields=fields)
    return dropped


def sign_in_link_url(token: str) -> str:
    """The absolute link, on the site's public address (never the request's Host)."""
    path = reverse("accounts:sign_in_link", args=[token])
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}"


@secret_sources(LINK_SOURCE)
class AccountEmailLink(SecretSource):
    """Makes the sign-in link of an account mail when the outbox hands it over."""

    placeholders = ("link",)

    def values(self, arguments):
        user = User.objects.filter(
            pk=arguments.get("user"), is_active=True, kind=User.Kind.RESIDENT
        ).first()
        if user is None:
            raise PermanentFailure(gettext("The account no longer exists or is closed."))
        token = _token(
            user, purpose=str(arguments.get("purpose", "link")), next_url=arguments.get("next", "")
        )
        return {"link": sign_in_link_url(token)}


def _check_templates() -> None:
    # Checked before any account is looked up, so that a template that cannot be
    # used answers alike for every address and reveals nothing. One that was never
    # loaded is loaded from the seed; one that staff changed and did not check
    # again stays out of use.
    if not templates_usable(TEMPLATES):
        raise AccountEmailUnavailable


@transaction.atomic
def account_register(*, form: RegistrationForm) -> User | None:
    """Create the account (or, for a known address, warn its owner) and send the mail.
    Returns the new account, or None for a known address.

    Raises :class:`AccountEmailUnavailable` (and writes no account) when a mail
    template is not checked for use.
    """
    _check_templates()
    data = form.cleaned_data
    existing = User.objects.filter(username=data["email"]).first()
    if existing is not None:
        if existing.is_resident and existing.is_active:
            _send(existing, ALREADY_REGISTERED_TEMPLATE, purpose="link", valid_for=LINK_MAX_AGE)
        return None
    user = User(
        kind=User.Kind.RESIDENT,
        username=data["email"],
        email=data["email"],
        first_name=data["given_name"],
        last_name=data["family_name"],
    )
    if data.get("password"):
        user.set_password(data["password"])
    else:
        user.set_unusable_password()
    user.save()
    _send(
        user,
        VERIFY_TEMPLATE,
        purpose="verify",
        valid_for=VERIFY_MAX_AGE,
        idempotency_key=f"account-verify-{user.pk}",
    )
    return user


@transaction.atomic
def sign_in_link_send(*, email: str, next_url: str = "") -> None:
    """Send a sign-in link to the account of ``email``, if there is one (silently not).

    Raises :class:`AccountEmailUnavailable` when a mail template is not checked for use.
    """
    _check_templates()
    user = User.objects.filter(
        username=email.strip().lower(), kind=User.Kind.RESIDENT, is_active=True
    ).first()
    if user is not None:
        _send(
            user, SIGN_IN_LINK_TEMPLATE, purpose="link", valid_for=LINK_MAX_AGE, next_url=next_url
        )


def _recipient(user: User) -> EmailRecipient:
    person = user.person
    return EmailRecipient(
        address=user.email,
        given_names=user.first_name or (person.given_names if person else ""),
        family_name=user.last_name or (person.family_name if person else ""),
        # A visitor has no language in the register: the one they use the site in.
        language=person.language if person else (translation.get_language() or "nl")[:2],
        person=person,
    )


def link_validity(seconds: int, language: str) -> dict[str, str]:
    """The values that say how long a link works, for the account mails.

    ``validity`` is the time in words in the language of the mail ("24 uur",
    "15 minutes"). Templates loaded before it existed (staff may have changed
    them, so ``load_message_templates`` is not forced on them) declare
    ``minutes`` or ``hours`` instead and still get those.
    """
    with translation.override(interface_language(language)):
        validity = duration_text(seconds)
    return {"validity": validity, "minutes": str(seconds // 60), "hours": str(seconds // 3600)}


def _send(user, template, *, purpose, valid_for, next_url="", idempotency_key=None):
    recipient = _recipient(user)
    message_send(
        recipient=recipient,
        template=template,
        context=link_validity(valid_for, recipient.language),
        urgent=True,
        idempotency_key=idempotency_key,
        secret_source=LINK_SOURCE,
        secret_arguments={"user": user.pk, "purpose": purpose, "next": next_url},
    )
