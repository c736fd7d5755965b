"""Writes to the base registers. Every rule about persons and households lives here.

Each service validates fully before it writes and runs in one transaction, so a
rejected change leaves nothing half-saved. Errors are Django ``ValidationError``
with a message per field, readable by a person.
"""

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from townhall.registry import protection, provenance
from townhall.registry.events import household_changed, person_contact_changed, person_moved
from townhall.registry.history import history_context
from townhall.registry.identifiers import PersonNumber, parse_person_number
from townhall.registry.models import (
    AccessLogEntry,
    Address,
    Household,
    HouseholdMembership,
    Organisation,
    Person,
)
from townhall.registry.person_fields import STAFF_EDITABLE

Relation = HouseholdMembership.Relation


def mobile_normalise(value: str, *, field: str = "mobile") -> str:
    """A phone number in E.164 (+32470123456); Belgian numbers may omit the country code."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError({field: _("This is not a valid telephone number.")})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def address_get_or_create(
    *,
    street_name: str,
    house_number: str,
    postcode: str,
    municipality_name: str,
    box_number: str = "",
    nis_code: str = "",
    register_uri: str = "",
) -> Address:
    """The one address row for this place, created when it is new."""
    address = Address(
        street_name=street_name,
        house_number=house_number,
        box_number=box_number,
        postcode=postcode,
        municipality_name=municipality_name,
        nis_code=nis_code,
        register_uri=register_uri,
    )
    address.full_clean(exclude=["key"])
    existing = Address.objects.filter(key=address.key).first()
    if existing:
        return existing
    address.save()
    return address


def person_apply_national_number(person: Person, number: str | None) -> None:
    """Set the number fields of an unsaved or changed person; derive birth date and sex.

    A number whose birth date or sex disagrees with what was given is refused;
    the person is left untouched then. The birth date is stored as precisely as
    the number gives it: a day or month written 00 is unknown, so the date is the
    first day of the known month or year with precision "month" or "year", never
    an invented day.
    """
    if not number:
        person.number_kind = Person.NumberKind.NONE
        person.national_number_hash = None
        person.national_number_encrypted = ""
        person.national_number_masked = ""
        return
    parsed = parse_person_number(number, for_staff=True)  # the admin and the importers
    errors = _number_disagreements(person, parsed)
    if errors:
        raise ValidationError(errors)
    if parsed.birth_date_precision:
        person.birth_date = parsed.earliest_birth_date
        person.birth_date_precision = parsed.birth_date_precision
    if parsed.sex:
        person.sex = parsed.sex
    person.number_kind = parsed.kind
    person.national_number_hash = protection.national_number_hash(parsed.number)
    person.national_number_encrypted = protection.encrypt(parsed.number)
    person.national_number_masked = protection.national_number_mask(person.national_number_hash)


def _number_disagreements(person: Person, parsed: PersonNumber) -> dict[str, str]:
    """What the person's given birth date and sex say against the number, per field."""
    errors = {}
    given = person.birth_date
    if given and parsed.birth_year:
        if (
            given.year != parsed.birth_year
            or (parsed.birth_month and given.month != parsed.birth_month)
            or (parsed.birth_day and given.day != parsed.birth_day)
        ):
            errors["birth_date"] = _("The birth date does not match the national register number.")
        elif given != parsed.earliest_birth_date:
            # A day the number leaves unknown would be kept as if the register knew it.
            errors["birth_date"] = (
                _(
                    "This national register number leaves the day of birth unknown (00), "
                    "so the birth date is known to the month only: leave the birth date "
                    "empty or give the first day of that month."
                )
                if parsed.birth_month
                else _(
                    "This national register number leaves the month and day of birth unknown "
                    "(00), so the birth date is known to the year only: leave the birth date "
                    "empty or give 1 January of that year."
                )
            )
    if parsed.sex and person.sex not in (Person.Sex.UNKNOWN, parsed.sex):
        errors["sex"] = _(
            "The sex does not match the national register number "
            "(its counter is odd for men, even for women)."
        )
    return errors


def person_check_number_unique(person: Person) -> None:
    if person.national_number_hash and (
        Person.objects.filter(national_number_hash=person.national_number_hash)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise ValidationError(
            {"national_number": _("A person with this national register number already exists.")}
        )


@transaction.atomic
def person_create(
    *,
    given_names: str,
    family_name: str,
    national_number: str | None = None,
    birth_date: datetime.date | None = None,
    sex: str = Person.Sex.UNKNOWN,
    nationality: str = "BE",
    language: str = "nl",
    domicile: Address | None = None,
    email: str = "",
    mobile: str = "",
    state: str | None = None,
) -> Person:
    """Register a person. Without a Belgian number the person is a visitor."""
    person = Person(
        given_names=" ".join(given_names.split()),
        family_name=" ".join(family_name.split()),
        birth_date=birth_date,
        sex=sex,
        nationality=nationality.upper(),
        language=language,
        domicile=domicile,
        email=email.strip(),
        mobile=mobile_normalise(mobile),
    )
    person_apply_national_number(person, national_number)
    if state is None:
        state = Person.State.RESIDENT if person.has_belgian_number else Person.State.NOT_RESIDENT
    person.state = state
    if birth_date and birth_date > datetime.date.today():
        raise ValidationError({"birth_date": _("A birth date cannot lie in the future.")})
    person.full_clean(exclude=["national_number_hash"])
    person_check_number_unique(person)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Registered by someone else between the check and the save.
        person_check_number_unique(person)
        raise
    return person


# What person_update may change: what staff may edit (registry.person_fields), and the
# number, whose stored forms follow from "national_number".
PERSON_UPDATE_FIELDS = frozenset((*STAFF_EDITABLE, "national_number"))
CONTACT_FIELDS = ("email", "mobile")


@transaction.atomic
def person_update(*, person: Person, changes: dict, actor, source: str, detail: str = "") -> Person:
    """Change fields of a registered person; nothing is saved when anything is wrong.

    ``changes`` maps field names of :data:`PERSON_UPDATE_FIELDS` to their new
    values; an empty ``national_number`` keeps the current number, a new one
    sets the birth date and sex it tells (and is refused when they disagree).
    In the same transaction each group of fields that changed gets its record
    source: ``source`` (a :class:`~townhall.registry.provenance.Source`), or
    for :data:`~townhall.registry.provenance.BY_STAFF` the source staff keep
    for that group. After the commit a new domicile sends ``person_moved``,
    a new e-mail address or mobile number ``person_contact_changed``. ``detail``
    says more about the source (the case a correction was granted in).
    """
    unknown = set(changes) - PERSON_UPDATE_FIELDS
    if unknown:
        raise ValueError(f"person_update cannot change {sorted(unknown)}")
    if source != provenance.BY_STAFF and source not in provenance.Source.values:
        raise ValueError(f"Unknown source of a change: {source!r}")
    # The domicile by its id: comparing the Address itself would read it from the database.
    attnames = {name: name for name in PERSON_UPDATE_FIELDS - {"national_number"}}
    attnames["domicile"] = "domicile_id"
    before = {name: getattr(person, attname) for name, attname in attnames.items()}
    before_number = person.national_number_hash
    for name, value in changes.items():
        if name != "national_number":
            setattr(person, name, value)
    person.given_names = " ".join(person.given_names.split())
    person.family_name = " ".join(person.family_name.split())
    person.nationality = person.nationality.upper()
    person.email = person.email.strip()
    person.mobile = mobile_normalise(person.mobile)
    if changes.get("national_number"):
        person_apply_national_number(person, changes["national_number"])
    if person.birth_date and person.birth_date > datetime.date.today():
        raise ValidationError({"birth_date": _("A birth date cannot lie in the future.")})
    person.full_clean(exclude=["national_number_hash"])
    changed = [name for name, value in before.items() if getattr(person, attnames[name]) != value]
    if person.national_number_hash != before_number:
        person_check_number_unique(person)
        changed.append("national_number")
    if not changed:
        return person
    try:
        # The register's history: the actor and the detail (a caller's reason wins).
        with history_context(user=actor, reason=detail), transaction.atomic():
            person.save()
    except IntegrityError:
        # The same number registered by someone else between the check and the save.
        person_check_number_unique(person)
        raise
    provenance.record_sources_for_change(
        person=person, changed_fields=changed, source=source, actor=actor, detail=detail
    )
    if "domicile" in changed:
        person_moved.send_on_commit(
            subject_id=person.pk,
            person=person.pk,
            from_address=before["domicile"],
            to_address=person.domicile_id,
        )
    contact = [name for name in CONTACT_FIELDS if name in changed]
    if contact:
        person_contact_changed.send_on_commit(
            subject_id=person.pk, person=person.pk, fields=contact
        )
    return person


def person_find_by_national_number(number: str) -> Person | None:
    """Look a person up by number through the keyed hash (the number itself is not stored
    in a searchable form). Raises ValidationError when the number is not valid, with
    the detail for staff: residents' forms check their number first."""
    parsed = parse_person_number(number, for_staff=True)
    return Person.objects.filter(
        national_number_hash=protection.national_number_hash(parsed.number)
    ).first()


def _access_log_entry(*, actor, person: Person, action: str, purpose: str, **extra):
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say why you open this record.")})
    department = getattr(actor, "department", None)
    return AccessLogEntry(
        person=person,
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        actor_department=str(department) if department else "",
        action=action,
        purpose=purpose[:200],
        **extra,
    )


def access_log_record(*, actor, person: Person, action: str, purpose: str) -> AccessLogEntry:
    """Write one access-log row for a staff read of ``person``."""
    entry = _access_log_entry(actor=actor, person=person, action=action, purpose=purpose)
    entry.save()
    return entry


def access_log_record_many(*, actor, persons, action: str, purpose: str) -> list[AccessLogEntry]:
    """Write one access-log row per person of ``persons`` that one page showed together
    (the members of a household, the representatives of an organisation), in one query."""
    entries = [
        _access_log_entry(actor=actor, person=person, action=action, purpose=purpose)
        for person in {person.pk: person for person in persons}.values()
    ]
    return AccessLogEntry.objects.bulk_create(entries)


def access_log_record_search(
    *, actor, persons, search_kind: str, purpose: str
) -> list[AccessLogEntry]:
    """Log a search that showed ``persons``: one row in the access log of every person
    shown, each with the kind of term and how many persons the search showed, so each
    of them reads "searched the register, you were one of N". The term itself is
    never kept: it may be a name or e-mail address, of someone not even found."""
    shown = list({person.pk: person for person in persons}.values())
    if search_kind not in AccessLogEntry.SearchKind.values:
        raise ValueError(f"Unknown kind of search term: {search_kind!r}")
    entries = [
        _access_log_entry(
            actor=actor,
            person=person,
            action=AccessLogEntry.Action.SEARCH,
            purpose=purpose,
            search_kind=search_kind,
            result_count=len(shown),
        )
        for person in shown
    ]
    return AccessLogEntry.objects.bulk_create(entries)


def person_reveal_national_number(*, actor, person: Person, purpose: str) -> str:
    """The national number in clear, for a staff member who gives a purpose; logged."""
    access_log_record(
        actor=actor, person=person, action=AccessLogEntry.Action.REVEAL_NUMBER, purpose=purpose
    )
    return person.reveal_national_number()


# --- Households (gezinnen) --------------------------------------------------


def _current_membership_elsewhere(person: Person, household: Household | None):
    qs = HouseholdMembership.objects.filter(person=person, end_date__isnull=True)
    if household is not None and household.pk:
        qs = qs.exclude(household=household)
    return qs.select_related("household__address").first()


def _household_changed(household_id: int, change: str, person_ids: list[int]) -> None:
    household_changed.send_on_commit(
        subject_id=household_id, household=household_id, change=change, persons=person_ids
    )


def _save_membership(membership: HouseholdMembership) -> HouseholdMembership:
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # A concurrent writer got there first; report the same rule as the checks.
        raise ValidationError(
            {
                "person": _(
                    "A person belongs to at most one household at a time, "
                    "and a household has exactly one reference person."
                )
            }
        ) from error
    return membership


@transaction.atomic
def household_create(
    *,
    address: Address,
    reference_person: Person,
    start_date: datetime.date,
    register_number: str = "",
) -> Household:
    """Create a household with its reference person (referentiepersoon).

    This and the other household services send ``household_changed`` after the commit."""
    other = _current_membership_elsewhere(reference_person, None)
    if other:
        raise ValidationError(
            {
                "reference_person": _(
                    "%(person)s already belongs to the household at %(address)s; "
                    "end that membership first."
                )
                % {"person": reference_person, "address": other.household.address}
            }
        )
    household = Household.objects.create(address=address, register_number=register_number)
    _save_membership(
        HouseholdMembership(
            household=household,
            person=reference_person,
            relation=Relation.REFERENCE_PERSON,
            start_date=start_date,
        )
    )
    _household_changed(household.pk, "created", [reference_person.pk])
    return household


@transaction.atomic
def household_add_member(
    *, household: Household, person: Person, relation: str, start_date: datetime.date
) -> HouseholdMembership:
    """Add a person to a household. A second reference person, or a person who still
    belongs to another household, is refused."""
    if relation == Relation.REFERENCE_PERSON:
        raise ValidationError(
            {
                "relation": _(
                    "This household already has a reference person; "
                    "use 'change reference person' instead."
                )
            }
        )
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Unknown relation to the reference person.")})
    if HouseholdMembership.objects.filter(
        household=household, person=person, end_date__isnull=True
    ).exists():
        raise ValidationError(
            {"person": _("%(person)s is already a member of this household.") % {"person": person}}
        )
    other = _current_membership_elsewhere(person, household)
    if other:
        raise ValidationError(
            {
                "person": _(
                    "%(person)s still belongs to the household at %(address)s; "
                    "a person belongs to one household at a time."
                )
                % {"person": person, "address": other.household.address}
            }
        )
    membership = HouseholdMembership(
        household=household, person=person, relation=relation, start_date=start_date
    )
    membership.full_clean(validate_constraints=False)
    _save_membership(membership)
    _household_changed(household.pk, "member_added", [person.pk])
    return membership


@transaction.atomic
def household_end_membership(
    *, membership: HouseholdMembership, end_date: datetime.date
) -> HouseholdMembership:
    """End a membership (move-out, death). The reference person can leave only as the last
    member; otherwise name a new reference person first."""
    if membership.end_date is not None:
        raise ValidationError({"end_date": _("This membership has already ended.")})
    if end_date < membership.start_date:
        raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
    if membership.relation == Relation.REFERENCE_PERSON and (
        HouseholdMembership.objects.filter(household=membership.household, end_date__isnull=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "person": _(
                    "The reference person cannot leave while others remain; "
                    "name a new reference person first."
                )
            }
        )
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    _household_changed(membership.household_id, "member_left", [membership.person_id])
    return membership


@transaction.atomic
def household_change_reference_person(
    *, household: Household, new_reference: Person, date: datetime.date, former_relation: str
) -> None:
    """Make another current member the reference person; the former one stays as
    ``former_relation`` and the new one's old relation ends on ``date``.

    The memberships are ended and new ones begun on ``date``, so the history
    shows who was reference person when.
    """
    if former_relation == Relation.REFERENCE_PERSON or former_relation not in Relation.values:
        raise ValidationError(
            {
                "former_relation": _(
                    "Choose the former reference person's new relation to the new reference person."
                )
            }
        )
    current = {
        m.person_id: m
        for m in household.memberships.select_for_update().filter(end_date__isnull=True)
    }
    if new_reference.pk not in current:
        raise ValidationError(
            {"reference_person": _("The new reference person must be a current member.")}
        )
    old = next((m for m in current.values() if m.relation == Relation.REFERENCE_PERSON), None)
    if old is not None and old.person_id == new_reference.pk:
        return
    changed = [current[new_reference.pk]] + ([old] if old is not None else [])
    if any(date < membership.start_date for membership in changed):
        raise ValidationError(
            {
                "date": _("The change cannot take effect before %(person)s joined the household.")
                % {"person": max(changed, key=lambda m: m.start_date).person}
            }
        )
    # End the former reference person's membership first: the database allows
    # one current reference person per household.
    for membership, relation in ((old, former_relation), (changed[0], Relation.REFERENCE_PERSON)):
        if membership is None:
            continue
        membership.end_date = date
        membership.save(update_fields=["end_date"])
        _save_membership(
            HouseholdMembership(
                household=household,
                person=membership.person,
                relation=relation,
                start_date=date,
            )
        )
    _household_changed(household.pk, "reference_person_changed", [m.person_id for m in changed])


def organisation_create(**fields) -> Organisation:
    """Register an organisation; the enterprise number or vCode is validated."""
    organisation = Organisation(**fields)
    if organisation.phone:
        organisation.phone = mobile_normalise(organisation.phone, field="phone")
    organisation.full_clean()
    organisation.save()
    return organisation
