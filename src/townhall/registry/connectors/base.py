"""What a source connector is, and what it returns.

A connector reads one source (our own register, or an authentic source such
as the national register through MAGDA) and answers with a typed, read-only
record: :class:`PersonRecord` or :class:`OrganisationRecord`. Each record
carries the provenance of each group of fields
(:class:`~townhall.registry.provenance.FieldGroup`), so whoever shows a value
can say where it came from.
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.utils.translation import gettext

from townhall.registry.models import Organisation, Person
from townhall.registry.provenance import Provenance


@dataclass(frozen=True)
class AddressRecord:
    """An address as a source gives it (adres:Adresvoorstelling)."""

    street_name: str
    house_number: str
    postcode: str
    municipality_name: str
    box_number: str = ""
    nis_code: str = ""
    register_uri: str = ""
    street_uri: str = ""  # the street's, https://data.vlaanderen.be/id/straatnaam/{id}

    def __str__(self) -> str:
        box = f" {gettext('box')} {self.box_number}" if self.box_number else ""
        return (
            f"{self.street_name} {self.house_number}{box}, {self.postcode} {self.municipality_name}"
        )


@dataclass(frozen=True)
class HouseholdMemberRecord:
    """A member of the person's household: names and relation only, never a number."""

    given_names: str
    family_name: str
    relation: str  # HouseholdMembership.Relation, to the reference person
    relation_label: str
    since: datetime.date | None
    is_subject: bool = False  # the person the record is about

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


@dataclass(frozen=True)
class RepresentationRecord:
    """An organisation the person represents, in a role (chair, manager, ...)."""

    reference: str  # stable within the source, e.g. the local row id
    organisation_name: str
    role: str
    role_label: str
    since: datetime.date | None
    enterprise_number: str = ""
    vcode: str = ""


@dataclass(frozen=True)
class PersonRecord:
    """What a source holds about a person. ``national_number_masked`` only: the
    clear number never travels in a record."""

    given_names: str
    family_name: str
    birth_date: datetime.date | None = None
    birth_date_precision: str = Person.DatePrecision.DAY
    sex: str = Person.Sex.UNKNOWN
    nationality: str = ""
    language: str = ""
    number_kind: str = Person.NumberKind.NONE
    national_number_masked: str = ""
    state: str = ""
    state_since: datetime.date | None = None  # resident (moved out, ...) since
    domicile: AddressRecord | None = None
    household: tuple[HouseholdMemberRecord, ...] = ()
    representations: tuple[RepresentationRecord, ...] = ()
    email: str = ""
    mobile: str = ""
    provenance: dict[str, Provenance] = field(default_factory=dict)  # by FieldGroup


@dataclass(frozen=True)
class OrganisationRecord:
    """What a source holds about an organisation (regorg:RegisteredOrganization)."""

    name: str
    enterprise_number: str = ""
    vcode: str = ""
    alternative_name: str = ""
    legal_form: str = ""
    status: str = ""
    kind: str = ""
    registered_office: AddressRecord | None = None
    email: str = ""
    phone: str = ""
    website: str = ""
    provenance: dict[str, Provenance] = field(default_factory=dict)  # by FieldGroup


class SourceConnector(ABC):
    """A source of known data about persons and organisations (a prefill source).

    Subclasses implement the two look-ups by number, as an authentic source
    offers them. Sources that can do better with a record already in our
    register (our own tables, which need no number) override
    :meth:`fetch_registered_person` and :meth:`fetch_registered_organisation`.
    """

    name: str = ""  # set by @register
    label: str = ""

    @abstractmethod
    def fetch_person(self, national_number: str) -> PersonRecord | None:
        """The person with this national register or bis number, or None."""

    @abstractmethod
    def fetch_organisation(self, enterprise_number: str) -> OrganisationRecord | None:
        """The organisation with this enterprise number (KBO), or None."""

    def fetch_registered_person(self, person: Person) -> PersonRecord | None:
        """What this source holds about a person of our register.

        By default through the person's number, decrypted here and handed only
        to the connector: never logged, never put in a URL.
        """
        if not person.national_number_encrypted:
            return None
        return self.fetch_person(person.reveal_national_number())

    def fetch_registered_organisation(
        self, organisation: Organisation
    ) -> OrganisationRecord | None:
        """What this source holds about an organisation of our register."""
        if not organisation.enterprise_number:
            return None
        return self.fetch_organisation(organisation.enterprise_number)
