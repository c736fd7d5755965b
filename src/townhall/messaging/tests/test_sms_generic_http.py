"""The generic HTTP adapter against a real local HTTP server."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.sms.generic_http import GenericHttpGateway
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway, closed_port_url

NUMBER = "+32470123456"
TEXT = "Uw paspoort ligt klaar aan het loket."


@pytest.fixture
def fake():
    with FakeSmsGateway("generic") as server:
        yield server


def gateway(url, **options):
    options.setdefault("timeout", (2.0, 2.0))  # generous: a loaded machine answers late
    return GenericHttpGateway(name="primary", url=url, **options)


def send(gateway):
    return gateway.send(to=NUMBER, text=TEXT, sender_id="Townhall", reference="msg-7")


def test_json_body_with_bearer_token(fake):
    reference = send(gateway(f"{fake.url}/v1/sms", auth="bearer", token="s3cret"))

    [request] = fake.received
    assert reference == "gw-1"
    assert request.path == "/v1/sms"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "to": NUMBER,
        "text": TEXT,
        "from": "Townhall",
        "reference": "msg-7",
    }


def test_form_body_with_basic_auth_field_mapping_and_nested_id(fake):
    reference = send(
        gateway(
            fake.url,
            auth="basic",
            username="townhall",
            password="pa:ss",
            body="form",
            fields={"to": "msisdn", "text": "message", "sender_id": "originator", "reference": ""},
            extra_fields={"type": "text"},
            id_field="messages.0.id",
        )
    )

    [request] = fake.received
    assert reference == "gw-1"
    assert (
        request.headers["authorization"] == "Basic " + base64.b64encode(b"townhall:pa:ss").decode()
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "msisdn": NUMBER,
        "message": TEXT,
        "originator": "Townhall",
        "type": "text",
    }


def test_a_server_error_is_temporary(fake):
    fake.fail_with(500, {"message": "Internal error"})

    with pytest.raises(TemporaryFailure, match=r"^primary: HTTP 500 Internal error$"):
        send(gateway(fake.url))


def test_too_many_requests_is_temporary(fake):
    fake.fail_with(429, {"message": "Slow down"})

    with pytest.raises(TemporaryFailure, match="429"):
        send(gateway(fake.url))


def test_wrong_credentials_are_temporary_so_another_gateway_is_tried(fake):
    fake.fail_with(401, {"message": "Unauthorized"})

    with pytest.raises(TemporaryFailure, match="401"):
        send(gateway(fake.url))


def test_a_timeout_is_temporary(fake):
    fake.hang(2)

    with pytest.raises(TemporaryFailure, match=r"no answer within 0\.2 s"):
        send(gateway(fake.url, timeout=(0.5, 0.2)))
    assert len(fake.received) == 1


def test_a_closed_port_is_temporary():
    with pytest.raises(TemporaryFailure, match=r"^primary: cannot connect$"):
        send(gateway(closed_port_url()))


def test_an_invalid_number_is_permanent_with_the_providers_reason_masked(fake):
    fake.invalid_numbers.add(NUMBER)

    with pytest.raises(PermanentFailure) as caught:
        send(gateway(fake.url))

    message = str(caught.value)
    assert message == (
        "primary refused the message to +32470****56: Invalid destination number +32470****56"
    )
    assert NUMBER not in message
    assert TEXT not in message


def test_an_accepted_message_without_an_id_is_not_sent_again(fake):
    assert send(gateway(fake.url, id_field="missing")) == ""


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"url": "ftp://x"}, "URL must be an http"),
        ({"url": "https://x", "auth": "digest"}, "AUTH must be"),
        ({"url": "https://x", "auth": "basic"}, "needs USERNAME"),
        ({"url": "https://x", "auth": "bearer"}, "needs TOKEN"),
        ({"url": "https://x", "body": "xml"}, "BODY must be"),
        ({"url": "https://x", "fields": {"number": "to"}}, "unknown keys"),
    ],
)
def test_bad_options_are_improperly_configured(options, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        GenericHttpGateway(name="primary", **options)
