"""Messaging and domain events: it announces messages that did not arrive, and its
waiting messages follow the register when an address changes there."""

import datetime
import json

import pytest
from django.utils import timezone
from freezegun import freeze_time

from townhall.messaging.delivery import messages_sweep
from townhall.messaging.events import message_bounced, message_failed
from townhall.messaging.models import Message, MessageEvent
from townhall.messaging.services import message_send
from townhall.messaging.tests.test_broadcasts_and_reports import _mailgun_event, mailgun  # noqa: F401
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry import provenance, services
from townhall.registry.tests.factories import AddressFactory, PersonFactory
from townhall.registry.tests.test_contact import update
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.fixture(autouse=True)
def _municipality(db):
    municipality_for_tests()


def test_a_refused_address_is_announced_as_bounced_after_the_commit(smtp, templates, committed):
    person = PersonFactory(email="gone@example.org", mobile="")
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"

    with events_received(message_bounced, message_failed) as got, committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    [event] = got
    assert event.type == "be.townhall.messaging.message.bounced"
    assert event.subject == f"message/{message.pk}"
    assert event.data == {
        "message": message.pk,
        "person": person.pk,
        "channel": "email",
        "reason": "bounced",
    }
    assert "gone@example.org" not in str(event.as_cloudevent())


def test_a_message_given_up_on_is_announced_as_failed(smtp, templates, settings, committed):
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "RETRY_HORIZON": 30}
    person = PersonFactory(email="an@example.org")
    smtp.controller.stop()

    with events_received(message_bounced, message_failed) as got, committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    assert [(e.type, e.data["message"]) for e in got] == [
        ("be.townhall.messaging.message.failed", message.pk)
    ]


@pytest.mark.parametrize(
    ("mailgun_event", "event_type", "extra"),
    [
        ("failed", "be.townhall.messaging.message.bounced", {"reason": "bounced"}),
        ("complained", "be.townhall.messaging.message.bounced", {"reason": "complained"}),
    ],
)
def test_a_providers_report_is_announced(
    mailgun,  # noqa: F811
    templates,
    committed,
    client,
    mailgun_event,
    event_type,
    extra,
):
    person = PersonFactory(email="an@example.org")
    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)
    message.refresh_from_db()

    with events_received(message_bounced, message_failed) as got, committed():
        response = client.post(
            "/anymail/mailgun/tracking/",
            data=json.dumps(_mailgun_event(mailgun_event, message.provider_reference)),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {mailgun}",
        )
        assert response.status_code == 200
        assert got == []

    [event] = got
    assert event.type == event_type
    assert event.data == {"message": message.pk, "person": person.pk, "channel": "email", **extra}


# --- Waiting messages follow the register (messaging.receivers) -------------


def test_a_message_waiting_for_a_retry_goes_to_the_new_email_address(smtp, templates, committed):
    person = PersonFactory(email="old@example.org")
    smtp.controller.stop()
    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING

    with committed():
        update(person, email="new@example.org")
        message.refresh_from_db()
        assert message.address == "old@example.org"  # the receiver waits for the commit

    message.refresh_from_db()
    assert (message.state, message.address) == (Message.State.RETRYING, "new@example.org")
    assert MessageEvent.objects.filter(
        message=message, detail__startswith="The address changed in the register"
    ).exists()
    smtp.restart()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2)), committed():
        messages_sweep()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert smtp.to("old@example.org") == []
    assert len(smtp.to("new@example.org")) == 1


def test_a_waiting_letter_goes_to_the_new_domicile_after_a_staff_change(templates, committed):
    person = PersonFactory(email="", mobile="")
    # Queued, its task not run yet (no commit in this test until now).
    message = message_send(recipient=person, template="decision", context=DECISION)
    assert (message.state, message.channel) == (Message.State.QUEUED, "letter")
    new_home = AddressFactory(street_name="Bruggestraat", house_number="12")

    with committed():
        services.person_update(
            person=person, changes={"domicile": new_home}, actor=None, source=provenance.BY_STAFF
        )

    message.refresh_from_db()
    assert message.address == str(new_home)


def test_a_message_whose_channel_is_gone_is_cancelled_and_sent_again(smtp, templates, committed):
    person = PersonFactory(email="old@example.org", mobile="")
    smtp.controller.stop()
    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    with committed():
        update(person, email="", preferred_channel="letter")

    message.refresh_from_db()
    assert message.state == Message.State.CANCELLED
    assert message.reason == "The address is no longer in the register."
    copy = Message.objects.exclude(pk=message.pk).get(person=person)
    assert (copy.channel, copy.address) == ("letter", str(person.domicile))


def test_a_sign_in_link_keeps_the_accounts_own_address(templates, committed):
    from townhall.messaging.services import EmailRecipient

    person = PersonFactory(email="register@example.org")
    recipient = EmailRecipient(
        address="account@example.org",
        given_names="Jan",
        family_name="Peeters",
        language="nl",
        person=person,
    )
    # Queued, its task not run yet; the link is made only at hand-over.
    message = message_send(
        recipient=recipient,
        template="account-sign-in-link",
        context={"validity": "15 minutes"},
        secret_source="accounts.email-link",
        secret_arguments={"user": 1, "purpose": "link", "next": ""},
    )
    assert message.state == Message.State.QUEUED

    with committed():
        update(person, email="other@example.org")

    message.refresh_from_db()
    assert (message.state, message.address) == (Message.State.QUEUED, "account@example.org")
