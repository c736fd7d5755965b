"""Registration for course sessions: the writes, each in one transaction.

Every service that changes who holds a place first locks the session's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers), so the changes to one session's places happen one after
the other. A place is then taken only by the conditional
``UPDATE ... SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity``
(:func:`_seat_take`), and the database's check constraint
``session_never_over_capacity`` refuses any row over capacity even if code
elsewhere forgot both: two staff giving away the last place at the same moment
end with exactly one registration on it.

The waiting list is first come, first offered: when a place frees up (a
cancellation, an offer not confirmed in time) the first person waiting is
offered it and has ``TOWNHALL_COURSES_OFFER_HOURS`` (48 by default, never past
the session's start) to confirm; :func:`offers_expire`, run by the
``course_offers`` command, gives an unconfirmed place to the next one.

Each service is one transaction. A request runs it as its outermost one (the
pages will wrap each call in ``transaction.atomic(durable=True)``, as the back
office does for news), so that nothing of it is committed with another change;
the demo seed runs them inside its own. :func:`offers_expire`, which only the
``course_offers`` command calls, opens a durable transaction per offer itself.
Messages go through the outbox (sent after the commit) and the domain events
(:mod:`townhall.courses.events`) are sent after the commit.

Bad input raises ``ValidationError`` with a message per field, in the
interface's language; :class:`SessionFull` (a ``ValidationError``) tells a
caller that the session is full and that the waiting list is open.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from townhall.courses import events
from townhall.courses.codes import code_hash, code_new
from townhall.courses.models import ACTIVE_STATES, Registration, Session
from townhall.courses.selectors import registration_by_code
from townhall.languages import interface_language
from townhall.messaging.errors import PermanentFailure
from townhall.messaging.services import MobileRecipient, message_send, templates_usable
from townhall.messaging.sms.numbers import mobile_number_checked
from townhall.registry.models import Person
from townhall.registry.services import mobile_normalise

logger = logging.getLogger(__name__)
State = Registration.State
TEMPLATES = {
    "registered": "course-registered",
    "waiting": "course-waiting",
    "offered": "course-offer",
    "cancelled": "course-cancelled",
}


class SessionFull(ValidationError):
    """The session has no place left; the caller may offer its waiting list."""

    def __init__(self):
        super().__init__(
            {
                "session": ValidationError(
                    _("This session is full. You can join the waiting list."), code="full"
                )
            }
        )


@dataclass(frozen=True)
class Registered:
    """A registration and its cancellation code, which is shown or said only now."""

    registration: Registration
    code: str


def registration_register(
    *,
    session: Session,
    channel: str,
    person: Person | None = None,
    given_names: str = "",
    family_name: str = "",
    phone: str = "",
    language: str = "",
    registered_by=None,
    registered_by_person: Person | None = None,
    waiting_list: bool = False,
    now: datetime.datetime | None = None,
) -> Registered:
    """Register someone for ``session``: a place when one is free, else
    :class:`SessionFull`, or a place on the waiting list when ``waiting_list``.

    ``person`` is the participant when known in the register; otherwise
    ``given_names``, ``family_name`` and ``phone`` (any valid number, Belgian
    ones without country code; stored in E.164) say who it is. ``channel`` is
    how it came in (online, desk, phone); ``registered_by`` the staff member who
    entered it, ``registered_by_person`` the household member who registered
    ``person``. Someone on the waiting list comes before a new registration:
    free places go to them first.
    """
    now = now or timezone.now()
    fields = _participant_checked(
        person=person,
        given_names=given_names,
        family_name=family_name,
        phone=phone,
        language=language,
        channel=channel,
        registered_by_person=registered_by_person,
    )
    code = code_new()
    with transaction.atomic():
        session = _session_locked(session, now=now)
        _not_registered_yet(session, fields)
        _waiting_promote(session, now=now)
        took = _seat_take(session)
        if not took and not waiting_list:
            raise SessionFull()
        registration = Registration(
            session=session,
            registered_by=registered_by,
            state=State.CONFIRMED if took else State.WAITING,
            confirmed_at=now if took else None,
            waiting_since=None if took else now,
            code_hash=code_hash(code),
            **fields,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # Another request registered the same person a moment ago.
            raise ValidationError(_already_message(registration)) from None
        _notify(registration, "registered" if took else "waiting", code=code)
        events.registration_created.send_on_commit(
            subject_id=registration.pk,
            session=session.pk,
            course=session.course_id,
            state=registration.state,
            channel=registration.channel,
        )
    return Registered(registration=registration, code=code)


def waiting_list_join(**arguments) -> Registered:
    """:func:`registration_register` for someone who accepts the waiting list: a free
    place when there is one, else a place on the waiting list."""
    return registration_register(**arguments, waiting_list=True)


def registration_cancel_by_code(*, code: str, now: datetime.datetime | None = None) -> Registration:
    """Cancel the registration whose cancellation code is ``code`` (the participant's
    link or the code they type or say)."""
    now = now or timezone.now()
    if not code.strip():
        raise ValidationError({"code": _("Enter the code of your registration.")})
    registration = registration_by_code(code)
    if registration is None:
        raise ValidationError(
            {"code": _("We do not know this code. Check it, or ask the library.")}
        )
    return _cancel(registration, by=Registration.CancelledBy.PARTICIPANT, now=now)


def registration_cancel_by_staff(
    *, registration: Registration, staff, now: datetime.datetime | None = None
) -> Registration:
    """Cancel ``registration`` for the participant (at the desk, by phone)."""
    if staff is None:
        raise ValueError("registration_cancel_by_staff needs the staff member")
    return _cancel(registration, by=Registration.CancelledBy.STAFF, now=now or timezone.now())


def offer_confirm(
    *,
    registration: Registration | None = None,
    code: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """Confirm an offered place, by the code in the offer (the participant) or for
    ``registration`` (staff, on the phone with them), before the offer's deadline."""
    now = now or timezone.now()
    if registration is None:
        if not code.strip():
            raise ValidationError({"code": _("Enter the code of your registration.")})
        registration = registration_by_code(code)
        if registration is None:
            raise ValidationError(
                {"code": _("We do not know this code. Check it, or ask the library.")}
            )
    with transaction.atomic():
        session = _session_locked(registration.session, now=now, for_change=True)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.state == State.CONFIRMED:
            raise ValidationError(_("This place is confirmed already."))
        if registration.state != State.OFFERED:
            raise ValidationError(_("There is no place offered to confirm on this registration."))
        if registration.offer_deadline < now:
            raise ValidationError(
                _(
                    "The time to confirm this place has passed; it goes to the next person "
                    "on the waiting list."
                )
            )
        registration.state = State.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["state", "confirmed_at", "updated_at"])
        events.registration_confirmed.send_on_commit(
            subject_id=registration.pk, session=session.pk, course=session.course_id
        )
    return registration


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire the offers not confirmed before their deadline, each offering its place
    to the next person waiting; how many expired. Each in its own transaction, so
    one session's trouble does not hold up the others."""
    now = now or timezone.now()
    due = list(
        Registration.objects.filter(state=State.OFFERED, offer_deadline__lt=now)
        .order_by("offer_deadline", "id")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic(durable=True):
            registration = Registration.objects.select_related("session").get(pk=pk)
            session = Session.objects.select_for_update().get(pk=registration.session_id)
            registration = Registration.objects.select_for_update().get(pk=pk)
            if registration.state != State.OFFERED or registration.offer_deadline >= now:
                continue  # confirmed or cancelled since the list was read
            registration.state = State.EXPIRED
            registration.expired_at = now
            registration.save(update_fields=["state", "expired_at", "updated_at"])
            _seat_release(session)
            _notify(registration, "cancelled")
            events.registration_expired.send_on_commit(
                subject_id=registration.pk, session=session.pk, course=session.course_id
            )
            _waiting_promote(session, now=now)
            expired += 1
    return expired


# --- Inside the transaction ------------------------------------------------------


def _session_locked(session: Session, *, now, for_change: bool = False) -> Session:
    """The session's row, locked until the commit; refused when it cannot take
    registrations (cancelled, started or over)."""
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.state == Session.State.CANCELLED:
        raise ValidationError({"session": _("This session is cancelled.")})
    if session.starts_at <= now:
        if for_change:
            raise ValidationError({"session": _("This session has started or is over.")})
        raise ValidationError(
            {"session": _("This session has started or is over; you can no longer register.")}
        )
    return session


def _seat_take(session: Session) -> bool:
    """Take one place of ``session`` if one is free: the conditional UPDATE."""
    taken = Session.objects.filter(pk=session.pk, seats_taken__lt=F("capacity")).update(
        seats_taken=F("seats_taken") + 1
    )
    if taken:
        session.seats_taken += 1
    return bool(taken)


def _seat_release(session: Session) -> None:
    released = Session.objects.filter(pk=session.pk, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1
    )
    if released:
        session.seats_taken -= 1


def _waiting_promote(session: Session, *, now) -> list[Registration]:
    """Offer the free places of ``session`` to the first people on its waiting list."""
    if session.starts_at <= now or session.state == Session.State.CANCELLED:
        return []
    hours = datetime.timedelta(hours=settings.TOWNHALL_COURSES_OFFER_HOURS)
    deadline = min(now + hours, session.starts_at)
    offered = []
    while True:
        first = (
            Registration.objects.filter(session=session, state=State.WAITING)
            .order_by("waiting_since", "id")
            .first()
        )
        if first is None or not _seat_take(session):
            return offered
        code = code_new()
        first.state = State.OFFERED
        first.offered_at = now
        first.offer_deadline = deadline
        # A new code goes with the offer, so it works even when the first one was lost.
        first.code_hash = code_hash(code)
        first.save(
            update_fields=["state", "offered_at", "offer_deadline", "code_hash", "updated_at"]
        )
        _notify(first, "offered", code=code)
        events.registration_offered.send_on_commit(
            subject_id=first.pk, session=session.pk, course=session.course_id
        )
        offered.append(first)


def _cancel(registration: Registration, *, by: str, now) -> Registration:
    with transaction.atomic():
        session = _session_locked(registration.session, now=now, for_change=True)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.state not in ACTIVE_STATES:
            raise ValidationError(_("This registration is cancelled already."))
        held = registration.holds_seat
        registration.state = State.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_by = by
        registration.save(update_fields=["state", "cancelled_at", "cancelled_by", "updated_at"])
        if held:
            _seat_release(session)
        _notify(registration, "cancelled")
        events.registration_cancelled.send_on_commit(
            subject_id=registration.pk,
            session=session.pk,
            course=session.course_id,
            cancelled_by=by,
            held_place=held,
        )
        if held:
            _waiting_promote(session, now=now)
    return registration


def _participant_checked(
    *, person, given_names, family_name, phone, language, channel, registered_by_person
) -> dict:
    """The participant's fields of a registration, or ValidationError per field."""
    errors = {}
    if channel not in Registration.Channel.values:
        errors["channel"] = _("Choose how the registration came in.")
    given_names, family_name = given_names.strip(), family_name.strip()
    if person is not None:
        if person.state == Person.State.DECEASED:
            errors["person"] = _("This person is deceased in the register.")
        fields = {"person": person, "language": interface_language(language or person.language)}
    else:
        if not given_names:
            errors["given_names"] = _("Enter the given name.")
        if not family_name:
            errors["family_name"] = _("Enter the family name.")
        if not phone.strip():
            errors["phone"] = _("Enter a phone number, so that we can reach you.")
        fields = {
            "given_names": given_names[:150],
            "family_name": family_name[:150],
            "language": interface_language(language or translation.get_language() or ""),
        }
    if phone.strip():
        try:
            fields["phone"] = mobile_normalise(phone.strip(), field="phone")
        except ValidationError as error:
            errors.update(error.message_dict)
    if registered_by_person is not None and person is None:
        errors["person"] = _("A household member registers someone known in the register.")
    if errors:
        raise ValidationError(errors)
    fields["channel"] = channel
    fields["registered_by_person"] = registered_by_person
    return fields


def _not_registered_yet(session: Session, fields: dict) -> None:
    """A clear message when the participant is registered or waiting already (the
    unique constraints refuse it anyway, for two requests at the same moment)."""
    active = Registration.objects.filter(session=session, state__in=ACTIVE_STATES)
    if fields.get("person") is not None:
        existing = active.filter(person=fields["person"]).first()
    else:
        existing = active.filter(
            person__isnull=True,
            phone=fields.get("phone", ""),
            given_names__iexact=fields["given_names"],
            family_name__iexact=fields["family_name"],
        ).first()
    if existing is not None:
        raise ValidationError(_already_message(existing))


def _already_message(registration: Registration) -> dict:
    if registration.state == State.WAITING:
        text = _("%(name)s is on the waiting list for this session already.")
    else:
        text = _("%(name)s is registered for this session already.")
    return {"session": text % {"name": registration.participant_name}}


def _notify(registration: Registration, what: str, *, code: str = "") -> None:
    """The message of ``what`` to the participant, through the outbox (sent after the
    commit): a person on their channel in the register (e-mail, SMS, else a letter),
    someone known by name and mobile number by SMS. Someone known only by a fixed
    line gets no message: staff tell them on the phone. A template that staff took
    out of use (changed and not checked again) sends nothing and is logged; the
    registration itself goes through."""
    template = TEMPLATES[what]
    if not templates_usable([template]):
        logger.warning("Course message %s not sent: its template is not in use.", template)
        return
    session = registration.session
    language = interface_language(registration.language)
    if registration.person_id:
        recipient = registration.person
    else:
        try:
            address = mobile_number_checked(registration.phone)
        except PermanentFailure:
            return
        recipient = MobileRecipient(
            address=address,
            given_names=registration.given_names,
            family_name=registration.family_name,
            language=language,
        )
    with translation.override(language):
        context = {
            "course": session.course.localized("title", language),
            "when": formats.date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
            "place": session.place,
        }
        if what in ("registered", "waiting", "offered"):
            context["code"] = code
        if what == "offered":
            context["deadline"] = formats.date_format(
                timezone.localtime(registration.offer_deadline), "DATETIME_FORMAT"
            )
    # Each message happens once in a registration's life (an offer too: waiting
    # becomes offered once), so the key holds the registration and the kind.
    message_send(
        recipient=recipient,
        template=template,
        context=context,
        idempotency_key=f"course-registration:{registration.pk}:{what}",
    )
