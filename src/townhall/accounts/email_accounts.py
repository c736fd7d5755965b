"""E-mail accounts for people without eID (assurance *low*).

1. Registration stores the account with the e-mail address as username and
   sends a verification link; the address counts only once verified.
2. Sign-in is by password, or by a link sent to the address. A link is signed,
   expires (15 minutes; 24 hours for the first verification) and works once:
   it is bound to the account's last sign-in, which changes when it is used.
3. Replies never reveal whether an address has an account.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from townhall.accounts.models import User
from townhall.tasks import enqueue_after_commit

LINK_SALT = "townhall.accounts.sign-in-link"
LINK_MAX_AGE = 15 * 60
VERIFY_MAX_AGE = 24 * 3600


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
        label=_("Password (optional)"),
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
    payload = _payload(token) or {}
    return payload.get("n") or ""


def email_mark_verified(user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


@transaction.atomic
def account_register(request, *, form: RegistrationForm) -> None:
    """Create the account (or, for a known address, warn its owner) and send the mail."""
    data = form.cleaned_data
    existing = User.objects.filter(username=data["email"]).first()
    if existing is not None:
        _send(request, existing, "already_registered", purpose="link", max_age=LINK_MAX_AGE)
        return
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
    _send(request, user, "verify", purpose="verify", max_age=VERIFY_MAX_AGE)


def sign_in_link_send(request, *, email: str, next_url: str = "") -> None:
    user = User.objects.filter(
        username=email.strip().lower(), kind=User.Kind.RESIDENT, is_active=True
    ).first()
    if user is not None:
        _send(
            request, user, "sign_in_link", purpose="link", max_age=LINK_MAX_AGE, next_url=next_url
        )


def _send(request, user, template, *, purpose, max_age, next_url=""):
    token = _token(user, purpose=purpose, next_url=next_url)
    link = request.build_absolute_uri(reverse("accounts:sign_in_link", args=[token]))
    context = {
        "user": user,
        "link": link,
        "minutes": max_age // 60,
        "municipality": getattr(request, "_townhall_municipality", None),
    }
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    enqueue_after_commit(account_email_send, to=user.email, subject=subject, body=body)


@task(queue_name="urgent")
def account_email_send(*, to: str, subject: str, body: str) -> None:
    """Send an account e-mail (verification, sign-in link). Retried by the worker."""
    with translation.override(None):
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
