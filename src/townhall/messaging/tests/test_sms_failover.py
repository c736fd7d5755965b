"""sms_send: number check, failover between real local servers, weights, circuit breaker."""

import random
from collections import Counter

import pytest
from django.core.cache import cache
from freezegun import freeze_time

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.sms.capture import DemoCaptureGateway
from townhall.messaging.sms.failover import SmsSent, gateways_in_order, sms_send
from townhall.messaging.sms.generic_http import GenericHttpGateway
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway, closed_port_url

NUMBER = "+32470123456"


@pytest.fixture(autouse=True)
def _no_cool_downs():
    cache.clear()  # the breaker's memory, in the local-memory cache of this process
    yield
    cache.clear()


@pytest.fixture
def primary():
    with FakeSmsGateway("generic") as server:
        yield server


@pytest.fixture
def backup():
    with FakeSmsGateway("generic") as server:
        yield server


# Generous enough for a loaded test machine: a fake that answers late is a timeout,
# and a timeout is a failover, so a short one made these tests flaky under load.
TIMEOUT = (2.0, 2.0)


def http(name, url, priority=1, weight=1, timeout=TIMEOUT):
    return GenericHttpGateway(name=name, url=url, priority=priority, weight=weight, timeout=timeout)


def send(gateways, text="Uw aanvraag is goedgekeurd."):
    return sms_send(to=NUMBER, text=text, sender_id="Townhall", reference="m-1", gateways=gateways)


def test_the_first_gateway_that_answers_takes_the_message(primary, backup):
    sent = send([http("backup", backup.url, priority=2), http("primary", primary.url)])

    assert sent == SmsSent(gateway="primary", provider_reference="gw-1")
    assert (len(primary.received), len(backup.received)) == (1, 0)


def test_a_server_error_fails_over_and_the_message_arrives_once(primary, backup):
    primary.fail_with(500)

    sent = send([http("primary", primary.url), http("backup", backup.url, priority=2)])

    assert sent == SmsSent(gateway="backup", provider_reference="gw-1")
    assert len(primary.received) == 1
    [arrived] = backup.received
    assert arrived.json()["to"] == NUMBER


def test_a_timeout_fails_over(primary, backup):
    primary.hang(2)

    sent = send(
        [http("primary", primary.url, timeout=(0.5, 0.5)), http("backup", backup.url, priority=2)]
    )

    assert sent.gateway == "backup"
    assert len(backup.received) == 1


def test_a_permanent_failure_stops_without_trying_another_gateway(primary, backup):
    primary.invalid_numbers.add(NUMBER)

    with pytest.raises(PermanentFailure, match="Invalid destination number"):
        send([http("primary", primary.url), http("backup", backup.url, priority=2)])
    assert backup.received == []


def test_when_all_fail_the_failure_names_each_gateways_reason(primary):
    primary.fail_with(500)

    with pytest.raises(TemporaryFailure) as caught:
        send([http("primary", primary.url), http("backup", closed_port_url(), priority=2)])

    assert str(caught.value) == (
        "No SMS gateway took the message: primary: HTTP 500 Internal error; backup: cannot connect"
    )


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+3247012", "******** is not a valid phone number in international format."),
        ("0470123456", "047012****56 is not a valid phone number in international format."),
        ("+3247012345678", "+32470****78 is not a valid phone number in international format."),
        ("+3250123456", "+32501****56 is not a mobile number."),  # Bruges, a fixed line
    ],
)
def test_a_number_that_cannot_receive_an_sms_is_refused_before_any_gateway(primary, number, reason):
    with pytest.raises(PermanentFailure) as caught:
        sms_send(
            to=number, text="x", sender_id="T", reference="m", gateways=[http("p", primary.url)]
        )

    assert str(caught.value) == reason
    assert primary.received == []


def test_a_number_is_sent_in_e164(primary):
    sms_send(
        to="+32 470 12 34 56",
        text="x",
        sender_id="T",
        reference="m",
        gateways=[http("primary", primary.url)],
    )

    assert primary.received[0].json()["to"] == NUMBER


def test_an_empty_text_is_refused(primary):
    with pytest.raises(PermanentFailure, match=r"The message is empty\."):
        send([http("primary", primary.url)], text="")


def test_without_gateways_the_failure_is_temporary():
    with pytest.raises(TemporaryFailure, match=r"No SMS gateway is configured\."):
        send([])


def test_within_a_priority_the_weights_share_the_first_place():
    heavy = DemoCaptureGateway(name="heavy", weight=3)
    light = DemoCaptureGateway(name="light", weight=1)
    fallback = DemoCaptureGateway(name="fallback", priority=2, weight=100)
    rng = random.Random(20240101)

    orders = [gateways_in_order([fallback, light, heavy], rng=rng) for _ in range(8000)]

    firsts = Counter(order[0].name for order in orders)
    assert firsts["heavy"] / 8000 == pytest.approx(0.75, abs=0.02)
    assert all(order[2] is fallback for order in orders)
    assert all({order[0], order[1]} == {heavy, light} for order in orders)


def test_the_same_seed_gives_the_same_order():
    gateways = [DemoCaptureGateway(name=name, weight=2) for name in "abcde"]

    first = gateways_in_order(gateways, rng=random.Random(7))
    assert gateways_in_order(gateways, rng=random.Random(7)) == first


def test_a_failed_gateway_is_skipped_during_its_cool_down(primary, backup, settings):
    settings.TOWNHALL_SMS = {"COOL_DOWN_SECONDS": 60}
    primary.fail_with(500)
    gateways = [http("primary", primary.url), http("backup", backup.url, priority=2)]

    with freeze_time("2025-05-05 10:00:00", tick=True) as clock:
        send(gateways)
        send(gateways)
        send(gateways)
        assert (len(primary.received), len(backup.received)) == (1, 3)

        clock.move_to("2025-05-05 10:01:01")
        send(gateways)
        assert (len(primary.received), len(backup.received)) == (2, 4)


def test_when_every_gateway_cools_down_all_are_tried(primary):
    primary.fail_with(500)
    gateways = [http("primary", primary.url)]

    for _ in range(2):
        with pytest.raises(TemporaryFailure):
            send(gateways)

    assert len(primary.received) == 2


def test_a_cooling_gateway_is_still_tried_when_the_others_fail(primary, backup):
    primary.fail_with(500)
    gateways = [http("primary", primary.url), http("backup", backup.url, priority=2)]
    send(gateways)  # the primary cools down
    backup.fail_with(500)
    primary.fail_with(0)

    assert send(gateways).gateway == "primary"  # backup first, then the cooling primary
    assert (len(primary.received), len(backup.received)) == (2, 2)

    backup.fail_with(0)
    assert send(gateways).gateway == "primary"  # its success ended the cool-down
    assert (len(primary.received), len(backup.received)) == (3, 2)
