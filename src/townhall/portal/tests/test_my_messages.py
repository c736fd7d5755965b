"""My messages: a resident reads what was sent to them, and nobody else's."""

import pytest

from townhall.accounts.tests.residents import sign_in
from townhall.messaging.services import message_send
from townhall.messaging.templates import templates_load

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.fixture
def sent(family, django_capture_on_commit_callbacks):
    templates_load()
    with django_capture_on_commit_callbacks(execute=True):
        to_an = message_send(recipient=family["an"], template="decision", context=DECISION)
        to_bart = message_send(
            recipient=family["bart"],
            template="decision",
            context={**DECISION, "case_reference": "2026-00099"},
        )
    return {"an": to_an, "bart": to_bart}


def test_a_resident_sees_their_messages_and_reads_one(client, family, sent):
    sign_in(client, family["an_user"])
    response = client.get("/mijn/berichten/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "2026-00007" in page
    assert "2026-00099" not in page
    assert "E-mail" in page
    assert "Sent" in page
    assert "no-store" in response["Cache-Control"]

    detail = client.get(f"/mijn/berichten/{sent['an'].uuid}/").content.decode()
    assert "Parkeerkaart" in detail
    assert sent["an"].reference in detail


def test_someone_elses_message_is_not_found(client, family, sent):
    sign_in(client, family["an_user"])
    assert client.get(f"/mijn/berichten/{sent['bart'].uuid}/").status_code == 404


def test_a_letter_waiting_to_be_printed_is_on_its_way(client, family, sent):
    sign_in(client, family["bart_user"])  # Bart has no e-mail: a letter in today's batch
    page = client.get("/mijn/berichten/").content.decode()
    assert "On its way" in page


def test_my_messages_needs_an_eid_sign_in(client, family):
    sign_in(client, family["an_user"], level="low")
    response = client.get("/mijn/berichten/")
    assert response.status_code == 302
    assert "level=high" in response["Location"]


def test_my_page_links_to_my_messages(client, family):
    sign_in(client, family["an_user"])
    assert "/mijn/berichten/" in client.get("/mijn/").content.decode()
