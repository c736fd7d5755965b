"""Once-only prefill: OSLO terms and aliases, provenance, unknown names, connectors as plugins."""

import datetime

import pytest

from townhall.registry.connectors import (
    PersonRecord,
    Registry,
    SourceConnector,
    UnknownConnector,
    register,
)
from townhall.registry.connectors.local import LocalRegisterConnector
from townhall.registry.models import HouseholdMembership, Person, Representative
from townhall.registry.prefill import (
    ORGANISATION_ATTRIBUTES,
    PERSON_ATTRIBUTES,
    UnknownAttribute,
    known_attribute_names,
    prefill,
)
from townhall.registry.provenance import (
    FieldGroup,
    Provenance,
    RecordSource,
    Source,
    record_source_set,
)
from townhall.registry.services import household_add_member
from townhall.registry.tests.factories import (
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 1, 14)


@pytest.fixture
def resident():
    person = PersonFactory(
        given_names="Marie Louise",
        family_name="Vandenberghe",
        email="marie@example.org",
        mobile="+32470123456",
    )
    for group in (FieldGroup.IDENTITY, FieldGroup.DOMICILE, FieldGroup.HOUSEHOLD):
        record_source_set(person=person, group=group, source=Source.POPULATION_REGISTER, on=ON)
    record_source_set(person=person, group=FieldGroup.CONTACT, source=Source.RESIDENT, on=ON)
    return person


def test_values_come_with_their_source_and_date(resident):
    values = prefill(resident, ["persoon:gebruikteVoornaam", "foaf:familyName", "email"])
    assert values["persoon:gebruikteVoornaam"].value == "Marie Louise"
    assert values["foaf:familyName"].value == "Vandenberghe"
    assert str(values["foaf:familyName"].provenance) == "population register, 2026-01-14"
    assert values["email"].value == "marie@example.org"
    assert str(values["email"].provenance) == "the resident, 2026-01-14"


def test_oslo_terms_and_aliases_name_the_same_attribute(resident):
    values = prefill(
        resident,
        [
            "given_name",
            "persoon:heeftGeboorte",
            "birth_date",
            "persoon:geslacht",
            "persoon:heeftNationaliteit",
            "schema:telephone",
            "mobile",
            "adres:postcode",
            "adres:heeftStraatnaam",
            "address",
        ],
    )
    assert values["given_name"].value == "Marie Louise"
    assert values["persoon:heeftGeboorte"].value == resident.birth_date
    assert values["birth_date"].value == resident.birth_date
    assert values["persoon:geslacht"].value == resident.sex
    assert values["persoon:heeftNationaliteit"].value == "BE"
    assert values["schema:telephone"].value == values["mobile"].value == "+32470123456"
    assert values["adres:postcode"].value == resident.domicile.postcode
    assert values["adres:heeftStraatnaam"].value == resident.domicile.street_name
    assert str(values["address"].value).startswith(resident.domicile.street_name)
    assert str(values["address"].provenance) == "population register, 2026-01-14"


def test_an_unknown_attribute_is_refused_before_anything_is_read(
    resident, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(UnknownAttribute) as error:
        prefill(resident, ["email", "persoon:schoenmaat"])
    assert "persoon:schoenmaat" in str(error.value)
    assert "a person" in str(error.value)
    # An organisation's term is not a person's.
    with pytest.raises(UnknownAttribute, match="regorg:legalName"):
        prefill(resident, ["regorg:legalName"])


def test_the_national_number_is_prefilled_masked_only(resident):
    values = prefill(resident, ["adms:identifier", "national_number_masked"])
    number = resident.reveal_national_number()
    assert values["adms:identifier"].value == resident.national_number_masked
    assert number not in str(values["adms:identifier"].value)
    assert not any(character.isdigit() for character in values["adms:identifier"].value)


def test_a_group_without_a_recorded_source_names_our_own_register():
    person = PersonFactory()
    value = prefill(person, ["family_name"])["family_name"]
    assert value.provenance.label == "the municipality's register"
    assert value.provenance.on == person.updated_at.date()


def test_empty_values_are_none(resident):
    resident.email = ""
    resident.save()
    assert prefill(resident, ["email"])["email"].value is None


def test_household_members_come_by_name_and_relation_only(resident):
    household = HouseholdFactory(address=resident.domicile, reference_person=resident)
    child = PersonFactory(
        given_names="Lotte", family_name="Vandenberghe", domicile=resident.domicile
    )
    household_add_member(
        household=household,
        person=child,
        relation=HouseholdMembership.Relation.CHILD,
        start_date=datetime.date(2021, 5, 1),
    )
    values = prefill(resident, ["household_members", "household_relation"])
    members = values["household_members"].value
    assert [m.full_name for m in members] == ["Marie Louise Vandenberghe", "Lotte Vandenberghe"]
    assert [m.relation for m in members] == ["reference_person", "child"]
    assert [m.is_subject for m in members] == [True, False]
    assert values["household_relation"].value == "reference_person"
    assert not any(hasattr(member, "national_number_masked") for member in members)
    assert str(values["household_members"].provenance) == "population register, 2026-01-14"


def test_organisations_represented_and_organisation_attributes(resident):
    organisation = OrganisationFactory(name="Harmonie Sint-Cecilia", email="info@example.org")
    Representative.objects.create(
        organisation=organisation,
        person=resident,
        role=Representative.Role.CHAIR,
        start_date=datetime.date(2019, 1, 1),
    )
    record_source_set(
        organisation=organisation,
        group=FieldGroup.ORGANISATION,
        source=Source.ENTERPRISE_REGISTER,
        on=ON,
    )
    represented = prefill(resident, ["representations"])["representations"].value
    assert [(r.organisation_name, r.role) for r in represented] == [
        ("Harmonie Sint-Cecilia", "chair")
    ]
    values = prefill(organisation, ["regorg:legalName", "enterprise_number", "schema:email"])
    assert values["regorg:legalName"].value == "Harmonie Sint-Cecilia"
    assert values["enterprise_number"].value == organisation.enterprise_number
    assert str(values["regorg:legalName"].provenance) == (
        "Crossroads Bank for Enterprises, 2026-01-14"
    )
    assert values["schema:email"].value == "info@example.org"
    with pytest.raises(UnknownAttribute, match="an organisation"):
        prefill(organisation, ["persoon:gebruikteVoornaam"])


def test_a_person_is_read_in_a_fixed_number_of_queries(resident, django_assert_num_queries):
    household = HouseholdFactory(address=resident.domicile, reference_person=resident)
    for index in range(4):
        household_add_member(
            household=household,
            person=PersonFactory(domicile=resident.domicile),
            relation=HouseholdMembership.Relation.CHILD,
            start_date=datetime.date(2020 + index, 1, 1),
        )
    for _index in range(3):
        Representative.objects.create(
            organisation=OrganisationFactory(),
            person=resident,
            role=Representative.Role.TREASURER,
            start_date=datetime.date(2020, 1, 1),
        )
    # The person, household, representations and sources: four reads, whatever their size.
    with django_assert_num_queries(4):
        values = prefill(resident, known_attribute_names(Person))
    assert len(values["household_members"].value) == 5
    assert len(values["representations"].value) == 3


def test_every_name_is_unique_and_every_attribute_has_an_alias():
    for attributes in (PERSON_ATTRIBUTES, ORGANISATION_ATTRIBUTES):
        names = [name for attribute in attributes for name in attribute.names]
        assert len(names) == len(set(names))
        for attribute in attributes:
            assert any(":" not in name for name in attribute.names), attribute.names


# --- Connectors ---------------------------------------------------------------


def test_the_local_register_is_registered_as_the_default_source():
    assert "townhall-register" in register
    assert isinstance(register["townhall-register"], LocalRegisterConnector)


def test_the_local_connector_finds_a_person_by_number(resident):
    connector = register["townhall-register"]
    record = connector.fetch_person(resident.reveal_national_number())
    assert record.family_name == "Vandenberghe"
    assert connector.fetch_person("85073003328") is None


def test_a_connector_plugs_in_by_name():
    registry = Registry()
    asked = []

    @registry("fake-authentic-source")
    class FakeSource(SourceConnector):
        def fetch_person(self, national_number):
            asked.append(national_number)
            return PersonRecord(
                given_names="Jan",
                family_name="Uit De Bron",
                provenance={
                    FieldGroup.IDENTITY: Provenance(Source.POPULATION_REGISTER, "national register")
                },
            )

        def fetch_organisation(self, enterprise_number):
            return None

    person = PersonFactory()
    values = prefill(person, ["family_name"], source="fake-authentic-source", connectors=registry)
    assert values["family_name"].value == "Uit De Bron"
    # A connector for an authentic source gets the number, never from a URL or a log.
    assert asked == [person.reveal_national_number()]
    organisation = OrganisationFactory()
    empty = prefill(organisation, ["name"], source="fake-authentic-source", connectors=registry)
    assert empty["name"].value is None
    assert empty["name"].provenance is None
    assert "fake-authentic-source" not in register


def test_connector_registry_refuses_mistakes():
    registry = Registry()

    @registry("one")
    class One(LocalRegisterConnector):
        pass

    with pytest.raises(ValueError, match="already registered"):
        registry("one")(One)
    with pytest.raises(TypeError):
        registry("two")(object)
    with pytest.raises(UnknownConnector, match="magda"):
        registry["magda"]
    with pytest.raises(UnknownConnector):
        prefill(PersonFactory(), ["family_name"], source="magda", connectors=registry)


def test_sources_are_one_row_per_group():
    person = PersonFactory()
    record_source_set(person=person, group=FieldGroup.CONTACT, source=Source.RESIDENT, on=ON)
    record_source_set(
        person=person, group=FieldGroup.CONTACT, source=Source.COUNTER, detail="by phone"
    )
    row = RecordSource.objects.get(person=person)
    assert row.source == Source.COUNTER
    assert str(row).startswith("the municipality's counter, by phone, ")
    with pytest.raises(ValueError, match="person or an organisation"):
        record_source_set(group=FieldGroup.CONTACT, source=Source.RESIDENT)
