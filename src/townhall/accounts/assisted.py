"""Assisted sessions at the counter (begeleide sessie).

1. In the back office a staff member whose session passed the second factor
   gives the national number of the resident in front of them (a POST, never
   in a URL) and confirms that they checked an identity document, naming its
   type.
2. :func:`assisted_session_start` writes the access log (purpose "Assisted
   session at the counter") and an activity record, then signs the browser in
   as the resident's own account (made when missing) at assurance *high*. The
   session keeps the staff member's id under ``ASSISTED_KEY``: every page shows
   the banner, and every :class:`ActivityRecord` written meanwhile names both
   (``assisted_by``, through :data:`townhall.accounts.acting.assisting_staff_id`).
3. :func:`assisted_session_end` (a POST from the banner) logs the end and gives
   the browser back to the staff member's verified session.
4. :class:`AssistedSessionMiddleware` ends a session older than
   ``ASSISTED_SESSION_MINUTES`` by itself and then signs everybody out.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.models import Device

from townhall.accounts import services
from townhall.accounts.acting import ASSISTED_KEY, assisting_staff_id
from townhall.accounts.assurance import Assurance, set_session_assurance
from townhall.accounts.models import User
from townhall.accounts.second_factor import is_verified_staff
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.services import access_log_record, person_find_by_national_number

RESTORE_KEY = "townhall_assisted_restore"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCESS_PURPOSE = gettext_lazy("Assisted session at the counter")


class IdentityDocument(models.TextChoices):
    """The document the staff member checked before starting."""

    EID_CARD = "eid_card", gettext_lazy("Belgian identity card (eID)")
    KIDS_ID = "kids_id", gettext_lazy("Kids-ID")
    RESIDENCE_CARD = "residence_card", gettext_lazy("residence card for foreign nationals")
    FOREIGN_ID_CARD = "foreign_id_card", gettext_lazy("identity card of another EU country")
    PASSPORT = "passport", gettext_lazy("passport")


def max_minutes() -> int:
    return int(getattr(settings, "ASSISTED_SESSION_MINUTES", 30))


def _refuse_person(person: Person | None, staff: User) -> None:
    if person is None:
        raise ValidationError({"national_number": _("No person in the register has this number.")})
    if person.state == Person.State.DECEASED:
        raise ValidationError({"national_number": _("This person is deceased.")})
    if staff.person_id is not None and staff.person_id == person.pk:
        raise ValidationError(_("You cannot start an assisted session for yourself."))


def assisted_session_start(request, *, national_number: str, document: str) -> User:
    """Sign this browser in as the resident with ``national_number``, for the signed-in
    staff member, who checked the resident's identity ``document``.

    Raises ValidationError with a readable message when the number is not valid,
    nobody has it, or the person's account cannot be used.
    """
    staff = request.user
    if not is_verified_staff(staff):
        raise PermissionDenied("An assisted session needs a verified staff member.")
    person = person_find_by_national_number(national_number)
    _refuse_person(person, staff)
    with transaction.atomic():
        resident = services.resident_account_for_person(person=person)
        if not resident.is_active:
            raise ValidationError(_("This person's account is blocked; contact ICT."))
        label = IdentityDocument(document).label
        access_log_record(
            actor=staff,
            person=person,
            action=AccessLogEntry.Action.LOOKUP,
            purpose=f"{ACCESS_PURPOSE} ({_('identity checked')}: {label})",
        )
        services.activity_record(
            actor=staff,
            action="assisted_session.started",
            for_person=person,
            assisted_by=staff,
            detail={"document": document},
        )
    restore = {
        "staff": staff.pk,
        "device": staff.otp_device.persistent_id,
        "auth_hash": staff.get_session_auth_hash(),
        "started": timezone.now().timestamp(),
    }
    login(request, resident, backend=MODEL_BACKEND)
    set_session_assurance(request, Assurance.HIGH)
    request.session[ASSISTED_KEY] = staff.pk
    request.session[RESTORE_KEY] = restore
    return resident


def assisted_session_active(request) -> bool:
    return bool(request.session.get(ASSISTED_KEY))


def assisted_session_expired(request) -> bool:
    started = (request.session.get(RESTORE_KEY) or {}).get("started")
    if not started:
        return True
    return timezone.now().timestamp() - float(started) > max_minutes() * 60


def _restorable_staff(restore: dict) -> tuple[User, Device] | None:
    staff = User.objects.filter(pk=restore.get("staff")).first()
    if staff is None or not staff.is_active or not staff.is_staff or staff.is_resident:
        return None
    if not constant_time_compare(staff.get_session_auth_hash(), restore.get("auth_hash", "")):
        return None  # the password changed meanwhile
    device = Device.from_persistent_id(restore.get("device", ""))
    if device is None or not device.confirmed or device.user_id != staff.pk:
        return None  # the second factor was removed or replaced meanwhile
    return staff, device


def assisted_session_end(request, *, reason: str = "ended") -> User | None:
    """End the assisted session: log it, sign the resident out, and give the browser
    back to the staff member's verified session when ``reason`` is "ended".

    Returns the staff member whose session is back, or None (then they sign in
    again with password and second factor).

    Why giving the staff session back without a new password and code is safe:

    - The browser held that very verified session a few minutes earlier, on
      the counter's workstation, with the staff member beside it; restoring it
      hands out nothing the browser did not have.
    - What is restored lives only in the server-side session: the cookie holds
      a random key (renewed at every sign-in), so it cannot be forged or carried
      to another browser.
    - Only a session ended by a click within ``ASSISTED_SESSION_MINUTES`` is
      given back. One that ran out (left alone) signs everybody out, and after
      30 minutes idle the whole session is gone anyway.
    - It is checked like a fresh sign-in: the account is still active staff,
      its password did not change since (session hash), and the same
      second-factor device is still confirmed. Otherwise nothing is restored.
    - The session key is renewed on the switch, and the end is recorded with
      both names. During the session the resident's account can reach no staff
      page at all.
    """
    restore = request.session.get(RESTORE_KEY) or {}
    started = restore.get("started")
    minutes = round((timezone.now().timestamp() - float(started)) / 60) if started else None
    resident = request.user if request.user.is_authenticated else None
    staff = User.objects.filter(pk=restore.get("staff")).first()
    services.activity_record(
        actor=staff,
        action=f"assisted_session.{reason}",
        for_person=getattr(resident, "person", None),
        assisted_by=staff,
        detail={"resident_account": getattr(resident, "pk", None), "minutes": minutes},
    )
    # Dropped first, so the sign-out signal does not record the end twice.
    request.session.pop(ASSISTED_KEY, None)
    logout(request)
    if reason != "ended":
        return None
    restorable = _restorable_staff(restore)
    if restorable is None:
        return None
    staff, device = restorable
    login(request, staff, backend=MODEL_BACKEND)
    otp_login(request, device)
    return staff


def _record_sign_out(sender, request=None, user=None, **kwargs) -> None:
    """Signing out during an assisted session ends it (logged); nobody is restored."""
    session = getattr(request, "session", None)
    if session is None or not session.get(ASSISTED_KEY):
        return
    staff = User.objects.filter(pk=session[ASSISTED_KEY]).first()
    services.activity_record(
        actor=staff,
        action="assisted_session.signed_out",
        for_person=getattr(user, "person", None),
        assisted_by=staff,
    )


def connect_signals() -> None:
    user_logged_out.connect(_record_sign_out, dispatch_uid="townhall_assisted_sign_out")


class AssistedSessionMiddleware:
    """Ends an assisted session that ran past its time, and makes every activity
    record of an assisted request name the assisting staff member."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff_id = request.session.get(ASSISTED_KEY)
        if not staff_id:
            return self.get_response(request)
        if assisted_session_expired(request):
            assisted_session_end(request, reason="expired")
            messages.warning(
                request,
                _(
                    "The assisted session ended by itself after %(minutes)d minutes. "
                    "The staff member signs in again to continue."
                )
                % {"minutes": max_minutes()},
            )
            return redirect("staff:sign_in")
        token = assisting_staff_id.set(staff_id)
        try:
            return self.get_response(request)
        finally:
            assisting_staff_id.reset(token)
