"""gateways_configured: TOWNHALL_SMS["GATEWAYS"] becomes checked gateway instances."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.errors import ForgedReceipt
from townhall.messaging.sms import register as project_register
from townhall.messaging.sms.configuration import gateways_configured
from townhall.messaging.sms.failover import sms_send
from townhall.messaging.sms.gateways import Registry, SmsGateway
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway


@pytest.fixture
def registry():
    fresh = Registry()

    @fresh("recorder")
    class RecordingGateway(SmsGateway):
        def __init__(self, *, answer: str, note: str = "", **base):
            super().__init__(**base)
            self.answer = answer

        def send(self, *, to, text, sender_id, reference):
            return self.answer

        def receipt_parse(self, *, body, headers, url):
            raise ForgedReceipt("This test gateway signs no receipts.")

    return fresh


def test_the_project_registers_its_adapters():
    assert {"generic-http", "twilio", "demo-capture"} <= {cls.adapter for cls in project_register}


def test_gateways_are_built_from_the_setting(settings, registry):
    settings.TOWNHALL_SMS = {
        "TIMEOUT": (2, 5),
        "GATEWAYS": [
            {"NAME": "a", "ADAPTER": "recorder", "ANSWER": "id-a", "PRIORITY": 2, "WEIGHT": 3},
            {"NAME": "b", "ADAPTER": "recorder", "ANSWER": "id-b", "TIMEOUT": 1},
        ],
    }

    a, b = gateways_configured(registry=registry)

    assert (a.name, a.adapter, a.answer, a.priority, a.weight) == ("a", "recorder", "id-a", 2, 3)
    assert a.timeout == (2.0, 5.0)
    assert (b.priority, b.weight, b.timeout) == (1, 1, (1.0, 1.0))


def test_no_setting_means_no_gateways(settings):
    del settings.TOWNHALL_SMS
    assert gateways_configured() == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("recorder", "GATEWAYS #1 is not a dict"),
        ({"ADAPTER": "recorder", "ANSWER": "x"}, "GATEWAYS #1 needs a NAME"),
        ({"NAME": "a", "ADAPTER": "smoke-signals"}, "No SMS gateway adapter is registered as"),
        ({"NAME": "a", "ADAPTER": "recorder"}, "missing a required argument: 'answer'"),
        ({"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x", "URL": "u"}, "unknown options URL"),
        ({"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x", "WEIGHT": 0}, "WEIGHT must be"),
        ({"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x", "PRIORITY": "1"}, "PRIORITY must"),
        ({"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x", "TIMEOUT": (1,)}, "TIMEOUT must"),
        ({"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x", "TIMEOUT": -1}, "TIMEOUT must"),
    ],
)
def test_bad_configuration_says_what_is_wrong(registry, entry, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        gateways_configured(config=[entry], registry=registry)


def test_two_gateways_cannot_share_a_name(registry):
    entry = {"NAME": "a", "ADAPTER": "recorder", "ANSWER": "x"}
    with pytest.raises(ImproperlyConfigured, match="Two SMS gateways are named 'a'"):
        gateways_configured(config=[entry, entry], registry=registry)


def test_an_adapters_own_checks_surface_as_improperly_configured():
    entry = {"NAME": "p", "ADAPTER": "generic-http", "URL": "https://x", "AUTH": "bearer"}
    with pytest.raises(ImproperlyConfigured, match="SMS gateway 'p': AUTH bearer needs TOKEN"):
        gateways_configured(config=[entry])


def test_sms_send_uses_the_configured_gateways(settings):
    with FakeSmsGateway("generic") as fake:
        settings.TOWNHALL_SMS = {
            "GATEWAYS": [
                {
                    "NAME": "primary",
                    "ADAPTER": "generic-http",
                    "URL": fake.url,
                    "AUTH": "bearer",
                    "TOKEN": "t0ken",
                    "TIMEOUT": (0.5, 0.5),
                }
            ]
        }

        sent = sms_send(to="+32470123456", text="Hallo", sender_id="Townhall", reference="r")

    assert (sent.gateway, sent.provider_reference) == ("primary", "gw-1")
    assert fake.received[0].headers["authorization"] == "Bearer t0ken"
