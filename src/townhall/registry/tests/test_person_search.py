"""The person list's search box: sent by POST, a pasted national number is looked up by
its keyed hash (never put in a web address); names and streets go on to the list."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from townhall.registry.models import AccessLogEntry
from townhall.registry.services import person_create
from townhall.registry.tests.factories import (
    AddressFactory,
    PersonFactory,
    StaffUserFactory,
    person_number,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:registry_person_search")
LIST = reverse("admin:registry_person_changelist")
PURPOSE = {"purpose": "counter", "explanation": ""}


@pytest.fixture
def marie():
    number = person_number(1985, 7, 30, 123)
    return person_create(given_names="Marie", family_name="Peeters", national_number=number), number


@pytest.fixture
def searching_client(staff_client):
    staff_client.post(reverse("admin:registry_person_search_purpose"), PURPOSE)
    return staff_client


def written_forms(number: str) -> list[str]:
    return [
        number,
        f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}",
        f"{number[:6]}-{number[6:9]}-{number[9:]}",
        f"{number[:6]} {number[6:9]} {number[9:]}",
    ]


@pytest.mark.parametrize("form", range(4))
def test_a_pasted_number_opens_the_record_and_is_logged(searching_client, marie, form):
    person, number = marie
    written = written_forms(number)[form]
    response = searching_client.post(SEARCH, {"q": written})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_person_change", args=[person.pk])
    lookup = AccessLogEntry.objects.get(person=person, action=AccessLogEntry.Action.LOOKUP)
    assert lookup.purpose == "Helping this person at the counter or by phone"
    # The purpose of the look-up is the record's: it opens without asking again.
    record = searching_client.get(response["Location"])
    assert record.status_code == 200
    assert "Peeters" in record.content.decode()


def test_a_number_asks_the_search_purpose_first_and_keeps_the_number_out_of_addresses(
    staff_client, marie
):
    person, number = marie
    written = written_forms(number)[1]
    asked = staff_client.post(SEARCH, {"q": written})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Why do you search the register?" in html
    # The number waits in the form's body, to be posted again with the purpose.
    assert f'type="hidden" name="q" value="{written}"' in html
    assert not AccessLogEntry.objects.filter(person=person).exists()
    opened = staff_client.post(SEARCH, {"q": written, **PURPOSE})
    assert opened["Location"] == reverse("admin:registry_person_change", args=[person.pk])
    assert AccessLogEntry.objects.filter(person=person, action="lookup").count() == 1
    for response in (asked, opened):
        assert number not in response.get("Location", "")


def test_an_invalid_or_unknown_number_says_so_without_repeating_it(searching_client, marie):
    _person, number = marie
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    unknown = person_number(1990, 1, 1, 123)
    for term, says in ((wrong, "check digits"), (unknown, "No person in the register")):
        response = searching_client.post(SEARCH, {"q": term}, follow=True)
        [message] = [str(m) for m in get_messages(response.wsgi_request)]
        assert says in message
        assert term not in message
        assert all(term not in url for url, _status in response.redirect_chain)
    assert not AccessLogEntry.objects.filter(action="lookup").exists()


def test_a_name_goes_on_to_the_list_with_the_filters_kept(searching_client, marie):
    response = searching_client.post(SEARCH, {"q": "Peeters", "state__exact": "resident"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LIST
    assert parse_qs(location.query) == {"q": ["Peeters"], "state__exact": ["resident"]}
    listed = searching_client.get(response["Location"])
    assert [p.family_name for p in listed.context["cl"].result_list] == ["Peeters"]


def test_the_search_box_posts(searching_client, marie):
    html = searching_client.get(LIST, {"q": "Peeters"}).content.decode()
    assert f'<form id="changelist-search" method="post" action="{SEARCH}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_number_in_the_list_address_is_still_refused(searching_client, marie):
    _person, number = marie
    response = searching_client.get(LIST, {"q": number})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not AccessLogEntry.objects.exists()


def test_the_search_page_needs_the_permission_to_see_persons(client, marie):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clerk = StaffUserFactory()  # staff, without the permission to see persons
    client.force_login(clerk)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
        user=clerk, name="app", confirmed=True
    ).persistent_id
    session.save()
    _person, number = marie
    assert client.post(SEARCH, {"q": number, **PURPOSE}).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_names_and_streets_are_searched_word_by_word(searching_client):
    kerkstraat = AddressFactory(street_name="Kerkstraat")
    molenstraat = AddressFactory(street_name="Molenstraat")
    an = PersonFactory(given_names="An", family_name="Vandamme", domicile=kerkstraat)
    bart = PersonFactory(given_names="Bart", family_name="Vandamme", domicile=molenstraat)
    PersonFactory(given_names="Els", family_name="Claes", domicile=kerkstraat)

    def found(term):
        response = searching_client.get(LIST, {"q": term})
        return {p.pk for p in response.context["cl"].result_list}

    assert found("vandamme") == {an.pk, bart.pk}
    assert found("Vandamme kerk") == {an.pk}
    assert found('"Bart" Molen') == {bart.pk}
    assert len(found("Kerkstraat")) == 2
    assert found("Vandamme Stationsstraat") == set()


@pytest.mark.parametrize("term", ['""', "' '", '"', "\"\" ''"])
def test_a_term_of_quotes_alone_finds_nobody(searching_client, marie, term):
    response = searching_client.get(LIST, {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
