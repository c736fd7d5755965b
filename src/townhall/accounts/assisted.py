"""Assisted sessions at the counter (begeleide sessie).

1. In the back office a staff member whose session passed the second factor,
   and whose role serves residents at the counter (the permission
   ``accounts.start_assisted_session``, only Burgerzaken holds it), gives the
   national number of the resident in front of them (a POST, never in a URL)
   and confirms that they checked an identity document, naming its type.
2. :func:`assisted_session_start` writes the access log (purpose "Assisted
   session at the counter") and an activity record, then signs the browser in
   as the resident's own account (made when missing) at assurance *high*. The
   session keeps the staff member's id under ``ASSISTED_KEY``: every page shows
   the banner, and every :class:`ActivityRecord` written meanwhile names both
   (``assisted_by``, through :data:`townhall.accounts.acting.assisting_staff_id`).
3. :func:`assisted_session_end` (a POST from the banner) logs the end and gives
   the browser back to the staff member's verified session.
4. :class:`AssistedSessionMiddleware` ends a session older than
   ``ASSISTED_SESSION_MINUTES`` by itself and then signs everybody out; so
   too when the staff member no longer holds the permission.

What staff may do inside the session (``docs/authentication.md`` explains why):

- read the resident's pages: each look is written to the resident's access
  log in the staff member's name (:func:`assisted_look_record`); the download
  of My data then leaves the national number out;
- report a mistake in the data ("this is not right"): the resident's own
  request, recorded with the staff member as ``assisted_by``;
- make a lasting change (give or revoke a mandate, change contact data) only
  after confirming on the page that the resident asked for it and agreed
  (:func:`resident_confirmation_add`, :func:`lasting_change_actor`); the
  change is then recorded with the staff member as actor;
- never act for anyone else than that resident (a mandate's grantor, an
  organisation): the identity check covered this one person.
"""

from django import forms
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
from townhall.accounts.roles import START_ASSISTED_SESSION
from townhall.accounts.second_factor import is_staff_account, is_verified_staff
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.services import access_log_record, person_find_by_national_number

RESTORE_KEY = "townhall_assisted_restore"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCESS_PURPOSE = gettext_lazy("Assisted session at the counter")
CONFIRMATION_FIELD = "resident_confirmed"


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
    if not staff.has_perm(START_ASSISTED_SESSION):
        # Checked here as well as in the view: no other caller may skip it.
        raise PermissionDenied("Only staff who serve residents at the counter may assist.")
    person = person_find_by_national_number(national_number)
    _refuse_person(person, staff)
    with transaction.atomic():
        resident = services.resident_account_for_person(person=person)
        if not resident.is_active:
            raise ValidationError(_("This person's account is blocked; contact ICT."))
        # One translated sentence, colon included: French puts a space before it.
        purpose = _("%(purpose)s (identity checked: %(document)s)") % {
            "purpose": ACCESS_PURPOSE,
            "document": IdentityDocument(document).label,
        }
        access_log_record(
            actor=staff, person=person, action=AccessLogEntry.Action.LOOKUP, purpose=purpose
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


def staff_may_assist(user: User | None) -> bool:
    """An active staff account whose role serves residents at the counter."""
    return user is not None and is_staff_account(user) and user.has_perm(START_ASSISTED_SESSION)


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
        if not staff_may_assist(User.objects.filter(pk=staff_id).first()):
            # The role changed or the account was blocked meanwhile: the session
            # must not go on unassisted, nor in the name of someone no longer allowed.
            assisted_session_end(request, reason="withdrawn")
            messages.warning(
                request,
                _("The assisted session ended: the staff member may no longer assist residents."),
            )
            return redirect("staff:sign_in")
        token = assisting_staff_id.set(staff_id)
        try:
            return self.get_response(request)
        finally:
            assisting_staff_id.reset(token)


# --- What staff may do inside the session -------------------------------------


def assisted_look_record(
    request, *, person: Person, what: str, action: str = AccessLogEntry.Action.VIEW
) -> AccessLogEntry | None:
    """In an assisted session, write the staff member's look at ``person``'s ``what``
    (a page's name) to that person's access log. Outside one, do nothing: a
    resident reading their own data is an activity, not a staff read."""
    staff = request.acting.assisted_by if assisted_session_active(request) else None
    if staff is None:
        return None
    return access_log_record(
        actor=staff,
        person=person,
        action=action,
        purpose=_("%(label)s: %(value)s") % {"label": ACCESS_PURPOSE, "value": what},
    )


def resident_confirmation_add(request, form: forms.Form) -> bool:
    """In an assisted session, add to ``form`` the staff member's confirmation that the
    resident asked for this lasting change and agreed to it. Returns whether it did."""
    if not assisted_session_active(request):
        return False
    form.fields[CONFIRMATION_FIELD] = forms.BooleanField(
        label=gettext_lazy(
            "The resident in front of me asked for this and confirmed it to me. "
            "I am recorded as the one who made the change."
        ),
        error_messages={"required": _confirmation_missing()},
    )
    return True


def _confirmation_missing() -> str:
    return gettext_lazy(
        "Confirm that the resident in front of you asked for this change and agreed to it."
    )


def lasting_change_actor(request, *, change: str, person: Person | None, confirmed: bool) -> User:
    """The account to record as the actor of the lasting ``change`` (e.g.
    "mandate.granted") asked for in this request, for ``person``.

    Outside an assisted session that is the signed-in resident. Inside one it is
    the assisting staff member, who must still serve at the counter
    (PermissionDenied otherwise) and must have ``confirmed`` on the page that the
    resident asked for it (ValidationError on :data:`CONFIRMATION_FIELD`
    otherwise); the confirmation is recorded. Call it inside the change's
    transaction, so a change that fails leaves no confirmation behind.
    """
    if not assisted_session_active(request):
        return request.user
    staff = request.acting.assisted_by
    if not staff_may_assist(staff):
        raise PermissionDenied("Only staff who serve residents at the counter may do this.")
    if not confirmed:
        raise ValidationError({CONFIRMATION_FIELD: _confirmation_missing()})
    services.activity_record(
        actor=staff,
        action="assisted_session.change_confirmed",
        for_person=person,
        assisted_by=staff,
        detail={"change": change, "resident_account": request.user.pk},
    )
    return staff
