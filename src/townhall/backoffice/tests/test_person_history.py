"""A person's history for staff: every change, field by field, with who or what made it;
asked why first, in the person's access log, for citizens' affairs only; and the
register's versions as staff edits, residents and corrections leave them."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import (
    resident_account,
    sign_in_resident,
    sign_in_verified,
    staff_user,
)
from townhall.backoffice.tests.conftest import staff_of
from townhall.registry.history import history_context
from townhall.registry.models import AccessLogEntry, HouseholdMembership, Person
from townhall.registry.preferences import Topic
from townhall.registry.provenance import BY_STAFF
from townhall.registry.selectors import person_history, register_as_of
from townhall.registry.services import (
    household_add_member,
    household_create,
    person_update,
)
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
PURPOSE = {"purpose": "counter", "explanation": ""}
NUMBER = "85073003328"
ON = datetime.date(2026, 1, 1)


@pytest.fixture
def jan(municipality):
    return PersonFactory(
        given_names="Jan",
        family_name="Peeters",
        national_number=NUMBER,
        birth_date=datetime.date(1985, 7, 30),
        sex=Person.Sex.MALE,
        domicile=AddressFactory(street_name="Kerkstraat", house_number="1"),
    )


def versions(person) -> list[tuple]:
    return list(
        person.history.order_by("history_date", "history_id").values_list(
            "history_type", "history_user", "history_change_reason"
        )
    )


def test_a_staff_edit_in_the_record_is_one_version_by_that_staff_member(client, jan):
    staff = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, staff)
    client.post(reverse("admin:registry_person_purpose", args=[jan.pk]), PURPOSE)
    form = {
        "national_number": "",
        "given_names": "Jan",
        "family_name": "Janssens",
        "birth_date": "1985-07-30",
        "birth_date_precision": "day",
        "sex": "m",
        "nationality": "BE",
        "language": "nl",
        "domicile": jan.domicile_id,
        "state": "resident",
        "state_since": "",
        "email": "",
        "mobile": "",
    }
    response = client.post(reverse("admin:registry_person_change", args=[jan.pk]), form)
    assert response.status_code == 302
    assert versions(jan) == [("+", None, None), ("~", staff.pk, None)]
    # The same form again changes nothing, and writes no version.
    client.post(reverse("admin:registry_person_change", args=[jan.pk]), form)
    assert len(versions(jan)) == 2
    before = jan.history.earliest().history_date
    assert register_as_of(jan, before).family_name == "Peeters"
    assert Person.objects.get(pk=jan.pk).family_name == "Janssens"


def test_a_residents_own_contact_change_is_their_version(jan):
    resident = Client()
    user = resident_account(jan)
    sign_in_resident(resident, user)
    response = resident.post(
        reverse("portal:contact_preferences"),
        {
            "email": "jan@example.org",
            "mobile": "",
            "preferred_channel": "email",
            "language": "nl",
            **{f"topic_{topic}": "preferred" for topic in Topic.values},
            "topic_news": "none",
            "topic_waste_collection": "none",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert versions(jan)[1:] == [("~", user.pk, "via My data")]
    assert jan.history.latest().email == "jan@example.org"


def test_an_outer_reason_wins_and_the_user_is_the_actor(jan):
    staff = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    with history_context(reason="correction case COR-2026-0001"):
        person_update(
            person=jan, changes={"email": "jan@example.org"}, actor=staff, source=BY_STAFF
        )
    assert versions(jan)[-1] == ("~", staff.pk, "correction case COR-2026-0001")


def test_as_of_a_date_gives_a_household_with_its_members_then(jan):
    partner = PersonFactory(given_names="Els", family_name="Peeters")
    household = household_create(address=jan.domicile, reference_person=jan, start_date=ON)
    past = timezone.now()
    household_add_member(
        household=household,
        person=partner,
        relation=HouseholdMembership.Relation.PARTNER,
        start_date=ON,
    )
    then = register_as_of(household, past)
    assert [m.person_id for m in then.members_then] == [jan.pk]
    now = register_as_of(household, datetime.date.today())
    assert sorted(m.person_id for m in now.members_then) == sorted([jan.pk, partner.pk])
    assert register_as_of(jan, datetime.date(2000, 1, 1)) is None
    with pytest.raises(ValueError, match="no history"):
        register_as_of(AccessLogEntry(), ON)


def test_an_erased_person_takes_their_versions_along(jan):
    household = household_create(address=jan.domicile, reference_person=jan, start_date=ON)
    person_update(person=jan, changes={"email": "jan@example.org"}, actor=None, source=BY_STAFF)
    assert jan.history.count() == 2
    pk = jan.pk
    household.memberships.all().delete()  # a household keeps its reference person otherwise
    jan.delete()
    assert not Person.history.filter(id=pk).exists()
    assert not HouseholdMembership.history.filter(person_id=pk).exists()
    assert household.history.exists()  # the household (an address and a number) stays


# --- The history page -------------------------------------------------------


def test_the_history_asks_why_logs_the_look_and_shows_each_change(client, jan):
    staff = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    person_update(person=jan, changes={"family_name": "Janssens"}, actor=staff, source=BY_STAFF)
    household_create(address=jan.domicile, reference_person=jan, start_date=ON)
    sign_in_verified(client, staff)
    url = reverse("backoffice:person_history", args=[jan.pk])
    asked = client.get(url).content.decode()
    assert "Why do you open this history?" in asked
    assert "Peeters" not in asked  # the name it had before the change: no version shown
    assert not AccessLogEntry.objects.exists()

    assert client.post(url, PURPOSE)["Location"] == url
    response = client.get(url)
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Family name: Peeters → Janssens" in page
    assert "Katrien Vanhoutte" in page
    assert "Household membership created" in page
    assert "Relation to the reference person: — → reference person" in page
    # The number never in clear, in none of its written forms; its fingerprint only.
    for written in (NUMBER, "85.07.30-033.28", "85073003328"[:6]):
        assert written not in page
    assert jan.national_number_masked in page
    entry = AccessLogEntry.objects.get(person=jan)
    assert (entry.actor, entry.action) == (staff, AccessLogEntry.Action.HISTORY)
    assert f'href="{url}" aria-current="page"' in page


def test_the_history_needs_citizens_affairs(client, jan):
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    response = client.get(reverse("backoffice:person_history", args=[jan.pk]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_the_history_of_an_unknown_person_is_not_found(client, municipality):
    sign_in_verified(client, staff_of("citizens_affairs", "Burgerzaken", "katrien"))
    assert client.get(reverse("backoffice:person_history", args=[999999])).status_code == 404


def test_the_history_reads_in_four_queries_however_long_it_is(jan):
    for number in range(5):
        person_update(
            person=jan,
            changes={"email": f"jan{number}@example.org", "domicile": AddressFactory()},
            actor=None,
            source=BY_STAFF,
        )
    household_create(address=jan.domicile, reference_person=jan, start_date=ON)
    with CaptureQueriesContext(connection) as queries:
        lines = person_history(jan)
    assert len(queries) == 4
    assert len(lines) == 7
    assert lines[-1].kind == "created"


def test_a_person_added_in_the_admin_is_a_version_by_the_signed_in_staff_member(
    client, municipality
):
    staff = staff_user("root", is_superuser=True, department_code=None)
    sign_in_verified(client, staff)
    form = {
        "national_number": "",
        "given_names": "Lies",
        "family_name": "Wouters",
        "birth_date": "",
        "birth_date_precision": "day",
        "sex": "x",
        "nationality": "BE",
        "language": "nl",
        "domicile": "",
        "state": "not_resident",
        "state_since": "",
        "email": "",
        "mobile": "",
    }
    response = client.post(reverse("admin:registry_person_add"), form)
    assert response.status_code == 302
    assert versions(Person.objects.get(family_name="Wouters")) == [("+", staff.pk, None)]


def test_the_history_without_a_purpose_asks_again_and_shows_nothing(client, jan):
    sign_in_verified(client, staff_of("citizens_affairs", "Burgerzaken", "katrien"))
    url = reverse("backoffice:person_history", args=[jan.pk])
    response = client.post(url, {"purpose": "", "explanation": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Why do you open this history?" in page
    assert "Family name" not in page  # no version shown
    assert not AccessLogEntry.objects.exists()
    assert "Why do you open this history?" in client.get(url).content.decode()
