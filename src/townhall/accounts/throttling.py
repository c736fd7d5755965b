"""Throttling of failed password sign-ins (staff and resident e-mail accounts), with django-axes.

1. ``axes.backends.AxesStandaloneBackend`` comes first in
   ``AUTHENTICATION_BACKENDS``: every ``authenticate(request, username=...,
   password=...)`` is refused while the username or the client address is
   locked out.
2. Each failure is counted per username and per client address
   (``AXES_LOCKOUT_PARAMETERS``); at ``AXES_FAILURE_LIMIT`` failures within
   ``AXES_COOLOFF_TIME`` of each other, that username or address is locked for
   ``AXES_COOLOFF_TIME``. Tries during a lockout do not extend it.
3. ``axes.middleware.AxesMiddleware`` turns the refused request into
   :func:`lockout_response`: a page (HTTP 429) that says until when.

The second factor has its own throttling (django-otp), per device.
"""

from axes.helpers import (
    get_client_parameters,
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone


def client_ip_address(request) -> str | None:
    """The client's address. Behind our reverse proxy (``TOWNHALL_BEHIND_PROXY``) it is
    the last ``X-Forwarded-For`` entry, the one the proxy itself added; earlier
    entries come from the client and could be forged to dodge the lockout."""
    if getattr(settings, "SIGN_IN_CLIENT_IP_FROM_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


def _unlock_time(rows, *, limit: int, cool_off):
    """When a parameter's failures (oldest first) drop below ``limit`` as they age out."""
    remaining = sum(row.failures_since_start for row in rows)
    unlock = None
    for row in rows:
        if remaining < limit:
            break
        unlock = row.attempt_time + cool_off
        remaining -= row.failures_since_start
    return unlock


def retry_at(request, credentials=None):
    """The moment this client may try again, or None when that is unknown."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    now = timezone.now()
    limit = get_failure_limit(request, credentials)
    filters = get_client_parameters(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None),
        getattr(request, "axes_user_agent", None),
        request,
        credentials,
    )
    times = []
    for kwargs in filters:
        rows = list(
            AccessAttempt.objects.filter(attempt_time__gte=now - cool_off, **kwargs).order_by(
                F("attempt_time").asc()
            )
        )
        unlock = _unlock_time(rows, limit=limit, cool_off=cool_off)
        if unlock is not None and unlock > now:
            times.append(unlock)
    return max(times) if times else now + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: explain the lockout and say when to try again."""
    until = retry_at(request, credentials)
    minutes = None
    if until is not None:
        minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    is_staff_sign_in = request.path == reverse("staff:sign_in")
    return render(
        request,
        "accounts/staff/locked_out.html",
        {"retry_at": until, "minutes": minutes, "staff": is_staff_sign_in},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
