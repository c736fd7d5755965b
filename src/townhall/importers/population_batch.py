"""Applying one batch of population register rows: persons, domiciles and households.

1. :meth:`Register.load` reads what the batch's rows touch, in six queries: the
   persons by the keyed hash of their national number, the dates an import last
   changed them, all their household memberships (the ended ones too: the history
   tells a row applied before from a row out of date order), the households named
   by number or holding those persons, and the current members of those households.
2. :meth:`Register.apply` applies the rows one by one, in file order, to that
   picture in memory. A row that breaks a rule raises :class:`Rejected` before it
   changes anything, so the rows after it see the register as if it were absent.
3. :func:`.population_writing.register_write` saves the outcome in bulk.

The household rules, as ``docs/imports.md`` gives them to operators:

- joining a household ends the current membership on the row's date and starts
  the new one on that date; the same household with the same relation is no change;
- a household has at most one current reference person. A ``person`` row naming
  another one ends the former reference person's membership (a snapshot is the
  truth; their own row, if any, places them); an event row may do so only when
  the former reference person has a later row of the same date;
- a reference person may leave a household where others remain, and a household
  may get members before its reference person, only when a later row (of the
  same date, for events) names its reference person, or takes all others out.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from townhall.importers.addresses import KEY
from townhall.importers.base import Rejected
from townhall.importers.population_lookahead import LaterRows
from townhall.importers.population_rows import (
    HOUSEHOLD_CHANGE,
    JOINING,
    MOVE_OUT,
    PERSON,
    REFERENCE_PERSON,
    PersonRow,
    person_key,
)
from townhall.registry.models import Household, HouseholdMembership, Person
from townhall.registry.person_fields import NUMBER_COLUMNS, POPULATION_COLUMNS
from townhall.registry.provenance import (
    PERSON_FIELD_GROUPS,
    FieldGroup,
    RecordSource,
    Source,
)

# The columns the population register delivers (person_fields), but the domicile,
# which the batch keeps as an address key, and the number, set when a person is created.
FIELDS = tuple(
    column for column in POPULATION_COLUMNS if column not in ("domicile", *NUMBER_COLUMNS)
)
MEMBERSHIP_COLUMNS = ("household_id", "person_id", "relation", "start_date")
RESIDENT, MOVED_OUT, DECEASED = Person.State.RESIDENT, Person.State.MOVED_OUT, Person.State.DECEASED
UNKNOWN_PERSON = (
    "no person with this national number in the register: register the person first "
    "with a person or move_in row"
)


@dataclass(slots=True, eq=False)
class Member:
    """A membership of a household (gezinsrelatie), as the batch sees it."""

    pk: int | None
    household: "Home"
    person: "Resident"
    relation: str
    start: datetime.date
    end: datetime.date | None = None


@dataclass(slots=True, eq=False)
class Home:
    """A household: its number, address (an address key) and current members."""

    pk: int | None
    number: str
    address: str
    saved_address: str | None  # None for a household the batch creates
    members: dict["Resident", Member] = field(default_factory=dict)

    def reference(self) -> Member | None:
        return next((m for m in self.members.values() if m.relation == REFERENCE_PERSON), None)

    @property
    def label(self) -> str:
        return f"household {self.number}" if self.number else "their household (no number)"


@dataclass(slots=True, eq=False, repr=False)
class Resident:
    """A person as the batch sees them; ``fields`` holds the domicile as an address key."""

    pk: int | None
    number_hash: str | None
    fields: dict
    saved: dict | None  # as in the database; None for a person the batch creates
    create: dict | None = None  # the number fields of a new person
    current: Member | None = None
    past: list[tuple[str, str, datetime.date, datetime.date]] = field(default_factory=list)
    sources: dict[str, datetime.date] = field(default_factory=dict)  # group -> date
    recorded: datetime.date | None = None  # when an import last changed the person's data

    @property
    def key(self) -> int | None:
        return person_key(self.number_hash) if self.number_hash else None

    def latest(self) -> datetime.date | None:
        """The date of the latest change the register holds for this person: a change of
        state or household, or the row an import last changed them with (a domicile or a
        name has no date of its own)."""
        dates = [self.fields.get("state_since"), self.current.start if self.current else None]
        dates += [end for *_, end in self.past]
        dates += [self.recorded, *self.sources.values()]
        return max((date for date in dates if date), default=None)

    def has_had(self, number: str, relation: str, start: datetime.date) -> bool:
        return any(p[:3] == (number, relation, start) for p in self.past)


class Register:
    """The persons and households one batch touches, changed in memory, then written."""

    def __init__(self, later: LaterRows):
        self.later = later
        self.by_hash: dict[str, Resident] = {}
        self.by_pk: dict[int, Resident] = {}
        self.homes: list[Home] = []
        self.by_number: dict[str, Home] = {}
        self.ambiguous: dict[str, int] = {}
        self.address_pks: dict[str, int] = {}
        self.parts: dict[str, tuple] = {}
        self.ended: list[Member] = []
        self.started: list[Member] = []
        self.counts: Counter[str] = Counter()

    @classmethod
    def load(cls, rows: list[PersonRow], later: LaterRows) -> "Register":
        register = cls(later)
        register._load(rows)
        return register

    def _load(self, rows: list[PersonRow]) -> None:
        self.parts = {row.address[KEY]: row.address for row in rows if row.address}
        persons = Person.objects.filter(
            national_number_hash__in={row.number_hash for row in rows}
        ).values_list("pk", "national_number_hash", *FIELDS, "domicile_id", "domicile__key")
        for pk, number_hash, *values, domicile_pk, domicile in persons:
            fields = {**dict(zip(FIELDS, values, strict=True)), "domicile": domicile}
            resident = Resident(pk, number_hash, fields, dict(fields))
            self.by_hash[number_hash] = self.by_pk[pk] = resident
            if domicile:
                self.address_pks[domicile] = domicile_pk
        # The importer's own records (staff changes say so in their detail).
        for person, recorded in RecordSource.objects.filter(
            person_id__in=self.by_pk, source=Source.POPULATION_REGISTER, detail=""
        ).values_list("person_id", "recorded_on"):
            resident = self.by_pk[person]
            resident.recorded = max(recorded, resident.recorded or recorded)
        memberships = HouseholdMembership.objects.filter(person_id__in=self.by_pk)
        current_homes = set()
        for household, person, relation, start, end, number in memberships.values_list(
            *MEMBERSHIP_COLUMNS, "end_date", "household__register_number"
        ):
            if end is None:
                current_homes.add(household)
            else:
                self.by_pk[person].past.append((number, relation, start, end))
        numbers = {row.household for row in rows if row.household}
        homes = {}
        for pk, number, address_pk, address in Household.objects.filter(
            Q(pk__in=current_homes) | Q(register_number__in=numbers)
        ).values_list("pk", "register_number", "address_id", "address__key"):
            homes[pk] = Home(pk, number, address, address)
            self.address_pks[address] = address_pk
        self.homes = list(homes.values())
        members = HouseholdMembership.objects.filter(household_id__in=homes, end_date__isnull=True)
        for pk, household, person, relation, start, number_hash in members.values_list(
            "pk", *MEMBERSHIP_COLUMNS, "person__national_number_hash"
        ):
            resident = self.by_pk.get(person)
            if resident is None:  # a member the rows do not name: only the membership counts
                resident = self.by_pk[person] = Resident(person, number_hash, {}, {})
            home = homes[household]
            resident.current = home.members[resident] = Member(pk, home, resident, relation, start)
        self._index_numbers()

    def _index_numbers(self) -> None:
        """Households by number; of several with one number, the one with members counts."""
        candidates: dict[str, list[Home]] = {}
        for home in self.homes:
            if home.number:
                candidates.setdefault(home.number, []).append(home)
        for number, homes in candidates.items():
            lived_in = [home for home in homes if home.members]
            if len(lived_in) > 1:
                self.ambiguous[number] = len(lived_in)
            else:
                self.by_number[number] = (lived_in or sorted(homes, key=lambda h: h.pk))[-1]

    def residents(self) -> list[Resident]:
        """Everyone the batch holds: the persons its rows name, then the other members."""
        named = list(self.by_hash.values())
        return named + [r for r in self.by_pk.values() if r.number_hash not in self.by_hash]

    # --- applying rows ----------------------------------------------------------

    def apply(self, row: PersonRow) -> str:
        """Apply one row; "created", "updated" or "unchanged". Raises :class:`Rejected`."""
        resident = self.by_hash.get(row.number_hash)
        if row.kind in JOINING:
            return self._join(row, resident)
        return self._leave(row, resident)

    def _join(self, row: PersonRow, resident: Resident | None) -> str:
        if resident is None:
            if row.kind == HOUSEHOLD_CHANGE:
                raise Rejected(UNKNOWN_PERSON)
            resident = self._new_resident(row)
        if row.household in self.ambiguous:
            raise Rejected(
                f"{self.ambiguous[row.household]} households in the register have the number "
                f"{row.household}; merge them by hand first"
            )
        home = self.by_number.get(row.household)
        current = resident.current
        same = (
            current is not None and current.household is home and current.relation == row.relation
        )
        latest = resident.latest()
        if latest is not None and row.date < latest:
            if same or resident.has_had(row.household, row.relation, row.date):
                return "unchanged"  # applied before, or older than what the register holds
            raise Rejected(_out_of_order(latest))
        if resident.fields["state"] == DECEASED:
            raise Rejected(
                f"the person is recorded as deceased on {resident.fields['state_since']}"
            )
        if row.kind == HOUSEHOLD_CHANGE:
            address = self._domicile_for_change(resident, home, same=same)
        else:
            address = row.address[KEY]
        displaced = None if same else self._check_households(row, resident, home)
        # Nothing refuses the row from here on.
        created = resident.saved is None and row.number_hash not in self.by_hash
        self.by_hash[row.number_hash] = resident
        changed = False
        if displaced is not None:
            self._end(displaced, row.date)
        if not same:
            if current is not None:
                self._end(current, row.date)
            if home is None:
                home = self._new_home(row.household, address)
            self._start(resident, home, row.relation, row.date)
            changed = True
        if row.kind != HOUSEHOLD_CHANGE and home.address != address:
            home.address = address  # the household moved
            if home.saved_address is not None:
                self.counts["households moved"] += 1
            changed = True
        values: dict = {"domicile": address}
        if resident.fields["state"] != RESIDENT:
            values.update(state=RESIDENT, state_since=row.date)
        changed |= self._update(resident, row, values)
        return "created" if created else "updated" if changed else "unchanged"

    def _leave(self, row: PersonRow, resident: Resident | None) -> str:
        if resident is None:
            raise Rejected(UNKNOWN_PERSON)
        state = MOVED_OUT if row.kind == MOVE_OUT else DECEASED
        fields = resident.fields
        if fields["state"] == DECEASED:
            if state == DECEASED and fields["state_since"] == row.date:
                return "unchanged"
            raise Rejected(f"the person is recorded as deceased on {fields['state_since']}")
        if fields["state"] == state and fields["state_since"] == row.date:
            return "unchanged"
        latest = resident.latest()
        if latest is not None and row.date < latest:
            if state == MOVED_OUT and any(p[3] == row.date for p in resident.past):
                return "unchanged"  # applied before; the person has moved in again since
            raise Rejected(_out_of_order(latest))
        current = resident.current
        if row.household and (current is None or current.household.number != row.household):
            raise Rejected(f"the person is not a current member of household {row.household}")
        if current is not None and current.relation == REFERENCE_PERSON:
            self._check_reference_leaves(row, current, stays=False)
        if current is not None:
            self._end(current, row.date)
        values: dict = {"state": state, "state_since": row.date}
        if state == MOVED_OUT:
            values["domicile"] = None  # the register keeps domiciles in the municipality only
        self._update(resident, row, values)
        return "updated"

    def _domicile_for_change(self, resident: Resident, home: Home | None, *, same: bool) -> str:
        """The address of a household_change: the person's domicile, which must be the
        household's when the person joins it."""
        fields = resident.fields
        if fields["state"] != RESIDENT or not fields["domicile"]:
            raise Rejected(
                "the person is not a resident with a domicile in the municipality; "
                "use a move_in row"
            )
        if not same and home is not None and home.address != fields["domicile"]:
            raise Rejected(
                f"{home.label} lives at another address than the person: a household_change "
                "does not move anyone; use move_in rows for a move"
            )
        return fields["domicile"]

    def _check_households(self, row: PersonRow, resident: Resident, home: Home | None):
        """Refuse a change that breaks the household rules; return the reference person's
        membership a person row takes over, if any."""
        on = None if row.kind == PERSON else row.date
        current = resident.current
        if current is not None and current.relation == REFERENCE_PERSON:
            self._check_reference_leaves(row, current, stays=current.household is home)
        reference = home.reference() if home is not None else None
        if reference is not None and reference.person is resident:
            reference = None
        if row.relation != REFERENCE_PERSON:
            if reference is None and not self.later.names_reference(row.household, row.line, on):
                later = "later row of the same date" if on else "later person row"
                raise Rejected(
                    f"household {row.household} has no reference person, and no {later} "
                    "names one: give the reference person's row after this one"
                )
            return None
        if reference is None:
            return None
        if row.kind != PERSON and not self.later.has_row(reference.person.key, row.line, on):
            raise Rejected(
                f"household {row.household} has a reference person already: to hand the role "
                "over, give the former reference person's own row (household_change, "
                "move_out or death) of the same date after this one"
            )
        if reference.start > row.date:
            raise Rejected(
                f"the reference person of household {row.household} joined it on "
                f"{reference.start}, after this row's date"
            )
        return reference

    def _check_reference_leaves(self, row: PersonRow, current: Member, *, stays: bool) -> None:
        """The reference person leaves the role: allowed when nobody else stays, or a later
        row names the new reference person or takes the others out."""
        home = current.household
        others = [m.person for m in home.members.values() if m is not current]
        if not others and not stays:
            return
        on = None if row.kind == PERSON else row.date
        if home.number and self.later.names_reference(home.number, row.line, on):
            return
        if not stays and all(
            self.later.leaves(person.key, home.number, row.line, on) for person in others
        ):
            return
        later = "a later row of the same date" if on else "a later person row"
        if stays:
            reason = f"the reference person of {home.label} would no longer be its reference person"
        else:
            verb = "remain" if len(others) > 1 else "remains"
            reason = (
                f"the reference person would leave {home.label} while {len(others)} other "
                f"member{'s' if len(others) > 1 else ''} {verb}"
            )
        if home.number:
            reason += (
                f": name the new reference person in {later} "
                f"(relation reference_person, household {home.number})"
            )
        else:
            reason += ": the household has no number, so name its new reference person by hand"
        raise Rejected(reason)

    # --- changes in memory ------------------------------------------------------

    def _new_resident(self, row: PersonRow) -> Resident:
        create = row.create
        # Every field starts empty (None), and what the number tells and the defaults fill in.
        fields = {
            **dict.fromkeys((*FIELDS, "domicile")),
            "given_names": "",
            "family_name": "",
            "birth_date": create["birth_date"],
            "birth_date_precision": create["birth_date_precision"],
            "sex": Person.Sex.UNKNOWN,
            "nationality": create["nationality"],
            "language": create["language"],
        }
        return Resident(None, row.number_hash, fields, None, create=create)

    def _new_home(self, number: str, address: str) -> Home:
        home = Home(None, number, address, None)
        self.homes.append(home)
        self.by_number[number] = home
        self.counts["households created"] += 1
        return home

    def _start(self, resident: Resident, home: Home, relation: str, date) -> None:
        member = Member(None, home, resident, relation, date)
        home.members[resident] = resident.current = member
        self.started.append(member)
        resident.sources[FieldGroup.HOUSEHOLD] = date

    def _end(self, member: Member, date) -> None:
        member.end = date
        person = member.person
        del member.household.members[person]
        person.current = None
        person.past.append((member.household.number, member.relation, member.start, date))
        person.sources[FieldGroup.HOUSEHOLD] = date
        if member.pk is not None:
            self.ended.append(member)

    def _update(self, resident: Resident, row: PersonRow, values: dict) -> bool:
        fields = resident.fields
        identity = {name: v for name, v in row.identity.items() if fields[name] != v}
        others = {name: v for name, v in values.items() if fields[name] != v}
        # Each changed field renews the source of its own group: a new language is
        # a preference (as My data shows it), not identity.
        for name in (*identity, *others):
            group = PERSON_FIELD_GROUPS.get(name)
            if group is not None:
                resident.sources[group] = row.date
        fields.update(identity)
        fields.update(others)
        return bool(identity or others)


def _out_of_order(latest: datetime.date) -> str:
    return (
        f"out of date order: the register holds a later change for this person ({latest}); "
        "rows must come in date order"
    )
