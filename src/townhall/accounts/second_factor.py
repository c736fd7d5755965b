"""The second factor of staff: every staff page needs a session that passed it.

1. ``/medewerker/aanmelden/`` checks username and password (django-axes counts
   the failures) and signs the staff member in *without* the second factor:
   ``request.user.is_verified()`` is False.
2. ``/medewerker/tweede-factor/`` asks the code of their authenticator app
   (TOTP) or one of their single-use backup codes; ``django_otp.login`` then
   marks the session verified. Someone without an app yet first goes through
   ``/medewerker/tweede-factor/instellen/`` (QR code, then a code to confirm,
   then ten backup codes shown once).
3. :class:`StaffSecondFactorMiddleware` guards every URL under ``/admin/`` and
   ``/backoffice/``; :func:`staff_required` guards a staff view elsewhere.
   Both use :func:`staff_gate`: anonymous → the staff sign-in; a resident or a
   non-staff account → refused (403); staff without an app → the set-up; staff
   not verified → the second-factor step.
4. The admin's own login page sends to step 1 (:class:`StaffAdminSite`).

django-otp's own throttling of wrong codes stays on (1, 2, 4, 8... seconds
between tries per device).
"""

import math
from base64 import b32encode
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.admin_input import HostileInputSiteMixin
from townhall.accounts.admin_sections import TECHNICAL_APPS
from townhall.accounts.models import User
from townhall.municipality.context_processors import municipality_for
from townhall.municipality.selectors import municipality_get_active

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


# --- Who may see staff pages ---------------------------------------------------


def is_staff_account(user) -> bool:
    """An active staff account. A resident account is never staff, whatever its flags."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "kind", None) != User.Kind.RESIDENT
    )


def is_verified_staff(user) -> bool:
    """A staff account whose session passed the second factor."""
    is_verified = getattr(user, "is_verified", None)
    return is_staff_account(user) and callable(is_verified) and is_verified()


def has_totp_device(user) -> bool:
    device = getattr(user, "otp_device", None)
    if isinstance(device, TOTPDevice) and device.confirmed:
        # The app this session passed the second factor with, read from the database
        # on this request by django-otp's middleware (gone if ICT removed it).
        return True
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def has_any_device(user) -> bool:
    return next(devices_for_user(user, confirmed=True), None) is not None


def _step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def refuse(request):
    """The page a signed-in resident (or non-staff account) gets on a staff URL."""
    return render(request, "accounts/staff/refused.html", status=403)


def staff_gate(request, *, next_url: str | None = None):
    """None when the request may see a staff page; else the response that sends
    the person to the step they still miss."""
    user = request.user
    next_url = next_url or request.get_full_path()
    if not user.is_authenticated:
        return HttpResponseRedirect(_step_url("staff:sign_in", next_url))
    if not is_staff_account(user):
        return refuse(request)
    if not is_verified_staff(user):
        step = "staff:second_factor" if has_any_device(user) else "staff:setup"
        return HttpResponseRedirect(_step_url(step, next_url))
    if not has_totp_device(user):
        # Verified with a backup code after the app was removed: set up a new one.
        return HttpResponseRedirect(_step_url("staff:setup", next_url))
    return None


def staff_required(view):
    """Decorator for a staff page outside ``/admin/`` and ``/backoffice/``: it needs
    an active staff account whose session passed the second factor."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = staff_gate(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    wrapped.staff_required = True
    return wrapped


class StaffSecondFactorMiddleware:
    """Every request under a staff prefix passes :func:`staff_gate` before any view
    runs (so also unknown URLs, POSTs and the admin's own login page)."""

    URL_NAMES = ("admin:index", "backoffice:home")

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        found = []
        for name in self.URL_NAMES:
            try:
                found.append(reverse(name))
            except NoReverseMatch:
                continue
        return tuple(found)

    def is_staff_path(self, path: str) -> bool:
        return path.startswith(self.prefixes)

    def __call__(self, request):
        if not self.is_staff_path(request.path):
            return self.get_response(request)
        response = staff_gate(request)
        if response is None:
            department_from_profile(request)
            response = self.get_response(request)
        # Staff pages show personal data: never keep them in a (shared) browser cache.
        patch_cache_control(response, private=True, no_store=True)
        return response


def department_from_profile(request) -> None:
    """Give the staff member their department from the municipality's profile, which
    the layout reads anyway (from the cache): the header and every access-log row
    name it, and it would otherwise be a query on every staff page."""
    user = request.user
    department_id = getattr(user, "department_id", None)
    municipality = municipality_for(request)
    if department_id is None or municipality is None:
        return
    for department in municipality.departments.all():
        if department.pk == department_id:
            user.department = department
            return


class StaffAdminSite(HostileInputSiteMixin, admin.AdminSite):
    """``admin.site``: its permission includes the second factor, its login page
    is the staff sign-in, and hostile input gets a clear error (``admin_input``)."""

    def has_permission(self, request):
        return super().has_permission(request) and is_verified_staff(request.user)

    def get_app_list(self, request, app_label=None):
        """The municipality's own apps first, then the packages' technical ones (both
        by name); each staff member sees only the apps their role's permissions open."""
        app_list = super().get_app_list(request, app_label)
        return sorted(app_list, key=lambda app: app["app_label"] in TECHNICAL_APPS)

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = index
        response = staff_gate(request, next_url=next_url)
        return response or HttpResponseRedirect(next_url)


# --- The authenticator app (TOTP) ----------------------------------------------


@transaction.atomic
def totp_device_pending(*, user: User) -> TOTPDevice:
    """The not yet confirmed app of ``user`` (the same one on every reload of the
    set-up page, so a scanned QR code stays valid until it is confirmed)."""
    pending = list(
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk")
    )
    if pending:
        TOTPDevice.objects.filter(pk__in=[d.pk for d in pending[1:]]).delete()
        return pending[0]
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice, *, grouped: bool = True) -> str:
    """The secret in base32, for typing it into the app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    if not grouped:
        return secret
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str, *, title: str) -> str:
    """An inline SVG QR code, made on the server (no script, no external service)."""
    return segno.make(data, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the app with a code it shows; it then replaces any earlier app."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_normalise(token)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def backup_codes_replace(*, user: User) -> list[str]:
    """Make ten new single-use backup codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalise(token: str) -> str:
    return "".join(str(token or "").split()).replace("-", "").lower()


def _is_app_code(token: str) -> bool:
    return token.isdigit() and len(token) in (6, 8)


def second_factor_verify(*, user: User, token: str):
    """Check a code of the app or a backup code.

    Returns ``(device, None)`` on success, ``(None, locked_until)`` while
    django-otp's throttling makes the devices wait, ``(None, None)`` when wrong.
    A code of six digits goes to the app only, anything else to the backup
    codes only, so a typo in one does not slow down the other.
    """
    token = _normalise(token)
    model = TOTPDevice if _is_app_code(token) else StaticDevice
    devices = list(model.objects.devices_for_user(user, confirmed=True))
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            waits.append((data or {}).get("locked_until"))
            continue
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified, None
    if devices and len(waits) == len(devices):
        return None, min((w for w in waits if w), default=None)
    return None, None


def device_kind(device) -> str:
    return "backup_code" if isinstance(device, StaticDevice) else "totp"


def wait_seconds(until: datetime | None) -> int:
    """Whole seconds until ``until`` (at least one)."""
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def totp_issuer(request=None) -> str:
    """The name the app shows beside the code: ``TOWNHALL_TOTP_ISSUER``, else the
    municipality's name with Townhall.

    django-otp's own ``TOTPDevice.config_url`` (the ``otpauth://`` URL in the QR
    code) reads it through the ``OTP_TOTP_ISSUER`` setting, which calls
    :func:`totp_issuer_of_device`; the set-up page shows the same name.
    """
    configured = getattr(settings, "TOWNHALL_TOTP_ISSUER", "")
    if configured:
        return configured
    municipality = municipality_for(request) if request is not None else municipality_get_active()
    return f"Townhall {municipality.name}" if municipality else "Townhall"


def totp_issuer_of_device(device: TOTPDevice) -> str:
    """``OTP_TOTP_ISSUER`` for django-otp: the issuer of every staff member's app."""
    return totp_issuer()
