"""Broadcasts to a street, the queues they use, unsubscribing, and what providers report back."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from townhall.messaging.broadcasts import Selection, broadcast_preview, broadcast_send
from townhall.messaging.letter_batches import letter_batch_render
from townhall.messaging.models import (
    Broadcast,
    LetterBatch,
    Message,
    MessageTemplate,
    Suppression,
)
from townhall.messaging.services import letter_batch_confirm_posted, message_send
from townhall.messaging.templates import template_activate, template_text_save
from townhall.messaging.unsubscribe import message_for_token, unsubscribe_url
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.contact import contact_details_update
from townhall.registry.preferences import Consent
from townhall.registry.tests.factories import AddressFactory, PersonFactory, street_pk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _municipality(db):
    municipality_for_tests()


@pytest.fixture
def street(db, settings, tmp_path):
    """Four residents of one street: e-mail (Dutch, French), mobile only, neither."""
    settings.VAR_DIR = tmp_path
    settings.TOWNHALL_SMS = {**settings.TOWNHALL_SMS, "QUIET_HOURS": ("00:00", "00:00")}
    settings.TOWNHALL_SMS["GATEWAYS"] = [{"NAME": "demo", "ADAPTER": "demo-capture"}]
    settings.MEDIA_ROOT = tmp_path / "media"
    home = {"street_name": "Proefstraat", "postcode": "8770"}
    return {
        "an": PersonFactory(email="an@example.org", mobile="", domicile=AddressFactory(**home)),
        "chloe": PersonFactory(
            email="chloe@example.org", mobile="", language="fr", domicile=AddressFactory(**home)
        ),
        "bart": PersonFactory(email="", mobile="+32470123456", domicile=AddressFactory(**home)),
        "maria": PersonFactory(email="", mobile="", domicile=AddressFactory(**home)),
        "elsewhere": PersonFactory(email="x@example.org", domicile=AddressFactory()),
    }


@pytest.fixture
def notice(db):
    """A street notice (road works): owed to residents, so no consent needed."""
    template = MessageTemplate.objects.create(
        code="road-works", name="Road works", kind="announcement", topic="alerts"
    )
    for channel in ("email", "sms", "letter"):
        for language, words in (("nl", "Wegenwerken"), ("fr", "Travaux"), ("en", "Road works")):
            template_text_save(
                template=template,
                channel=channel,
                language=language,
                subject=words,
                body=f"{words} in uw straat, {{{{ given_names }}}}.",
            )
    return template_activate(template=template)


def test_the_preview_counts_the_street_per_channel_and_language(street, notice):
    preview = broadcast_preview(
        selection=Selection(street=street_pk("Proefstraat")), topic="alerts"
    )

    assert preview.total == 4
    assert preview.per_channel == {"email": 2, "sms": 1, "letter": 1}
    assert preview.per_language == {"nl": 3, "fr": 1}
    assert preview.unreachable == 0


def test_a_street_broadcast_reaches_everyone_on_their_channel(
    street, notice, smtp, committed, django_user_model
):
    staff = django_user_model.objects.create_user(username="communicatie", password="x")

    with committed():
        broadcast = broadcast_send(
            template=notice, selection=Selection(street=street_pk("Proefstraat")), sent_by=staff
        )

    broadcast.refresh_from_db()
    assert broadcast.state == Broadcast.State.DONE
    assert broadcast.recipients_total == 4
    messages = {m.person_id: m for m in broadcast.messages.all()}
    assert messages[street["an"].pk].state == Message.State.SENT
    assert messages[street["bart"].pk].provider == "sms:demo"
    assert messages[street["maria"].pk].letter_batch is not None
    assert street["elsewhere"].pk not in messages
    [french] = smtp.to("chloe@example.org")
    assert french["Subject"] == "Travaux"
    assert "Travaux in uw straat, " + street["chloe"].given_names in french.get_content()
    assert all(m.queue == Message.Queue.BULK for m in messages.values())
    # An alert is owed: no unsubscribe link.
    assert french["List-Unsubscribe"] is None


def test_the_letter_batch_renders_one_pdf_and_is_sent_once_posted(
    street, notice, committed, django_user_model
):
    staff = django_user_model.objects.create_user(username="burgerzaken", password="x")
    with committed():
        broadcast_send(
            template=notice,
            selection=Selection(street=street_pk("Proefstraat"), without_digital_channel=True),
        )
    batch = LetterBatch.objects.get()

    batch = letter_batch_render(batch=batch, actor=staff)

    assert batch.state == LetterBatch.State.PRINTED
    assert batch.page_count == 1
    assert batch.pdf.read(5) == b"%PDF-"
    letter = batch.messages.get()
    assert letter.state == Message.State.SENDING
    letter_batch_confirm_posted(batch=batch, actor=staff)
    letter.refresh_from_db()
    assert letter.state == Message.State.SENT


def test_personal_messages_and_broadcasts_use_separate_queues(
    street, notice, settings, templates, committed
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "urgent", "bulk"],
        }
    }
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with committed():
        message_send(
            recipient=street["an"],
            template="decision",
            context={"case_reference": "1", "product": "x"},
        )
        message_send(
            recipient=street["an"],
            template="decision",
            context={"case_reference": "2", "product": "x"},
            urgent=True,
        )
        broadcast_send(template=notice, selection=Selection(street=street_pk("Proefstraat")))

    queues = sorted(result.task.queue_name for result in default_task_backend.results)
    # The broadcast's preparation goes on the bulk queue; its messages follow there.
    assert queues == ["bulk", "default", "urgent"]


def test_a_template_text_missing_a_placeholder_is_refused_at_save(templates):
    template = templates["decision"]

    with pytest.raises(ValidationError) as refused:
        template_text_save(
            template=template,
            channel="email",
            language="nl",
            subject="Beslissing",
            body="Er is een beslissing over {{ product }}.",
        )

    assert "The placeholder {{ case_reference }} is missing." in refused.value.messages
    with pytest.raises(ValidationError) as typo:
        template_text_save(
            template=template,
            channel="sms",
            language="nl",
            body="{{ case_reference }} {{ product }} {{ Naam }}",
            subject="",
        )
    assert "write it as {{ name }} in lower case" in typo.value.messages[0]


def test_a_template_missing_a_language_cannot_be_used(db):
    template = MessageTemplate.objects.create(code="half", name="Half", topic="decisions")
    template_text_save(template=template, channel="email", language="nl", subject="S", body="B")

    with pytest.raises(ValidationError) as refused:
        template_activate(template=template)

    assert "email/fr: the text is missing." in refused.value.messages
    template.refresh_from_db()
    assert not template.is_active


def _consenting(person, topic="waste_collection"):
    contact_details_update(
        person=person,
        actor=None,
        email=person.email,
        mobile=person.mobile,
        preferred_channel="email",
        topic_channels={topic: "email"},
        language=person.language,
    )


def test_one_click_unsubscribe_withdraws_the_consent_in_the_register(
    smtp, templates, committed, client
):
    person = PersonFactory(email="an@example.org")
    _consenting(person)
    with committed():
        message = message_send(
            recipient=person,
            template="waste-collection",
            context={"day": "dinsdag", "fraction": "pmd"},
        )
    [received] = smtp.received
    link = received["List-Unsubscribe"].strip().strip("<>")
    # The signed token carries the second it was made: compare what it points at.
    site_part, _slash, token = link.rstrip("/").rpartition("/")
    assert unsubscribe_url(message).startswith(site_part + "/")
    assert message_for_token(token) == message
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    response = client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Consent.objects.get(person=person, topic="waste_collection").given
    with committed():
        later = message_send(
            recipient=person, template="waste-collection", context={"day": "d", "fraction": "f"}
        )
    assert later.state == Message.State.FAILED  # no consent: nothing goes out
    assert len(smtp.received) == 1


def test_a_forged_unsubscribe_link_changes_nothing(client, templates):
    person = PersonFactory(email="an@example.org")
    _consenting(person)

    response = client.post(
        reverse("messaging:unsubscribe", kwargs={"token": "forged-token"}),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 404
    assert Consent.objects.get(person=person, topic="waste_collection").given


def test_the_unsubscribe_page_asks_before_it_unsubscribes(smtp, templates, committed, client):
    person = PersonFactory(email="an@example.org")
    _consenting(person)
    with committed():
        message = message_send(
            recipient=person, template="waste-collection", context={"day": "d", "fraction": "f"}
        )

    page = client.get(unsubscribe_url(message))

    assert page.status_code == 200
    assert b"Unsubscribe" in page.content
    assert Consent.objects.get(person=person, topic="waste_collection").given


MAILGUN_KEY = "mailgun-signing-key"


def _mailgun_event(event, message_id, *, key=MAILGUN_KEY, severity="permanent"):
    timestamp = str(int(time.time()))
    token = "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "severity": severity,
            "timestamp": time.time(),
            "id": "event-1",
            "recipient": "an@example.org",
            "message": {"headers": {"message-id": message_id}},
            "delivery-status": {"message": "550 No such user", "description": "No such user"},
        },
    }


@pytest.fixture
def mailgun(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
        "WEBHOOK_SECRET": "user:pass",
    }
    return base64.b64encode(b"user:pass").decode()


def test_a_provider_bounce_marks_the_message_and_blocks_the_address(
    mailgun, templates, committed, client
):
    person = PersonFactory(email="an@example.org")
    with committed():
        message = message_send(
            recipient=person, template="decision", context={"case_reference": "1", "product": "x"}
        )
    message.refresh_from_db()
    assert message.provider == "anymail"

    response = client.post(
        "/anymail/mailgun/tracking/",
        data=json.dumps(_mailgun_event("failed", message.provider_reference)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {mailgun}",
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == Message.State.BOUNCED
    assert Suppression.objects.filter(address="an@example.org").exists()


def test_a_forged_provider_webhook_is_rejected(mailgun, templates, committed, client):
    person = PersonFactory(email="an@example.org")
    with committed():
        message = message_send(
            recipient=person, template="decision", context={"case_reference": "1", "product": "x"}
        )
    message.refresh_from_db()

    response = client.post(
        "/anymail/mailgun/tracking/",
        data=json.dumps(_mailgun_event("failed", message.provider_reference, key="wrong")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {mailgun}",
    )

    assert response.status_code == 400
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert not Suppression.objects.exists()


RECEIPT_SECRET = "receipt-secret"


def test_a_signed_sms_receipt_marks_delivered_and_a_forged_one_is_rejected(
    settings, templates, committed, client
):
    settings.TOWNHALL_SMS = {
        **settings.TOWNHALL_SMS,
        "QUIET_HOURS": ("00:00", "00:00"),
        "GATEWAYS": [
            {
                "NAME": "primary",
                "ADAPTER": "generic-http",
                "URL": "http://127.0.0.1:9/unused",
                "RECEIPT_SECRET": RECEIPT_SECRET,
            }
        ],
    }
    person = PersonFactory(email="", mobile="+32470123456")
    message = Message.objects.create(
        person=person,
        recipient_name=person.full_name,
        kind="personal",
        topic="decisions",
        channel="sms",
        address=person.mobile,
        language="nl",
        body="x",
        queue="default",
        state=Message.State.SENT,
        provider="sms:primary",
        provider_reference="gw-123",
    )
    body = json.dumps({"id": "gw-123", "status": "delivered"}).encode()
    url = reverse("messaging:sms_receipt", kwargs={"gateway": "primary"})

    forged = client.post(url, data=body, content_type="application/json", HTTP_X_SIGNATURE="0" * 64)

    assert forged.status_code == 403
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    timestamp = str(int(time.time()))
    signature = hmac.new(
        RECEIPT_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    genuine = client.post(
        url,
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature,
        HTTP_X_TIMESTAMP=timestamp,
    )
    assert genuine.status_code == 204, genuine.content
    message.refresh_from_db()
    assert message.state == Message.State.DELIVERED


def test_a_broadcast_whose_preparation_stopped_half_way_is_finished_once(
    street, notice, smtp, committed
):
    import datetime

    from django.utils import timezone

    from townhall.messaging.delivery import messages_sweep

    with committed():
        broadcast = broadcast_send(
            template=notice, selection=Selection(street=street_pk("Proefstraat"))
        )
    # As if the worker died after writing part of the messages: one is missing
    # and the broadcast is still preparing.
    broadcast.messages.filter(person=street["an"]).delete()
    broadcast.parts.update(done=False, recipients=0)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        state=Broadcast.State.PREPARING,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    before = len(smtp.received)

    with committed():
        assert messages_sweep()["broadcasts"] == 1

    broadcast.refresh_from_db()
    assert broadcast.state == Broadcast.State.DONE
    assert broadcast.messages.count() == 4
    assert broadcast.recipients_total == 4
    assert [str(m["To"]) for m in smtp.received[before:]] == ["an@example.org"]


def test_a_large_selection_is_prepared_in_parts_that_every_worker_can_take(
    street, notice, smtp, committed, settings
):
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "PART_SIZE": 3}

    with committed():
        broadcast = broadcast_send(
            template=notice, selection=Selection(street=street_pk("Proefstraat"))
        )

    broadcast.refresh_from_db()
    assert [(p.done, p.recipients) for p in broadcast.parts.order_by("pk")] == [
        (True, 3),
        (True, 1),
    ]
    assert broadcast.recipients_total == 4
    assert broadcast.state == Broadcast.State.DONE
    assert broadcast.messages.count() == 4


def test_a_recipient_without_any_channel_shows_as_failed_in_the_broadcast(notice, smtp, committed):
    nobody = PersonFactory(email="", mobile="", domicile=None)
    reachable = PersonFactory(email="an@example.org")

    with committed():
        broadcast = broadcast_send(
            template=notice, selection=Selection(person_ids=(nobody.pk, reachable.pk))
        )

    broadcast.refresh_from_db()
    failed = broadcast.messages.get(person=nobody)
    assert failed.state == Message.State.FAILED
    assert "no e-mail address, mobile number or postal address" in failed.reason
    assert broadcast.messages.get(person=reachable).state == Message.State.SENT
    assert broadcast.state == Broadcast.State.DONE


def test_a_broadcast_whose_parts_are_all_written_but_never_closed_is_closed_by_the_sweeper(
    street, notice, smtp, committed
):
    import datetime

    from django.utils import timezone

    from townhall.messaging.delivery import messages_sweep

    with committed():
        broadcast = broadcast_send(
            template=notice, selection=Selection(street=street_pk("Proefstraat"))
        )
    # As when two parts finished at once and neither saw the other done.
    Broadcast.objects.filter(pk=broadcast.pk).update(
        state=Broadcast.State.PREPARING,
        recipients_total=0,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )

    with committed():
        messages_sweep()

    broadcast.refresh_from_db()
    assert broadcast.state == Broadcast.State.DONE
    assert broadcast.recipients_total == 4
    assert broadcast.messages.count() == 4


def test_a_selection_of_chosen_residents_counts_them_and_names_nobody():
    assert Selection(person_ids=(7,)).label() == "1 chosen resident"
    assert Selection(person_ids=(7, 9)).label() == "2 chosen residents"
    assert Selection().label() == "all residents"
