"""Alerts by SMS: a code by text message through a real gateway, five tries, 15 minutes;
and the unsubscribe link every subscriber's message carries."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Message
from townhall.messaging.templates import templates_load
from townhall.news.models import (
    Audience,
    ConsentRecord,
    Subscriber,
    Subscription,
)
from townhall.news.subscription_messages import subscriber_message_send, unsubscribe_token
from townhall.news.subscriptions import Choices, my_subscription_save, subscriptions_purge_pending
from townhall.news.tests.conftest import link_path
from townhall.registry.provenance import Source
from townhall.registry.services import person_update
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
SUBSCRIBE_SMS = "/abonneren/sms/"
CODE = "/abonneren/sms/code/"


def sms_form(mobile="0470 12 34 56", **extra):
    return {
        "mobile": mobile,
        "all_topics": "on",
        "audiences": [Audience.RESIDENTS],
        "consent": "on",
        **extra,
    }


def code_sent(gateway) -> str:
    text = gateway.received[-1].fields()["text"]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_a_number_is_confirmed_with_the_code_sent_by_sms(client, gateway, templates, committed):
    page = client.get(SUBSCRIBE_SMS).content.decode()
    assert "Text messages are only for urgent alerts" in page
    with committed():
        answer = client.post(SUBSCRIBE_SMS, sms_form())
    assert answer["Location"] == CODE
    subscription = Subscription.objects.get()
    assert subscription.subscriber.address == "+32470123456"
    assert subscription.frequency == "immediate"
    # The outbox keeps a marker; the hash alone is on the subscription.
    message = Message.objects.get(template__code="news-subscription-code")
    assert message.state == Message.State.SENT
    code = code_sent(gateway)
    assert code not in message.body
    subscription.refresh_from_db()
    assert subscription.code_hash
    assert code not in subscription.code_hash

    wrong = client.post(CODE, {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert b"This code is not right. You have 4 more tries." in wrong.content
    done = client.post(CODE, {"code": code})
    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    assert subscription.code_hash == ""
    assert subscription.consent_records.last().via == ConsentRecord.Via.CODE


def test_five_wrong_codes_lock_it_and_the_person_starts_again(
    client, gateway, templates, committed
):
    with committed():
        client.post(SUBSCRIBE_SMS, sms_form())
    code = code_sent(gateway)
    wrong = "000000" if code != "000000" else "111111"
    answers = [client.post(CODE, {"code": wrong}).status_code for _ in range(5)]
    assert answers == [400] * 5
    assert Subscription.objects.get().code_hash == ""
    # Even the right code does not work any more: start again.
    late = client.post(CODE, {"code": code})
    assert late.status_code == 400
    assert b"Subscribe by text message again" in late.content
    assert Subscription.objects.get().state == Subscription.State.PENDING


def test_a_code_older_than_15_minutes_has_expired(client, gateway, templates, committed):
    with committed():
        client.post(SUBSCRIBE_SMS, sms_form())
    code = code_sent(gateway)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        answer = client.post(CODE, {"code": code})
    assert answer.status_code == 410
    assert b"The code has expired" in answer.content


def test_an_invalid_or_fixed_line_number_gets_a_clear_message_and_is_kept(client, templates):
    for typed, says in (
        ("12345", "Enter a mobile number like 0470 12 34 56"),
        ("051 31 12 34", "This is not a mobile number."),  # a fixed line in Belgium
    ):
        answer = client.post(SUBSCRIBE_SMS, sms_form(mobile=typed))
        assert answer.status_code == 400
        page = answer.content.decode()
        assert says in page
        assert f'value="{typed}"' in page
    assert not Subscriber.objects.exists()


def test_the_code_page_without_a_code_waiting_says_to_start_again(client, templates):
    answer = client.get(CODE)
    assert answer.status_code == 400
    assert b"We have no code waiting for you" in answer.content


@pytest.fixture
def news_template(tmp_path, templates):
    """A publication template as the publications will have one, with the unsubscribe link."""
    (tmp_path / "news-test.toml").write_text(
        """
code = "news-test"
name = "A test publication"
kind = "announcement"
topic = "news"
channels = ["email", "sms"]
placeholders = ["unsubscribe_link"]
[sample]
unsubscribe_link = "https://www.example.org/abonneren/afmelden/x/"
"""
        + "".join(
            f'[email.{lang}]\nsubject = "Nieuws"\n'
            f'body = "Tekst. Afmelden: {{{{ unsubscribe_link }}}}"\n'
            f'[sms.{lang}]\nbody = "Alarm. Stop: {{{{ unsubscribe_link }}}}"\n'
            for lang in ("nl", "fr", "en")
        ),
        encoding="utf-8",
    )
    templates_load(tmp_path)


def _active(channel, address):
    subscriber = Subscriber.objects.create(channel=channel, address=address, language="nl")
    return Subscription.objects.create(subscriber=subscriber, state="active", all_topics=True)


def test_a_subscribers_e_mail_carries_its_own_one_click_unsubscribe_link(
    client, smtp, news_template, committed
):
    subscription = _active("email", "ana@example.org")
    with committed():
        subscriber_message_send(
            subscription=subscription, template="news-test", context={}, topic="news"
        )
    [mail] = smtp.to("ana@example.org")
    token = unsubscribe_token(subscription).split(":")[0]
    header = str(mail["List-Unsubscribe"]).strip()
    assert header.startswith("<http")
    assert "/abonneren/afmelden/" in header
    assert token in header
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link_path(mail.get_content(), "/abonneren/afmelden/")
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED


def test_a_subscribers_sms_ends_with_the_stop_link(client, gateway, news_template, committed):
    subscription = _active("sms", "+32470123456")
    with committed():
        subscriber_message_send(
            subscription=subscription, template="news-test", context={}, topic="alerts"
        )
    text = gateway.received[-1].fields()["text"]
    path = link_path(text, "/abonneren/afmelden/")
    assert text.rstrip().endswith(path.rstrip("/") + "/")
    page = client.get(path)
    assert page.status_code == 200
    assert b"Unsubscribe" in page.content


def test_pending_subscriptions_never_confirmed_are_removed_after_seven_days(client, templates):
    with freeze_time(timezone.now() - datetime.timedelta(days=8)):
        client.post(
            "/abonneren/",
            {
                "email": "old@example.org",
                "all_topics": "on",
                "audiences": ["residents"],
                "frequency": "daily",
                "consent": "on",
            },
        )
    client.post(
        "/abonneren/",
        {
            "email": "new@example.org",
            "all_topics": "on",
            "audiences": ["residents"],
            "frequency": "daily",
            "consent": "on",
        },
    )
    kept = _active("email", "kept@example.org")
    assert subscriptions_purge_pending() == 1
    assert set(Subscriber.objects.values_list("address", flat=True)) == {
        "new@example.org",
        "kept@example.org",
    }
    assert Subscription.objects.filter(pk=kept.pk).exists()
    call_command("purge_pending_subscriptions")  # nothing more to remove
    assert Subscription.objects.count() == 2


def test_a_consent_record_is_never_changed(templates):
    subscription = _active("email", "ana@example.org")
    record = ConsentRecord.objects.create(
        subscription=subscription, action="given", via="form", wording="Ja.", language="nl"
    )
    record.wording = "Nee."
    with pytest.raises(ValueError, match="never changed"):
        record.save()
    assert reverse("news_subscriptions:subscribe_sms") == SUBSCRIBE_SMS


def test_a_residents_message_goes_to_the_registers_address_now(smtp, news_template, committed):
    person = PersonFactory(email="old@example.org")
    subscription = my_subscription_save(
        person=person,
        channel="email",
        choices=Choices(topic_ids=(), all_topics=True, audiences=("residents",)),
        wording="Ja.",
        language="nl",
    )
    person_update(
        person=person, changes={"email": "new@example.org"}, actor=None, source=Source.RESIDENT
    )
    subscription.refresh_from_db()
    with committed():
        subscriber_message_send(
            subscription=subscription, template="news-test", context={}, topic="news"
        )
    assert len(smtp.to("new@example.org")) == 1
    assert not smtp.to("old@example.org")
    person_update(person=person, changes={"email": ""}, actor=None, source=Source.RESIDENT)
    subscription.refresh_from_db()
    with pytest.raises(MessagingError, match="no address for this subscription"):
        subscriber_message_send(
            subscription=subscription, template="news-test", context={}, topic="news"
        )
