"""Writes for accounts: resident accounts from a sign-in, mandates, activity records."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.accounts.acting import assisting_staff_id
from townhall.accounts.models import ActivityRecord, Mandate, User
from townhall.registry import protection
from townhall.registry.identifiers import parse_person_number
from townhall.registry.models import Person

MAX_MANDATE_YEARS = 5


class StaffAccountError(Exception):
    """An eID sign-in led to a staff account, which never acts as a resident."""


@transaction.atomic
def resident_account_for_eid(
    *,
    subject: str,
    national_number: str | None,
    given_name: str = "",
    family_name: str = "",
    email: str = "",
) -> User:
    """The account of the person who just signed in with eID or itsme.

    1. The national number from the provider is validated (checksum, date).
    2. Its keyed hash finds the Person in the register (once-only: nothing is
       asked again); no Person means an account "not registered here".
    3. An existing account is found by that hash, or by the provider's
       subject for people without a Belgian number (foreign eIDs).
    """
    number_hash = None
    person = None
    if national_number:
        parsed = parse_person_number(national_number)
        number_hash = protection.national_number_hash(parsed.number)
        person = Person.objects.filter(national_number_hash=number_hash).first()
    user = None
    if number_hash:
        user = User.objects.filter(national_number_hash=number_hash).first()
    if user is None and subject:
        user = User.objects.filter(oidc_subject=subject).first()
    if user is None:
        user = User(kind=User.Kind.RESIDENT, username=_resident_username(number_hash, subject))
        user.set_unusable_password()
    if user.kind != User.Kind.RESIDENT:
        raise StaffAccountError(_("Staff accounts cannot sign in as a resident."))
    user.national_number_hash = number_hash or user.national_number_hash
    user.oidc_subject = subject or user.oidc_subject
    user.person = person
    user.first_name = (person.given_names if person else given_name)[:150]
    user.last_name = (person.family_name if person else family_name)[:150]
    if email and not user.email:
        user.email = email
    user.save()
    return user


@transaction.atomic
def resident_account_for_person(*, person: Person) -> User:
    """The resident account of ``person``, made when missing (assisted session at the counter).

    Found through its link to the person, else through the keyed hash of the
    person's number (an account "not registered here" from an earlier eID
    sign-in). A new account gets no usable password (the person signs in later
    with eID or itsme) and a username that never carries the number.
    """
    user = User.objects.filter(person=person).first()
    if user is None and person.national_number_hash:
        user = User.objects.filter(national_number_hash=person.national_number_hash).first()
    if user is None:
        username = (
            f"eid-{person.national_number_hash[:24]}"
            if person.national_number_hash
            else f"person-{person.pk}"
        )
        user = User(kind=User.Kind.RESIDENT, username=username)
        user.set_unusable_password()
    if user.kind != User.Kind.RESIDENT:
        raise ValidationError(
            _("This person's account is a staff account; it cannot be used as a resident.")
        )
    user.person = person
    user.national_number_hash = person.national_number_hash or user.national_number_hash
    user.first_name = person.given_names[:150]
    user.last_name = person.family_name[:150]
    user.save()
    return user


def _resident_username(number_hash: str | None, subject: str) -> str:
    # The username never carries the number; a prefix of its keyed hash is enough.
    if number_hash:
        return f"eid-{number_hash[:24]}"
    return f"oidc-{hashlib.sha256(subject.encode()).hexdigest()[:24]}"


@transaction.atomic
def mandate_grant(
    *,
    grantor: Person,
    grantee: Person,
    scope: str,
    valid_until: datetime.date,
    valid_from: datetime.date | None = None,
    actor: User,
) -> Mandate:
    """Give ``grantee`` the right to act for ``grantor`` within ``scope``."""
    today = timezone.localdate()
    valid_from = valid_from or today
    if valid_until < today:
        raise ValidationError({"valid_until": _("The end date lies in the past.")})
    if valid_until > today.replace(year=today.year + MAX_MANDATE_YEARS):
        raise ValidationError(
            {"valid_until": _("A mandate lasts at most %(n)d years.") % {"n": MAX_MANDATE_YEARS}}
        )
    if grantee.state == Person.State.DECEASED:
        raise ValidationError({"grantee": _("This person is deceased.")})
    mandate = Mandate(
        grantor=grantor,
        grantee=grantee,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    mandate.full_clean()
    mandate.save()
    activity_record(
        actor=actor,
        action="mandate.granted",
        for_person=grantor,
        detail={"mandate": mandate.pk, "scope": scope},
    )
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, actor: User) -> Mandate:
    """End a mandate now. Only its grantor (or staff) may do so; the views check that."""
    if mandate.revoked_at is None:
        mandate.revoked_at = timezone.now()
        mandate.save(update_fields=["revoked_at"])
        activity_record(
            actor=actor,
            action="mandate.revoked",
            for_person=mandate.grantor,
            detail={"mandate": mandate.pk},
        )
    return mandate


def activity_record(
    *,
    actor: User | None,
    action: str,
    for_person: Person | None = None,
    for_organisation=None,
    assisted_by: User | None = None,
    detail: dict | None = None,
) -> ActivityRecord:
    """Record something done, with the actor and the one it was done for.

    During an assisted session at the counter the assisting staff member is
    recorded too, also when the caller does not pass ``assisted_by``.
    """
    return ActivityRecord.objects.create(
        actor=actor,
        actor_name=actor.display_name if actor else "",
        on_behalf_of_person=for_person,
        on_behalf_of_organisation=for_organisation,
        assisted_by_id=assisted_by.pk if assisted_by else assisting_staff_id.get(),
        action=action,
        detail=detail or {},
    )


def activity_record_for_request(request, action: str, detail: dict | None = None):
    """Record ``action`` with the request's acting context (actor, for whom, assistant)."""
    acting = request.acting
    return activity_record(
        actor=acting.user,
        action=action,
        for_person=acting.subject_person,
        for_organisation=acting.for_organisation,
        assisted_by=acting.assisted_by,
        detail=detail,
    )
