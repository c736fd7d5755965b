"""The local register as a source: what Townhall's own tables hold ("townhall-register").

It is the default source of the prefill service. A record is read in a fixed
number of queries, whatever the size of the household or the number of
organisations a person represents.
"""

import dataclasses

from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.registry import protection
from townhall.registry.connectors.base import (
    AddressRecord,
    HouseholdMemberRecord,
    OrganisationRecord,
    PersonRecord,
    RepresentationRecord,
    SourceConnector,
)
from townhall.registry.connectors.registry import register
from townhall.registry.identifiers import parse_enterprise_number, parse_person_number
from townhall.registry.models import (
    Address,
    HouseholdMembership,
    Organisation,
    OrganisationAddress,
    Person,
    Representative,
)
from townhall.registry.person_fields import COLUMNS
from townhall.registry.provenance import (
    LOCAL_REGISTER,
    FieldGroup,
    RecordSource,
    local_register_provenance,
)

_reference_person_first = Case(
    When(relation=HouseholdMembership.Relation.REFERENCE_PERSON, then=Value(0)), default=Value(1)
)
PERSON_GROUPS = (
    FieldGroup.IDENTITY,
    FieldGroup.DOMICILE,
    FieldGroup.HOUSEHOLD,
    FieldGroup.REPRESENTATION,
    FieldGroup.CONTACT,
    FieldGroup.PREFERENCES,
)
ORGANISATION_GROUPS = (FieldGroup.ORGANISATION, FieldGroup.ORGANISATION_CONTACT)
# The Person columns a record copies as they are: those PersonRecord declares (never the
# number's hash or encrypted form); the domicile becomes an AddressRecord.
RECORD_COLUMNS = tuple(
    column
    for column in COLUMNS
    if column in {f.name for f in dataclasses.fields(PersonRecord)} and column != "domicile"
)


def address_record(address: Address | None) -> AddressRecord | None:
    if address is None:
        return None
    return AddressRecord(
        street_name=address.street_name,
        house_number=address.house_number,
        box_number=address.box_number,
        postcode=address.postcode,
        municipality_name=address.municipality_name,
        nis_code=address.nis_code,
        register_uri=address.register_uri,
        # Read with the address (select_related) where the callers below fetch it.
        street_uri=address.street.uri
        if Address.street.is_cached(address) and address.street
        else "",
    )


@register(LOCAL_REGISTER)
class LocalRegisterConnector(SourceConnector):
    """Reads persons and organisations from Townhall's own register."""

    label = _("the municipality's register")

    def fetch_person(self, national_number: str) -> PersonRecord | None:
        number = parse_person_number(national_number).number
        person = Person.objects.filter(
            national_number_hash=protection.national_number_hash(number)
        ).first()
        return self.fetch_registered_person(person) if person else None

    def fetch_organisation(self, enterprise_number: str) -> OrganisationRecord | None:
        organisation = Organisation.objects.filter(
            enterprise_number=parse_enterprise_number(enterprise_number)
        ).first()
        return self.fetch_registered_organisation(organisation) if organisation else None

    def fetch_registered_person(self, person: Person) -> PersonRecord | None:
        person = Person.objects.select_related("domicile__street").filter(pk=person.pk).first()
        if person is None:
            return None
        # The current members of the household the person currently belongs to, in one query.
        members = (
            HouseholdMembership.objects.filter(
                end_date__isnull=True,
                household__memberships__person=person,
                household__memberships__end_date__isnull=True,
            )
            .select_related("person")
            # The reference person first, then the others as they joined, eldest first.
            .order_by(_reference_person_first, "start_date", "person__birth_date", "pk")
        )
        representations = (
            Representative.objects.filter(person=person, end_date__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )
        fallback = local_register_provenance(timezone.localdate(person.updated_at))
        recorded = {
            row.group: row.provenance() for row in RecordSource.objects.filter(person=person)
        }
        return PersonRecord(
            **{column: getattr(person, column) for column in RECORD_COLUMNS},
            domicile=address_record(person.domicile),
            household=tuple(
                HouseholdMemberRecord(
                    given_names=m.person.given_names,
                    family_name=m.person.family_name,
                    relation=m.relation,
                    relation_label=str(m.get_relation_display()),
                    since=m.start_date,
                    is_subject=m.person_id == person.pk,
                )
                for m in members
            ),
            representations=tuple(
                RepresentationRecord(
                    reference=str(r.pk),
                    organisation_name=r.organisation.name,
                    role=r.role,
                    role_label=str(r.get_role_display()),
                    since=r.start_date,
                    enterprise_number=r.organisation.enterprise_number or "",
                    vcode=r.organisation.vcode or "",
                )
                for r in representations
            ),
            provenance={group: recorded.get(group, fallback) for group in PERSON_GROUPS},
        )

    def fetch_registered_organisation(
        self, organisation: Organisation
    ) -> OrganisationRecord | None:
        organisation = Organisation.objects.filter(pk=organisation.pk).first()
        if organisation is None:
            return None
        office = (
            OrganisationAddress.objects.filter(
                organisation=organisation, kind=OrganisationAddress.Kind.REGISTERED_OFFICE
            )
            .select_related("address__street")
            .first()
        )
        fallback = local_register_provenance(None)
        recorded = {
            row.group: row.provenance()
            for row in RecordSource.objects.filter(organisation=organisation)
        }
        return OrganisationRecord(
            name=organisation.name,
            enterprise_number=organisation.enterprise_number or "",
            vcode=organisation.vcode or "",
            alternative_name=organisation.alternative_name,
            legal_form=organisation.legal_form,
            status=organisation.status,
            kind=organisation.kind,
            registered_office=address_record(office.address) if office else None,
            email=organisation.email,
            phone=organisation.phone,
            website=organisation.website,
            provenance={group: recorded.get(group, fallback) for group in ORGANISATION_GROUPS},
        )
