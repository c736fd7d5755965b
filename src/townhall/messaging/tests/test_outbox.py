"""The outbox: one entry point, the right channel and language, never lost, never twice."""

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from townhall.messaging.delivery import messages_sweep
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import LetterBatch, Message, MessageEvent, Suppression
from townhall.messaging.services import message_cancel, message_resend, message_send
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.contact import contact_details_update
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.fixture(autouse=True)
def _municipality(db):
    municipality_for_tests()


def test_an_email_is_sent_once_in_the_persons_language(smtp, templates, committed):
    person = PersonFactory(email="chloe@example.org", language="fr")

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.channel == "email"
    assert message.language == "fr"
    [received] = smtp.to("chloe@example.org")
    assert received["Subject"] == "Décision concernant votre demande 2026-00007"
    assert "Parkeerkaart" in received.get_content()
    assert received["Content-Language"] == "fr"
    assert received["Message-ID"] == message.provider_reference
    # A personal service message cannot be unsubscribed from.
    assert received["List-Unsubscribe"] is None


def test_the_same_idempotency_key_sends_once(smtp, templates, committed):
    person = PersonFactory(email="an@example.org")

    with committed():
        first = message_send(
            recipient=person,
            template="decision",
            context=DECISION,
            idempotency_key="case-7-decision",
        )
    with committed():
        second = message_send(
            recipient=person,
            template="decision",
            context=DECISION,
            idempotency_key="case-7-decision",
        )

    assert first.pk == second.pk
    assert Message.objects.filter(person=person).count() == 1
    assert len(smtp.received) == 1


def test_the_message_rolls_back_with_the_change_that_caused_it(smtp, templates, committed):
    person = PersonFactory(email="an@example.org")

    def decide():
        with transaction.atomic():
            message_send(recipient=person, template="decision", context=DECISION)
            raise RuntimeError("the decision failed to save")

    with committed(), pytest.raises(RuntimeError):
        decide()

    assert not Message.objects.filter(person=person).exists()
    assert smtp.received == []


def test_without_a_digital_channel_the_message_goes_into_todays_letter_batch(templates, committed):
    person = PersonFactory(email="", mobile="", language="nl")

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.channel == "letter"
    assert message.state == Message.State.SENDING
    assert message.letter_batch.day == timezone.localdate()
    assert message.letter_batch.state == LetterBatch.State.OPEN
    assert message.address == str(person.domicile)


def test_a_person_with_no_channel_at_all_is_recorded_as_failed(templates, committed):
    person = PersonFactory(email="", mobile="", domicile=None)

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    assert message.state == Message.State.FAILED
    assert "no e-mail address, mobile number or postal address" in message.reason
    assert MessageEvent.objects.filter(message=message, state="failed").exists()


def test_an_invalid_email_address_fails_permanently_with_its_reason(smtp, templates, committed):
    person = PersonFactory(email="an@example.org")
    Message.objects.all().delete()
    person.email = "not an address@"
    person.save()

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.reason == "The e-mail address is not valid."
    assert smtp.received == []


def test_a_refused_address_bounces_and_the_next_message_takes_another_channel(
    smtp, templates, committed
):
    person = PersonFactory(email="gone@example.org", mobile="")
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"

    with committed():
        first = message_send(recipient=person, template="decision", context=DECISION)

    first.refresh_from_db()
    assert first.state == Message.State.BOUNCED
    assert "550" in first.reason
    assert Suppression.objects.filter(address="gone@example.org", reason="bounced").exists()
    with committed():
        second = message_send(recipient=person, template="decision", context=DECISION)
    assert second.channel == "letter"


def test_a_missing_placeholder_value_is_refused_and_nothing_is_written(templates, committed):
    person = PersonFactory(email="an@example.org")

    with pytest.raises(MessagingError, match=re.escape("No value was given for {{ product }}")):
        message_send(recipient=person, template="decision", context={"case_reference": "x"})

    assert not Message.objects.filter(person=person).exists()


def test_an_unknown_template_is_refused(db, committed):
    person = PersonFactory(email="an@example.org")
    with pytest.raises(MessagingError, match="There is no message template nonsense"):
        message_send(recipient=person, template="nonsense", context={})


def test_the_smtp_server_down_means_a_retry_and_one_delivery_later(
    smtp, templates, settings, committed
):
    person = PersonFactory(email="an@example.org")
    smtp.controller.stop()

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.RETRYING
    assert "could not be reached" in message.reason
    assert message.next_attempt_at > timezone.now()
    # Nothing is due yet: the sweeper leaves it.
    with committed():
        messages_sweep()
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING

    smtp.restart()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2)), committed():
        messages_sweep()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.attempts == 2
    assert len(smtp.to("an@example.org")) == 1


def test_after_the_retry_horizon_the_message_fails_with_the_reason(
    smtp, templates, settings, committed
):
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "RETRY_HORIZON": 30}
    person = PersonFactory(email="an@example.org")
    smtp.controller.stop()

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.reason.startswith(
        "Gave up after 1 attempts: The mail server could not be reached"
    )


def test_a_temporary_refusal_is_retried(smtp, templates, committed):
    person = PersonFactory(email="busy@example.org")
    smtp.refuse["busy@example.org"] = "451 4.3.0 Try again later"

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.RETRYING
    assert "451" in message.reason


def test_the_sweeper_takes_back_a_message_left_sending_by_a_dead_worker(smtp, templates, committed):
    person = PersonFactory(email="an@example.org")
    with transaction.atomic():
        message = message_send(recipient=person, template="decision", context=DECISION)
        # The worker claimed it and died before handing it over.
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.SENDING,
            claimed_at=timezone.now() - datetime.timedelta(hours=1),
            attempts=1,
        )
    # The task that ran after the commit found nothing to claim.
    assert smtp.received == []

    with committed():
        outcome = messages_sweep()

    assert outcome["taken_back"] == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(smtp.received) == 1


def test_a_queued_message_whose_task_was_lost_is_enqueued_again(smtp, templates, committed):
    person = PersonFactory(email="an@example.org")
    with transaction.atomic():
        message = message_send(recipient=person, template="decision", context=DECISION)
        Message.objects.filter(pk=message.pk).update(state=Message.State.CANCELLED)
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.QUEUED, enqueued_at=timezone.now() - datetime.timedelta(hours=1)
    )

    with committed():
        assert messages_sweep()["requeued"] == 1

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(smtp.received) == 1


def test_staff_cancel_a_queued_message_and_resend_a_failed_one(
    smtp, templates, staff_user, committed
):
    person = PersonFactory(email="an@example.org")
    with transaction.atomic():
        message = message_send(recipient=person, template="decision", context=DECISION)
        message_cancel(message=message, actor=staff_user)
    message.refresh_from_db()
    assert message.state == Message.State.CANCELLED
    assert smtp.received == []
    with pytest.raises(MessagingError, match="Only a message that has not been sent yet"):
        message_cancel(message=message, actor=staff_user)

    with committed():
        copy = message_resend(message=message, actor=staff_user)

    copy.refresh_from_db()
    assert copy.state == Message.State.SENT
    assert len(smtp.received) == 1
    assert message.events.last().detail == f"Sent again as {copy.reference}."


def test_the_topic_channel_from_the_register_is_used(
    smtp, templates, settings, tmp_path, committed
):
    settings.VAR_DIR = tmp_path
    settings.TOWNHALL_SMS = {**settings.TOWNHALL_SMS, "QUIET_HOURS": ("00:00", "00:00")}
    settings.TOWNHALL_SMS["GATEWAYS"] = [{"NAME": "demo", "ADAPTER": "demo-capture"}]
    person = PersonFactory(email="an@example.org", mobile="+32470123456")
    contact_details_update(
        person=person,
        actor=None,
        email="an@example.org",
        mobile="+32470123456",
        preferred_channel="email",
        topic_channels={"reminders": "sms"},
        language="nl",
    )
    context = {"case_reference": "1", "document": "een foto", "deadline": "morgen"}

    with committed():
        message = message_send(recipient=person, template="document-request", context=context)

    message.refresh_from_db()
    assert message.channel == "sms"
    assert message.state == Message.State.SENT
    assert message.provider == "sms:demo"
    assert smtp.received == []


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="burgerzaken", password="x")
