"""Staff edits of a household's members in one go (gezinssamenstelling): the household
admin's inline.

The services in :mod:`townhall.registry.services` make one change at a time
(``household_create``, ``household_add_member``, ``household_end_membership``,
``household_change_reference_person``). The admin's inline edits several rows at
once: a partner joins while a child leaves, the reference person hands over, a
relation typed wrong is corrected. It goes through this module instead of saving
the rows itself:

1. :func:`household_rows_check` checks the rows as they will be: exactly one
   current reference person, nobody listed twice as a current member, nobody who
   still belongs to another household. The inline's formset calls it to show the
   errors on the form; the service calls it again on what the database holds.
2. :func:`household_memberships_edit` reads the stored rows (locked), checks the
   result, deletes and saves the rows in an order the database accepts, and in
   the same transaction records where the household composition of each person
   whose membership changed now comes from (the population register, changed by
   staff; :mod:`townhall.registry.provenance`).
3. After the commit it sends ``household_changed`` once per kind of change, as the
   one-step services do: ``created`` (a new household, with its reference person),
   ``member_added``, ``member_left``, ``reference_person_changed`` (the former and
   the new reference person) and ``membership_corrected`` (a relation or a date
   changed, or a row removed, without changing who belongs to the household).

The admin's change form is the outermost transaction (``durable=True``), so its
log entry, the rows and their sources commit together and the events go out
right after.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from townhall.registry import provenance
from townhall.registry.events import household_changed
from townhall.registry.history import history_context
from townhall.registry.models import Household, HouseholdMembership, Person
from townhall.registry.provenance import FieldGroup

Relation = HouseholdMembership.Relation

# The order of the events of one edit: what a reader of the history would tell first.
CHANGES = (
    "created",
    "member_added",
    "member_left",
    "reference_person_changed",
    "membership_corrected",
)


@dataclass(frozen=True)
class Row:
    """A membership as the rules see it: whose, how related, from when to when."""

    person: int
    relation: str
    start_date: datetime.date
    end_date: datetime.date | None

    @classmethod
    def of(cls, membership: HouseholdMembership) -> "Row":
        return cls(
            membership.person_id, membership.relation, membership.start_date, membership.end_date
        )

    @property
    def is_current(self) -> bool:
        return self.end_date is None


def household_rows_check(
    *, household: Household, current: Iterable[tuple[int, str]], new_household: bool
) -> None:
    """Refuse the current members ``current`` (person id, relation) of ``household``
    unless they have exactly one reference person (a household that exists may keep
    no current member at all), nobody twice, and nobody who still belongs to another
    household. Raises ``ValidationError`` with a message per problem."""
    current = list(current)
    references = [person for person, relation in current if relation == Relation.REFERENCE_PERSON]
    if (current or new_household) and len(references) != 1:
        raise ValidationError(
            _("A household has exactly one reference person; this one would have %(n)d.")
            % {"n": len(references)}
        )
    people = [person for person, _relation in current]
    if len(set(people)) != len(people):
        raise ValidationError(_("A person is listed twice as a current member."))
    elsewhere = (
        HouseholdMembership.objects.filter(person_id__in=people, end_date__isnull=True)
        .exclude(household_id=household.pk)
        .select_related("person", "household__address")
    )
    errors = [
        _(
            "%(person)s still belongs to the household at %(address)s; "
            "a person belongs to one household at a time."
        )
        % {"person": membership.person, "address": membership.household.address}
        for membership in elsewhere
    ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def household_memberships_edit(
    *,
    household: Household,
    saved: Sequence[HouseholdMembership],
    deleted: Sequence[HouseholdMembership],
    actor,
    new_household: bool = False,
) -> list[str]:
    """Apply staff's edit of ``household``'s memberships: ``saved`` rows (new ones, and
    stored ones carrying their new values) and ``deleted`` ones; nothing is written
    when the result breaks a rule. Returns the kinds of change it announces (see the
    module's docstring); an edit that changes nothing announces nothing."""
    stored = {
        membership.pk: Row.of(membership)
        for membership in household.memberships.select_for_update().order_by("pk")
    }
    strangers = [m for m in (*saved, *deleted) if m.pk is not None and m.pk not in stored]
    if strangers or any(m.household_id != household.pk for m in saved):
        raise ValueError("Only the memberships of this household can be edited with it.")
    for membership in saved:
        if membership.end_date and membership.end_date < membership.start_date:
            raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
    removed = {m.pk for m in deleted if m.pk is not None}
    added = [m for m in saved if m.pk is None]
    edited = [m for m in saved if m.pk is not None and m.pk not in removed]
    edited = [m for m in edited if Row.of(m) != stored[m.pk]]
    after = {pk: row for pk, row in stored.items() if pk not in removed}
    after.update({m.pk: Row.of(m) for m in edited})
    rows_after = [*after.values(), *(Row.of(m) for m in added)]
    household_rows_check(
        household=household,
        current=[(row.person, row.relation) for row in rows_after if row.is_current],
        new_household=new_household,
    )
    # Whose membership changed: a row's former person too, if staff put another on it.
    touched = {stored[pk].person for pk in removed} | {m.person_id for m in (*added, *edited)}
    touched |= {stored[m.pk].person for m in edited}

    with history_context(user=actor):  # the register's history: who changed the rows
        if removed:
            HouseholdMembership.objects.filter(pk__in=removed).delete()
        # The rows that become the current reference person last: the database allows
        # one current reference person per household at any moment.
        for membership in sorted((*edited, *added), key=_becomes_current_reference):
            _membership_save(membership)
    _household_source_record(persons=touched, actor=actor)
    changes = _changes(
        before=list(stored.values()), after=rows_after, touched=touched, created=new_household
    )
    for change in CHANGES:
        if changes.get(change):
            household_changed.send_on_commit(
                subject_id=household.pk,
                household=household.pk,
                change=change,
                persons=changes[change],
            )
    return [change for change in CHANGES if changes.get(change)]


def _becomes_current_reference(membership: HouseholdMembership) -> bool:
    return membership.relation == Relation.REFERENCE_PERSON and membership.end_date is None


def _membership_save(membership: HouseholdMembership) -> None:
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Another writer got there between the check and the save; the same rule.
        raise ValidationError(
            {
                "person": _(
                    "A person belongs to at most one household at a time, "
                    "and a household has exactly one reference person."
                )
            }
        ) from error


def _household_source_record(*, persons: set[int], actor) -> None:
    """Staff of citizens' affairs keep the population register: the household
    composition of each person whose membership changed comes from there now."""
    for person in Person.objects.filter(pk__in=persons).order_by("pk"):
        provenance.record_source_set(
            person=person,
            group=FieldGroup.HOUSEHOLD,
            source=provenance.STAFF_SOURCE_OF_GROUP[FieldGroup.HOUSEHOLD],
            detail=provenance.CHANGED_BY_STAFF,
            recorded_by=actor,
        )


def _changes(
    *, before: list[Row], after: list[Row], touched: set[int], created: bool
) -> dict[str, list[int]]:
    """The persons of each kind of change, from the current members before and after."""
    was = {row.person: row.relation for row in before if row.is_current}
    now = {row.person: row.relation for row in after if row.is_current}
    added, left = set(now) - set(was), set(was) - set(now)
    changes: dict[str, set[int]] = {"member_added": added, "member_left": left}
    old, new = _reference(was), _reference(now)
    if created:
        changes["created"] = {new} if new is not None else set()
        added.discard(new)
    elif old is not None and new is not None and old != new:
        changes["reference_person_changed"] = {old, new}
    changes["membership_corrected"] = touched - set().union(*changes.values())
    return {change: sorted(persons) for change, persons in changes.items()}


def _reference(current: dict[int, str]) -> int | None:
    references = [p for p, relation in current.items() if relation == Relation.REFERENCE_PERSON]
    return references[0] if references else None
