"""The population register export: its columns, one row read into a :class:`PersonRow`.

The format is Townhall's own (``docs/imports.md`` documents every column); a
municipality's population software or a national register extract maps onto it.

1. Each row is one record: a ``person`` (the resident's situation since
   ``event_date``: a snapshot) or a change: ``move_in``, ``move_out``, ``death``,
   ``household_change``.
2. :class:`RowParser` checks one row on its own (dates, the national number and
   its agreement with birth date and sex, the address against the municipality's
   postcodes and the streets of the address register, the household columns)
   and against the rows before it (duplicates, two reference persons or two
   addresses for one household among the ``person`` rows). It raises
   :class:`Rejected` with a reason that never holds the national number.
3. What a row needs to know about the rows after it is in ``population_lookahead.py``.
"""

import datetime
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from townhall.importers.addresses import KEY, address_parts, address_text
from townhall.importers.base import Rejected
from townhall.languages import FALLBACK, REGISTER
from townhall.registry.models import Address, HouseholdMembership, Person
from townhall.registry.services import person_apply_national_number

PERSON, MOVE_IN, MOVE_OUT, DEATH, HOUSEHOLD_CHANGE = (
    "person",
    "move_in",
    "move_out",
    "death",
    "household_change",
)
RECORD_TYPES = (PERSON, MOVE_IN, MOVE_OUT, DEATH, HOUSEHOLD_CHANGE)
PLACING = (PERSON, MOVE_IN)  # rows that give the domicile address
JOINING = (PERSON, MOVE_IN, HOUSEHOLD_CHANGE)  # rows that put the person in a household
LEAVING = (MOVE_OUT, DEATH)
REQUIRED_COLUMNS = (
    "record_type",
    "event_date",
    "national_number",
    "given_names",
    "family_name",
    "street",
    "house_number",
    "postcode",
    "household_number",
    "relation",
)
OPTIONAL_COLUMNS = ("birth_date", "sex", "nationality", "language", "box", "municipality")
HEADER = (
    "record_type,event_date,national_number,given_names,family_name,birth_date,sex,"
    "nationality,language,street,house_number,box,postcode,municipality,household_number,"
    "relation"
)
REFERENCE_PERSON = HouseholdMembership.Relation.REFERENCE_PERSON
RELATIONS = tuple(HouseholdMembership.Relation.values)
SEXES = {"m": Person.Sex.MALE, "f": Person.Sex.FEMALE, "x": Person.Sex.UNKNOWN}
LANGUAGES = REGISTER  # a person's language as the register may hold it
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_LENGTH = Person._meta.get_field("given_names").max_length
HOUSEHOLD_NUMBER_LENGTH = 30


@dataclass(slots=True, repr=False)  # no repr: the row holds a national number's hash
class PersonRow:
    """One checked row, ready to apply."""

    line: int
    kind: str
    date: datetime.date
    number_hash: str
    identity: dict  # the Person fields the row gives (names, birth date, sex, ...)
    create: dict  # what a new Person needs besides: number fields, derived birth date
    address: tuple | None  # address_parts(), for person and move_in rows
    household: str
    relation: str

    @property
    def key(self) -> int:
        return person_key(self.number_hash)


def person_key(number_hash: str) -> int:
    """A short key for a person, from the keyed hash of the number (for in-memory indexes:
    60 bits, a signed 64-bit integer)."""
    return int(number_hash[:15], 16)


@dataclass
class PopulationRules:
    """What depends on the municipality: its postcodes, names, streets and language."""

    municipality: str
    place_names: dict[str, str]  # postcode -> the place name written in addresses
    language: str
    known_streets: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def for_municipality(cls, municipality) -> "PopulationRules":
        place_names = {p.code: p.place_name for p in municipality.postcodes.all()}
        place_names = place_names or {municipality.postcode: municipality.name}
        known: dict[str, set[str]] = {}
        # The streets of the address register (imported from BeST, so with a URI).
        in_register = Address.objects.filter(postcode__in=place_names).exclude(register_uri="")
        for postcode, key in in_register.values_list("postcode", "key"):
            known.setdefault(postcode, set()).add(key.split("|")[1])
        languages = [code for code in (municipality.languages or []) if code in LANGUAGES]
        return cls(
            municipality=municipality.name,
            place_names=place_names,
            language=(languages or [FALLBACK])[0],
            known_streets=known,
        )

    @property
    def postcodes_without_streets(self) -> list[str]:
        return sorted(code for code in self.place_names if code not in self.known_streets)


class RowParser:
    """Turns rows into :class:`PersonRow`; remembers what it needs to refuse duplicates."""

    def __init__(self, rules: PopulationRules):
        self.rules = rules
        self._persons: dict[int, int] = {}  # person key -> line of its person row
        self._events: dict[bytes, int] = {}  # digest of an event row -> line
        self._references: dict[str, int] = {}  # household -> line of its reference person
        # household -> line of its first person row, hash of that row's address key
        self._addresses: dict[str, tuple[int, int]] = {}
        self._today = datetime.date.today()
        self._person = Person()

    def parse(self, values: dict[str, str], line: int) -> PersonRow:
        kind = values["record_type"].strip().lower()
        if kind not in RECORD_TYPES:
            raise Rejected(
                f"unknown record_type {kind!r} (expected {', '.join(RECORD_TYPES[:-1])} "
                f"or {RECORD_TYPES[-1]})"
            )
        date = self._date(values["event_date"], "event_date", required=True)
        probe = self._probe(values)
        identity = self._identity(values, kind, probe)
        create = {
            "number_kind": probe.number_kind,
            "national_number_hash": probe.national_number_hash,
            "national_number_encrypted": probe.national_number_encrypted,
            "national_number_masked": probe.national_number_masked,
            "birth_date": probe.birth_date,
            "birth_date_precision": probe.birth_date_precision,
            "nationality": "BE",
            "language": self.rules.language,
        }
        address = self._address(values) if kind in PLACING else None
        household, relation = self._household(values, kind)
        row = PersonRow(
            line,
            kind,
            date,
            probe.national_number_hash,
            identity,
            create,
            address,
            household,
            relation,
        )
        if kind == PERSON:
            self._check_snapshot(row)
        else:
            self._check_event(values, line)
        return row

    def _date(self, text: str, column: str, *, required: bool = False) -> datetime.date | None:
        text = text.strip()
        if not text:
            if required:
                raise Rejected(f"{column} is empty")
            return None
        value = date_or_none(text)
        if value is None:
            raise Rejected(f"{column} {text!r} is not a date written YYYY-MM-DD")
        if value > self._today:
            raise Rejected(f"{column} {text} lies in the future")
        return value

    def _probe(self, values: dict[str, str]) -> Person:
        """A Person with the number applied: validated, hashed, birth date and sex derived."""
        number = values["national_number"].strip()
        if not number:
            raise Rejected("national_number is empty")
        sex_text = values.get("sex", "").strip().lower()
        if sex_text and sex_text not in SEXES:
            raise Rejected(f"sex {sex_text.upper()!r} is not M, F or X")
        # One unsaved Person serves every row (building a model instance costs more
        # than checking the number); only these fields are read before being set.
        probe = self._person
        probe.birth_date = self._date(values.get("birth_date", ""), "birth_date")
        probe.birth_date_precision = Person.DatePrecision.DAY
        probe.sex = SEXES.get(sex_text, Person.Sex.UNKNOWN)
        try:
            person_apply_national_number(probe, number)
        except ValidationError as error:
            raise Rejected(_messages(error)) from None
        if probe.number_kind != Person.NumberKind.NATIONAL_REGISTER:
            raise Rejected(
                "national_number: this is a bis number; residents in the population "
                "register have a national register number"
            )
        return probe

    def _identity(self, values: dict[str, str], kind: str, probe: Person) -> dict:
        identity: dict = {"sex": probe.sex}
        for column in ("given_names", "family_name"):
            value = " ".join(values[column].split())
            if not value and kind in PLACING:
                raise Rejected(f"{column} is empty (required in a {kind} row)")
            if len(value) > NAME_LENGTH:
                raise Rejected(f"{column} is longer than {NAME_LENGTH} characters")
            if value:
                identity[column] = value
        if values.get("birth_date", "").strip():
            identity["birth_date"] = probe.birth_date
            identity["birth_date_precision"] = probe.birth_date_precision
        nationality = values.get("nationality", "").strip().upper()
        if nationality:
            if len(nationality) != 2 or not nationality.isascii() or not nationality.isalpha():
                raise Rejected(
                    f"nationality {nationality!r} is not a country code of two letters "
                    "(ISO 3166-1 alpha-2, e.g. BE)"
                )
            identity["nationality"] = nationality
        language = values.get("language", "").strip().lower()
        if language:
            if language not in LANGUAGES:
                raise Rejected(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
            identity["language"] = language
        return identity

    def _address(self, values: dict[str, str]) -> tuple:
        rules = self.rules
        postcode = values["postcode"].strip()
        place = rules.place_names.get(postcode)
        if place is None:
            raise Rejected(
                f"postcode {postcode!r} is not a postcode of {rules.municipality} "
                f"({', '.join(sorted(rules.place_names))}): the population register holds "
                "the municipality's residents"
            )
        written = values.get("municipality", "").strip()
        if written and _folded(written) not in (_folded(place), _folded(rules.municipality)):
            raise Rejected(f"municipality {written!r} does not match postcode {postcode} ({place})")
        parts = address_parts(
            street_name=values["street"],
            house_number=values["house_number"],
            box_number=values.get("box", ""),
            postcode=postcode,
            municipality_name=place,
        )
        known = rules.known_streets.get(postcode)
        if known and parts[KEY].split("|")[1] not in known:
            raise Rejected(
                f"the street {parts[0]!r} is not known in {postcode} {place}: "
                "check its spelling against the address register"
            )
        return parts

    def _household(self, values: dict[str, str], kind: str) -> tuple[str, str]:
        household = values["household_number"].strip()
        relation = values["relation"].strip().lower()
        if len(household) > HOUSEHOLD_NUMBER_LENGTH:
            raise Rejected(f"household_number is longer than {HOUSEHOLD_NUMBER_LENGTH} characters")
        if kind in LEAVING:
            return household, ""  # the household left, when given; the relation is not used
        if not household:
            raise Rejected(f"household_number is empty (required in a {kind} row)")
        if relation not in RELATIONS:
            raise Rejected(
                f"relation {relation!r} is not one of {', '.join(RELATIONS)}"
                if relation
                else f"relation is empty (required in a {kind} row)"
            )
        return household, relation

    def _check_snapshot(self, row: PersonRow) -> None:
        """Among person rows: one row per person, one reference person and one address
        per household."""
        earlier = self._persons.get(row.key)
        if earlier is not None:
            raise Rejected(f"duplicate of line {earlier}: the same person in two person rows")
        household = row.household
        if row.relation == REFERENCE_PERSON:
            earlier = self._references.get(household)
            if earlier is not None:
                raise Rejected(
                    f"conflicting household data: household {household} has its reference "
                    f"person on line {earlier} already; a household has one reference person"
                )
        first = self._addresses.get(household)
        if first is not None and first[1] != hash(row.address[KEY]):
            raise Rejected(
                f"conflicting household data: line {first[0]} puts household {household} at "
                f"another address than this row ({address_text(row.address)})"
            )
        self._persons[row.key] = row.line
        if row.relation == REFERENCE_PERSON:
            self._references[household] = row.line
        if first is None:
            self._addresses[sys.intern(household)] = (row.line, hash(row.address[KEY]))

    def _check_event(self, values: dict[str, str], line: int) -> None:
        digest = hashlib.blake2b(
            "\x1f".join(value.strip() for value in values.values()).encode(), digest_size=16
        ).digest()
        earlier = self._events.get(digest)
        if earlier is not None:
            raise Rejected(f"duplicate of line {earlier}")
        self._events[digest] = line


def date_or_none(text: str) -> datetime.date | None:
    """A date written YYYY-MM-DD, or None."""
    text = text.strip()
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _folded(name: str) -> str:
    """A place name compared without case, accents and extra spaces."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _messages(error: ValidationError) -> str:
    return "; ".join(
        f"{name}: {' '.join(str(message) for message in messages)}"
        for name, messages in error.message_dict.items()
    )
