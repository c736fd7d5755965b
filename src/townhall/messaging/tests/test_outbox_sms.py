"""SMS through the outbox: a gateway down for ten minutes, an invalid number, quiet hours."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time

from townhall.messaging.delivery import messages_sweep
from townhall.messaging.models import Message
from townhall.messaging.services import message_send
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.fixture(autouse=True)
def _setup(db):
    municipality_for_tests()
    cache.clear()  # the gateways' cool-downs
    yield
    cache.clear()


@pytest.fixture
def gateway(settings):
    with FakeSmsGateway("generic") as server:
        settings.TOWNHALL_SMS = {
            **settings.TOWNHALL_SMS,
            "QUIET_HOURS": ("00:00", "00:00"),
            "TIMEOUT": (2.0, 2.0),  # generous: a loaded machine answers late
            "GATEWAYS": [{"NAME": "primary", "ADAPTER": "generic-http", "URL": server.url}],
        }
        yield server


def test_a_gateway_down_for_ten_minutes_delays_the_text_and_sends_it_once(
    gateway, templates, committed
):
    person = PersonFactory(email="", mobile="+32470123456")
    gateway.fail_with(503)
    start = timezone.now()

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING
    assert "primary" in message.reason

    # Every due retry in the ten minutes fails, and is put back with a longer wait.
    for minutes in (1, 3, 7):
        with freeze_time(start + datetime.timedelta(minutes=minutes, seconds=5)), committed():
            cache.clear()
            messages_sweep()
        message.refresh_from_db()
        assert message.state == Message.State.RETRYING
    gateway.fail_with(0)  # back after ten minutes
    with freeze_time(start + datetime.timedelta(minutes=16)), committed():
        cache.clear()
        messages_sweep()

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.provider == "sms:primary"
    delivered = [r for r in gateway.received if r.fields().get("to") == "+32470123456"]
    accepted = len(delivered) - 4  # the four refused attempts reached the fake too
    assert accepted == 1


def test_an_invalid_mobile_number_fails_permanently_with_its_reason(gateway, templates, committed):
    person = PersonFactory(email="", mobile="+3250123456")  # a fixed line: cannot take a text

    with committed():
        message = message_send(recipient=person, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.reason
    assert "+3250123456" not in message.reason  # the number is masked
    assert gateway.received == []


def test_a_non_urgent_text_waits_for_the_end_of_the_quiet_hours(
    gateway, templates, committed, settings
):
    settings.TOWNHALL_SMS = {**settings.TOWNHALL_SMS, "QUIET_HOURS": ("21:00", "08:00")}
    person = PersonFactory(email="", mobile="+32470123456")
    late = datetime.datetime(2026, 11, 30, 22, 30, tzinfo=datetime.UTC)  # 23:30 in Brussels

    with freeze_time(late), committed():
        quiet = message_send(recipient=person, template="decision", context=DECISION)
        urgent = message_send(recipient=person, template="decision", context=DECISION, urgent=True)

    quiet.refresh_from_db()
    urgent.refresh_from_db()
    assert quiet.state == Message.State.QUEUED
    assert quiet.next_attempt_at == datetime.datetime(2026, 12, 1, 7, 0, tzinfo=datetime.UTC)
    assert urgent.state == Message.State.SENT
    assert len(gateway.received) == 1
