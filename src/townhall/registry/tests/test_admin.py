"""The registers' admin pages, with the data-protection rules built in.

Purpose before a record opens, access log on every read, national numbers
masked and never in a URL, and the household rules in the inline.
"""

import datetime
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse
from stdnum.be import nn

from townhall.registry import protection
from townhall.registry.corrections import CorrectionRequest
from townhall.registry.models import (
    AccessLogEntry,
    AssociationActivity,
    Household,
    HouseholdMembership,
    Organisation,
    OrganisationActivity,
    Person,
)
from townhall.registry.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

Action = AccessLogEntry.Action
Relation = HouseholdMembership.Relation
CHANGELIST = "admin:registry_person_changelist"


def change_url(person) -> str:
    return reverse("admin:registry_person_change", args=[person.pk])


def give_purpose(client, person, purpose="counter", explanation=""):
    return client.post(
        reverse("admin:registry_person_purpose", args=[person.pk]),
        {"purpose": purpose, "explanation": explanation},
    )


def give_search_purpose(client, purpose="counter"):
    return client.post(
        reverse("admin:registry_person_search_purpose"), {"purpose": purpose, "explanation": ""}
    )


def give_record_purpose(client, obj, purpose="counter"):
    opts = obj._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_purpose", args=[obj.pk]),
        {"purpose": purpose, "explanation": ""},
    )


@pytest.fixture
def searching_client(staff_client):
    """A staff session that said why it searches the register (adding a member searches)."""
    give_search_purpose(staff_client)
    return staff_client


def written_forms(person) -> list[str]:
    number = person.reveal_national_number()
    return [number, nn.format(number)]


# --- The list ---------------------------------------------------------------


def test_the_person_list_never_shows_a_number(searching_client):
    people = PersonFactory.create_batch(5, family_name="Vinck")
    response = searching_client.get(reverse(CHANGELIST), {"q": "Vinck"})
    assert response.status_code == 200
    html = unescape(response.content.decode())  # names such as D'hondt are escaped
    for person in people:
        assert person.given_names in html
        assert person.national_number_masked in html
        for written in written_forms(person):
            assert written not in html


def test_the_person_list_shows_nobody_before_a_search(staff_client):
    person = PersonFactory(family_name="Vandenbroucke")
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert person.family_name not in unescape(response.content.decode())
    assert list(response.context["cl"].result_list) == []
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("term", "kind"),
    [
        ("lotte@example.org", "email"),
        ("Kasteelstraat", "name_or_street"),
        ("lotte", "name_or_street"),
    ],
)
def test_a_search_asks_why_and_logs_every_person_it_shows(staff_client, superuser, term, kind):
    """Defect 2 of issue 17: a search by e-mail or street showed persons, unlogged."""
    found = PersonFactory(
        given_names="Lotte",
        email="lotte@example.org",
        domicile=AddressFactory(street_name="Kasteelstraat"),
    )
    PersonFactory(
        given_names="Lotte", email="", domicile=AddressFactory(street_name="Kasteelstraat")
    )
    PersonFactory(given_names="Jan", email="jan@example.org")
    response = staff_client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 302
    assert response.url == reverse("admin:registry_person_search_purpose")
    assert term not in response.url
    assert AccessLogEntry.objects.count() == 0

    given = give_search_purpose(staff_client, purpose="case")
    assert given.url == f"{reverse(CHANGELIST)}?q={term.replace('@', '%40')}"
    page = staff_client.get(given.url)
    assert page.status_code == 200
    shown = list(page.context["cl"].result_list)
    assert found in shown
    entries = AccessLogEntry.objects.filter(action=Action.SEARCH)
    assert {entry.person for entry in entries} == set(shown)
    assert {(e.search_kind, e.result_count, e.actor) for e in entries} == {
        (kind, len(shown), superuser)
    }
    assert all("case" in entry.purpose for entry in entries)
    assert not any(term in entry.purpose for entry in entries)


def test_an_email_search_needs_the_whole_address(searching_client):
    PersonFactory(email="lotte@example.org")
    response = searching_client.get(reverse(CHANGELIST), {"q": "@example.org"})
    assert list(response.context["cl"].result_list) == []
    assert AccessLogEntry.objects.count() == 0


def test_the_autocomplete_asks_a_purpose_and_logs_what_it_answers(staff_client, superuser):
    """Defect 2 of issue 17: the autocomplete turned an e-mail address or a street into persons."""
    person = PersonFactory(email="lotte@example.org", domicile=AddressFactory(street_name="Dorp"))
    query = {
        "app_label": "registry",
        "model_name": "householdmembership",
        "field_name": "person",
        "term": "lotte@example.org",
    }
    refused = staff_client.get(reverse("admin:autocomplete"), query)
    assert refused.json()["results"] == []
    assert AccessLogEntry.objects.count() == 0

    give_search_purpose(staff_client)
    for term in ("lotte@example.org", "Dorp"):
        answer = staff_client.get(reverse("admin:autocomplete"), {**query, "term": term})
        assert [r["id"] for r in answer.json()["results"]] == [str(person.pk)], term
    entries = AccessLogEntry.objects.filter(person=person, action=Action.SEARCH, actor=superuser)
    assert sorted(e.search_kind for e in entries) == ["email", "name_or_street"]


def test_a_persons_history_asks_a_purpose_and_is_logged(staff_client):
    """Defect 2 of issue 17: the history page showed a person, unlogged."""
    person = PersonFactory()
    url = reverse("admin:registry_person_history", args=[person.pk])
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:registry_person_purpose", args=[person.pk]))
    given = staff_client.post(response.url, {"purpose": "audit", "explanation": ""})
    assert given.url == url
    assert staff_client.get(url).status_code == 200
    assert AccessLogEntry.objects.filter(person=person, action=Action.VIEW).count() == 1


@pytest.mark.parametrize("which", ["change", "history"])
def test_a_household_page_asks_a_purpose_and_logs_every_member(staff_client, which):
    """Defect 2 of issue 17: the household page showed names and relations, unlogged."""
    household = HouseholdFactory()
    partner = PersonFactory()
    HouseholdMembership.objects.create(
        household=household, person=partner, relation=Relation.PARTNER, start_date="2020-01-01"
    )
    url = reverse(f"admin:registry_household_{which}", args=[household.pk])
    response = staff_client.get(url)
    assert response.status_code == 302
    assert AccessLogEntry.objects.count() == 0
    give_record_purpose(staff_client, household)
    assert staff_client.get(url).status_code == 200
    members = {m.person for m in household.memberships.all()}
    assert {e.person for e in AccessLogEntry.objects.filter(action=Action.VIEW)} == members


def test_a_household_is_not_found_by_a_persons_name(staff_client):
    HouseholdFactory(reference_person__family_name="Verhaeghe")
    response = staff_client.get(reverse("admin:registry_household_changelist"), {"q": "Verhaeghe"})
    assert list(response.context["cl"].result_list) == []


def test_the_person_list_has_a_bounded_number_of_queries(
    searching_client, django_assert_max_num_queries
):
    PersonFactory.create_batch(30, family_name="Peeters")
    query = {"q": "Peeters"}
    searching_client.get(reverse(CHANGELIST), query)  # warm the session and content type caches
    with django_assert_max_num_queries(16) as thirty:
        response = searching_client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    PersonFactory.create_batch(20, family_name="Peeters")
    with django_assert_max_num_queries(len(thirty.captured_queries)):
        searching_client.get(reverse(CHANGELIST), query)


@pytest.mark.parametrize("form", ["compact", "formatted"])
def test_a_search_by_national_number_in_the_url_shows_nothing(staff_client, form):
    person = PersonFactory()
    number = person.reveal_national_number()
    term = number if form == "compact" else nn.format(number)
    response = staff_client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST)
    assert number not in response.url
    assert AccessLogEntry.objects.count() == 0
    followed = staff_client.get(response.url)
    assert "never put in a web address" in followed.content.decode()


def test_the_autocomplete_never_finds_by_national_number(staff_client):
    person = PersonFactory()
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "registry",
            "model_name": "householdmembership",
            "field_name": "person",
            "term": person.reveal_national_number(),
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_search_by_name_and_by_street(searching_client):
    person = PersonFactory(
        family_name="Vandenbroucke",
        given_names="Lotte",
        domicile=AddressFactory(street_name="Kasteelstraat"),
    )
    other = PersonFactory(
        family_name="Desmet",
        given_names="Pieter",  # a random given name could contain "lotte"
        domicile=AddressFactory(street_name="Beekstraat"),
    )
    for term in ("Vandenbroucke", "lotte", "Kasteelstraat"):
        html = searching_client.get(reverse(CHANGELIST), {"q": term}).content.decode()
        assert person.family_name in html, term
        assert other.family_name not in html, term


# --- Look-up by number (a POST) ------------------------------------------------


def lookup(client, number, purpose="counter", explanation=""):
    return client.post(
        reverse("admin:registry_person_lookup"),
        {"national_number": number, "purpose": purpose, "explanation": explanation},
    )


def test_lookup_finds_through_the_hash_and_logs(staff_client, superuser):
    person = PersonFactory()
    PersonFactory.create_batch(3)
    response = lookup(
        staff_client,
        nn.format(person.reveal_national_number()),
        purpose="other",
        explanation="phone call",
    )
    assert response.status_code == 302
    assert response.url == change_url(person)
    assert person.reveal_national_number() not in response.url
    entry = AccessLogEntry.objects.get()
    assert (entry.person, entry.actor, entry.action) == (person, superuser, Action.LOOKUP)
    assert "phone call" in entry.purpose
    assert entry.actor_name == "Els Claes"
    # The purpose given with the look-up opens the record without asking again.
    assert staff_client.get(response.url).status_code == 200
    assert AccessLogEntry.objects.filter(action=Action.VIEW).count() == 1


@pytest.mark.parametrize(
    ("number", "purpose", "field", "message"),
    [
        ("85073003329", "counter", "national_number", "check digits"),
        ("85073003328", "counter", "national_number", "No person has this number."),
        ("85073003328", "", "purpose", "required"),
        ("85073003328", "other", "explanation", "Explain the purpose."),
    ],
)
def test_lookup_refusals(staff_client, number, purpose, field, message):
    PersonFactory()
    response = lookup(staff_client, number, purpose=purpose)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert AccessLogEntry.objects.count() == 0


# --- Opening a record --------------------------------------------------------


def test_opening_a_record_asks_a_purpose_first(staff_client):
    person = PersonFactory()
    response = staff_client.get(change_url(person))
    assert response.status_code == 302
    assert response.url == reverse("admin:registry_person_purpose", args=[person.pk])
    assert AccessLogEntry.objects.count() == 0
    page = staff_client.get(response.url)
    assert page.status_code == 200
    # Before the purpose, not even the name: the purpose page is not in the access log.
    assert person.full_name not in page.content.decode()


def test_every_open_is_logged_with_its_purpose(staff_client, superuser):
    person = PersonFactory()
    response = give_purpose(staff_client, person, purpose="case")
    assert response.url == change_url(person)
    for _ in range(2):
        page = staff_client.get(change_url(person))
        assert page.status_code == 200
    entries = AccessLogEntry.objects.filter(person=person, action=Action.VIEW)
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {superuser}
    assert all("case" in entry.purpose for entry in entries)


def test_a_purpose_other_needs_an_explanation(staff_client):
    person = PersonFactory()
    response = give_purpose(staff_client, person, purpose="other")
    assert response.status_code == 200
    assert "Explain the purpose." in response.context["form"].errors["explanation"]
    assert staff_client.get(change_url(person)).status_code == 302


def test_the_purpose_is_per_record(staff_client):
    person, other = PersonFactory(), PersonFactory()
    give_purpose(staff_client, person)
    assert staff_client.get(change_url(person)).status_code == 200
    assert staff_client.get(change_url(other)).status_code == 302


def test_the_record_shows_the_masked_number_with_a_link_to_reveal(staff_client):
    person = PersonFactory()
    give_purpose(staff_client, person)
    html = staff_client.get(change_url(person)).content.decode()
    assert person.national_number_masked in html
    assert reverse("admin:registry_person_reveal", args=[person.pk]) in html
    for written in written_forms(person):
        assert written not in html


def test_a_post_to_the_record_without_a_purpose_changes_nothing(staff_client):
    person = PersonFactory(family_name="Peeters")
    response = staff_client.post(change_url(person), {"family_name": "Janssens"})
    assert response.status_code == 302
    assert response.url == reverse("admin:registry_person_purpose", args=[person.pk])
    person.refresh_from_db()
    assert person.family_name == "Peeters"


# --- Revealing the number ----------------------------------------------------


def test_reveal_asks_a_purpose_and_logs(staff_client, superuser):
    person = PersonFactory()
    url = reverse("admin:registry_person_reveal", args=[person.pk])
    formatted = nn.format(person.reveal_national_number())

    page = staff_client.get(url)
    assert page.status_code == 200
    assert formatted not in page.content.decode()
    assert person.full_name not in page.content.decode()  # not before the logged reveal
    assert "no-store" in page["Cache-Control"]

    refused = staff_client.post(url, {"purpose": ""})
    assert formatted not in refused.content.decode()
    assert AccessLogEntry.objects.count() == 0

    shown = staff_client.post(url, {"purpose": "correction"})
    assert shown.status_code == 200
    assert formatted in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    entry = AccessLogEntry.objects.get()
    assert (entry.person, entry.actor, entry.action) == (person, superuser, Action.REVEAL_NUMBER)


# --- Adding and changing a person ------------------------------------------


def person_form(**fields) -> dict:
    return {
        "national_number": "",
        "given_names": "Jan",
        "family_name": "Peeters",
        "birth_date": "",
        "birth_date_precision": "day",
        "sex": "x",
        "nationality": "BE",
        "language": "nl",
        "domicile": "",
        "state": "resident",
        "state_since": "",
        "email": "",
        "mobile": "",
        **fields,
    }


def test_adding_a_person_with_a_number_stores_it_encrypted_and_hashed(staff_client):
    response = staff_client.post(
        reverse("admin:registry_person_add"),
        person_form(national_number="85.07.30-033.28", mobile="0470 12 34 56"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get()
    assert person.national_number_hash == protection.national_number_hash("85073003328")
    assert "85073003328" not in person.national_number_encrypted
    assert person.reveal_national_number() == "85073003328"
    assert person.national_number_masked == protection.national_number_mask(
        person.national_number_hash
    )
    assert person.number_kind == Person.NumberKind.NATIONAL_REGISTER
    assert person.birth_date == datetime.date(1985, 7, 30)
    assert person.sex == Person.Sex.MALE
    assert person.mobile == "+32470123456"


def test_adding_a_person_with_unknown_birth_day_records_the_precision(staff_client):
    number = "600500" + "011"
    number += f"{97 - int(number) % 97:02d}"
    staff_client.post(reverse("admin:registry_person_add"), person_form(national_number=number))
    person = Person.objects.get()
    assert person.birth_date == datetime.date(1960, 5, 1)
    assert person.birth_date_precision == Person.DatePrecision.MONTH


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"national_number": "85073003329"}, "national_number", "check digits"),
        ({"national_number": "8507300332"}, "national_number", "11 digits"),
        (
            {"national_number": "85073003328", "birth_date": "1985-07-31"},
            "birth_date",
            "does not match",
        ),
        ({"national_number": "85073003328", "sex": "f"}, "sex", "does not match"),
        ({"mobile": "12345"}, "mobile", "not a valid telephone number"),
    ],
)
def test_adding_a_person_with_wrong_data_saves_nothing(staff_client, fields, field, message):
    response = staff_client.post(reverse("admin:registry_person_add"), person_form(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert Person.objects.count() == 0


def test_adding_a_person_with_a_number_already_registered(staff_client):
    PersonFactory(
        national_number="85073003328", birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE
    )
    response = staff_client.post(
        reverse("admin:registry_person_add"), person_form(national_number="85073003328")
    )
    assert "already exists" in " ".join(
        response.context["adminform"].form.errors["national_number"]
    )
    assert Person.objects.count() == 1


def test_changing_a_person_keeps_the_number_when_left_empty(staff_client):
    person = PersonFactory(
        national_number="85073003328", birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE
    )
    give_purpose(staff_client, person)
    response = staff_client.post(
        change_url(person),
        person_form(
            birth_date="1985-07-30", sex="m", family_name="Janssens", domicile=person.domicile_id
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name == "Janssens"
    assert person.reveal_national_number() == "85073003328"


# --- Organisations -----------------------------------------------------------


@pytest.mark.parametrize("term", ["0403019261", "0403.019.261", "403019261", "BE0403019261"])
def test_organisation_search_by_enterprise_number_in_every_form(staff_client, term):
    OrganisationFactory(name="Gemeentebestuur", enterprise_number="0403019261")
    OrganisationFactory(name="Andere vzw")
    html = staff_client.get(
        reverse("admin:registry_organisation_changelist"), {"q": term}
    ).content.decode()
    assert "Gemeentebestuur" in html
    assert "Andere vzw" not in html


def organisation_form(**fields) -> dict:
    data = {
        "name": "Bakkerij Vermeulen",
        "kind": "business",
        "status": "active",
        "enterprise_number": "",
        "vcode": "",
        "alternative_name": "",
        "legal_form": "",
        "email": "",
        "phone": "",
        "website": "",
    }
    for prefix in ("organisationaddress_set", "activities", "representatives"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **fields}


def test_adding_an_organisation_with_a_written_enterprise_number(searching_client):
    response = searching_client.post(
        reverse("admin:registry_organisation_add"),
        organisation_form(enterprise_number="0403.019.261", phone="051 30 12 34"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get()
    assert (organisation.enterprise_number, organisation.phone) == ("0403019261", "+3251301234")


def test_staff_set_the_local_subsidy_category_and_see_the_register_s_main_activities(
    searching_client,
):
    response = searching_client.post(
        reverse("admin:registry_organisation_add"),
        organisation_form(kind="association", vcode="V0001060", subsidy_category="Jeugdwerking"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get()
    assert organisation.subsidy_category == "Jeugdwerking"
    AssociationActivity.objects.create(organisation=organisation, code="JEUG", name="Jeugdwerk")
    give_record_purpose(searching_client, organisation)  # the page shows its representatives
    page = searching_client.get(
        reverse("admin:registry_organisation_change", args=[organisation.pk])
    )
    assert "JEUG Jeugdwerk" in page.content.decode()


def test_adding_an_organisation_with_a_wrong_enterprise_number(searching_client):
    response = searching_client.post(
        reverse("admin:registry_organisation_add"),
        organisation_form(enterprise_number="0403.019.262"),
    )
    assert "check digits" in " ".join(
        response.context["adminform"].form.errors["enterprise_number"]
    )
    assert Organisation.objects.count() == 0


def test_an_organisations_page_shows_its_activities(searching_client):
    organisation = OrganisationFactory(name="Sportclub", enterprise_number="0403019261")
    OrganisationActivity.objects.create(
        organisation=organisation,
        nace_code="93120",
        nace_version="2008",
        classification="MAIN",
        activity_group="006",
    )
    give_record_purpose(searching_client, organisation)

    response = searching_client.get(
        reverse("admin:registry_organisation_change", args=[organisation.pk])
    )

    html = response.content.decode()
    assert 'value="93120"' in html
    assert '<option value="MAIN" selected>main activity</option>' in html
    assert '<option value="2008" selected>NACE-BEL 2008</option>' in html


# --- Households --------------------------------------------------------------


def household_form(address, rows, *, initial=0) -> dict:
    data = {
        "address": address.pk,
        "register_number": "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{index}-{key}"] = value
    return data


def row(person, relation, start="2020-01-01", end="", membership=None) -> dict:
    fields = {"person": person.pk, "relation": relation, "start_date": start, "end_date": end}
    if membership is not None:
        fields["id"] = membership.pk
    return fields


def formset_errors(response) -> str:
    """The errors of the inline: over the rows, and of each row."""
    errors = []
    for inline in response.context["inline_admin_formsets"]:
        errors += [str(error) for error in inline.formset.non_form_errors()]
        errors += [
            str(error)
            for form_errors in inline.formset.errors
            for messages in form_errors.values()
            for error in messages
        ]
    return " ".join(errors)


def test_the_household_inline_refuses_two_reference_persons(searching_client):
    address = AddressFactory()
    first, second = PersonFactory(), PersonFactory()
    response = searching_client.post(
        reverse("admin:registry_household_add"),
        household_form(
            address, [row(first, Relation.REFERENCE_PERSON), row(second, Relation.REFERENCE_PERSON)]
        ),
    )
    assert response.status_code == 200
    assert "exactly one reference person; this one would have 2" in formset_errors(response)
    assert Household.objects.count() == 0
    assert HouseholdMembership.objects.count() == 0


def test_the_household_inline_needs_a_reference_person(searching_client):
    response = searching_client.post(
        reverse("admin:registry_household_add"),
        household_form(AddressFactory(), [row(PersonFactory(), Relation.CHILD)]),
    )
    assert "would have 0" in formset_errors(response)
    assert Household.objects.count() == 0


def test_the_household_inline_refuses_a_member_of_another_household(searching_client):
    elsewhere = HouseholdFactory()
    person = elsewhere.memberships.get().person
    response = searching_client.post(
        reverse("admin:registry_household_add"),
        household_form(AddressFactory(), [row(person, Relation.REFERENCE_PERSON)]),
    )
    assert response.status_code == 200
    assert "one household at a time" in formset_errors(response)
    assert Household.objects.count() == 1


def test_the_household_inline_saves_a_valid_household(searching_client):
    address = AddressFactory()
    first, second = PersonFactory(), PersonFactory()
    response = searching_client.post(
        reverse("admin:registry_household_add"),
        household_form(
            address, [row(first, Relation.REFERENCE_PERSON), row(second, Relation.PARTNER)]
        ),
    )
    assert response.status_code == 302
    household = Household.objects.get()
    assert {(m.person, m.relation) for m in household.memberships.all()} == {
        (first, Relation.REFERENCE_PERSON),
        (second, Relation.PARTNER),
    }


def test_the_household_inline_swaps_the_reference_person(searching_client):
    household = HouseholdFactory()
    reference = household.memberships.get()
    partner = PersonFactory()
    partnership = HouseholdMembership.objects.create(
        household=household,
        person=partner,
        relation=Relation.PARTNER,
        start_date=datetime.date(2021, 1, 1),
    )
    give_record_purpose(searching_client, household)
    response = searching_client.post(
        reverse("admin:registry_household_change", args=[household.pk]),
        household_form(
            household.address,
            [
                row(partner, Relation.REFERENCE_PERSON, "2021-01-01", membership=partnership),
                row(reference.person, Relation.PARTNER, membership=reference),
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302, formset_errors(response)
    assert {(m.person, m.relation) for m in household.memberships.all()} == {
        (partner, Relation.REFERENCE_PERSON),
        (reference.person, Relation.PARTNER),
    }


def test_the_household_inline_hands_over_to_a_new_reference_person(searching_client):
    household = HouseholdFactory()
    reference = household.memberships.get()
    newcomer = PersonFactory()
    give_record_purpose(searching_client, household)
    response = searching_client.post(
        reverse("admin:registry_household_change", args=[household.pk]),
        household_form(
            household.address,
            [
                row(
                    reference.person,
                    Relation.REFERENCE_PERSON,
                    end="2024-03-01",
                    membership=reference,
                ),
                row(newcomer, Relation.REFERENCE_PERSON, start="2024-03-01"),
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302, formset_errors(response)
    reference.refresh_from_db()
    assert reference.end_date == datetime.date(2024, 3, 1)
    assert household.memberships.get(end_date__isnull=True).person == newcomer


def test_the_household_inline_keeps_a_reference_person_while_others_remain(searching_client):
    household = HouseholdFactory()
    reference = household.memberships.get()
    partner = PersonFactory()
    partnership = HouseholdMembership.objects.create(
        household=household,
        person=partner,
        relation=Relation.PARTNER,
        start_date=datetime.date(2021, 1, 1),
    )
    give_record_purpose(searching_client, household)
    response = searching_client.post(
        reverse("admin:registry_household_change", args=[household.pk]),
        household_form(
            household.address,
            [
                row(
                    reference.person,
                    Relation.REFERENCE_PERSON,
                    end="2024-03-01",
                    membership=reference,
                ),
                row(partner, Relation.PARTNER, start="2021-01-01", membership=partnership),
            ],
            initial=2,
        ),
    )
    assert response.status_code == 200
    assert "would have 0" in formset_errors(response)
    reference.refresh_from_db()
    assert reference.end_date is None


def test_household_search_by_street(searching_client):
    household = HouseholdFactory(
        address=AddressFactory(street_name="Molenstraat"),
        reference_person__family_name="Verhaeghe",
    )
    HouseholdFactory(address=AddressFactory(street_name="Beekstraat"))
    for term in ("Molenstraat",):
        response = searching_client.get(reverse("admin:registry_household_changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [household], term


def test_the_household_inline_refuses_an_end_before_the_start(searching_client):
    household = HouseholdFactory()
    reference = household.memberships.get()
    give_record_purpose(searching_client, household)
    response = searching_client.post(
        reverse("admin:registry_household_change", args=[household.pk]),
        household_form(
            household.address,
            [
                row(
                    reference.person,
                    Relation.REFERENCE_PERSON,
                    end="2019-01-01",
                    membership=reference,
                ),
            ],
            initial=1,
        ),
    )
    assert response.status_code == 200
    reference.refresh_from_db()
    assert reference.end_date is None


# --- Every page opens ----------------------------------------------------------


def registry_admins():
    return [model for model in admin.site._registry if model._meta.app_label == "registry"]


@pytest.mark.parametrize("model", registry_admins(), ids=lambda model: model.__name__)
def test_every_registry_changelist_and_add_page_opens(searching_client, model):
    HouseholdFactory()
    OrganisationFactory()
    opts = model._meta
    changelist = searching_client.get(reverse(f"admin:registry_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = searching_client.get(reverse(f"admin:registry_{opts.model_name}_add"))
    # The access log is written by reads, correction requests by residents.
    expected = 403 if model in (AccessLogEntry, CorrectionRequest) else 200
    assert add.status_code == expected


def test_the_access_log_admin_names_nobody_and_is_reached_from_the_record(staff_client):
    person = PersonFactory(family_name="Vanoverbeke")
    other = PersonFactory()
    give_purpose(staff_client, person, purpose="audit")
    record = staff_client.get(change_url(person)).content.decode()
    link = f"{reverse('admin:registry_accesslogentry_changelist')}?person__id__exact={person.pk}"
    assert link.replace("&", "&amp;") in record or link in record
    give_purpose(staff_client, other)
    staff_client.get(change_url(other))
    response = staff_client.get(link)
    assert response.status_code == 200
    assert [entry.person for entry in response.context["cl"].result_list] == [person]
    assert "Vanoverbeke" not in unescape(response.content.decode())
    assert (
        staff_client.get(reverse("admin:registry_accesslogentry_changelist"), {"q": "Vanoverbeke"})
        .context["cl"]
        .result_count
        == 0
    )
