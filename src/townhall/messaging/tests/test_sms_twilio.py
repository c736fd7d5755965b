"""The Twilio adapter against a local fake of Twilio's Messages API."""

import pytest

from townhall.messaging.errors import ForgedReceipt, PermanentFailure, TemporaryFailure
from townhall.messaging.sms.twilio import TwilioGateway, twilio_signature
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway

NUMBER = "+32470123456"
TEXT = "Uw afspraak morgen om 10u is bevestigd."
CALLBACK = "https://townhall.example/messaging/sms/receipts/twilio/?x=1"


@pytest.fixture
def fake():
    with FakeSmsGateway("twilio") as server:
        yield server


def gateway(fake, **options):
    options = {
        "account_sid": fake.account_sid,
        "auth_token": fake.auth_token,
        "base_url": fake.url,
        "timeout": (0.5, 0.5),
        **options,
    }
    return TwilioGateway(name="twilio", **options)


def send(gateway, sender_id="Townhall"):
    return gateway.send(to=NUMBER, text=TEXT, sender_id=sender_id, reference="msg-7")


def test_send_creates_a_message_resource(fake):
    sid = send(gateway(fake, status_callback=CALLBACK))

    [request] = fake.received
    assert sid.startswith("SM")
    assert len(sid) == 34
    assert request.path == f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "To": NUMBER,
        "Body": TEXT,
        "From": "Townhall",
        "StatusCallback": CALLBACK,
    }


def test_a_messaging_service_picks_the_sender_when_none_is_given(fake):
    send(gateway(fake, messaging_service_sid="MG" + "0" * 32), sender_id="")

    assert fake.received[0].form() == {
        "To": NUMBER,
        "Body": TEXT,
        "MessagingServiceSid": "MG" + "0" * 32,
    }


def test_an_invalid_number_is_permanent_and_masked(fake):
    fake.invalid_numbers.add(NUMBER)

    with pytest.raises(PermanentFailure) as caught:
        send(gateway(fake))

    assert str(caught.value) == (
        "twilio refused the message to +32470****56: "
        "The 'To' number +32470****56 is not a valid phone number. (Twilio error 21211)"
    )


def test_a_wrong_auth_token_is_temporary(fake):
    with pytest.raises(TemporaryFailure, match=r"HTTP 401 Authenticate \(Twilio error 20003\)"):
        send(gateway(fake, auth_token="wrong"))


def test_a_server_error_is_temporary(fake):
    fake.fail_with(503, {"code": 20500, "message": "Internal Server Error", "status": 503})

    with pytest.raises(TemporaryFailure, match="HTTP 503"):
        send(gateway(fake))


def test_the_signature_matches_twilios_documented_example():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    signature = twilio_signature(
        auth_token="12345",
        url="https://mycompany.com/myapp.php?foo=1&bar=2",
        params=list(params.items()),
    )
    assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"MessageStatus": "delivered"}, "delivered", ""),
        ({"MessageStatus": "undelivered", "ErrorCode": "30003"}, "failed", "Twilio error 30003"),
        ({"MessageStatus": "failed", "ErrorCode": "30008"}, "failed", "Twilio error 30008"),
        ({"MessageStatus": "sent"}, "pending", ""),
        ({"MessageStatus": "queued"}, "pending", ""),
    ],
)
def test_a_signed_status_callback_is_read(fake, fields, status, reason):
    fields = {"MessageSid": "SM" + "a" * 32, "AccountSid": fake.account_sid, **fields}
    body, headers = fake.receipt_twilio(url=CALLBACK, fields=fields)

    report = gateway(fake).receipt_parse(body=body, headers=headers, url=CALLBACK)

    assert (report.gateway, report.provider_reference) == ("twilio", "SM" + "a" * 32)
    assert (report.status, report.reason) == (status, reason)


def signed_delivered(fake):
    return fake.receipt_twilio(
        url=CALLBACK, fields={"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered"}
    )


def test_a_callback_without_signature_is_forged(fake):
    body, _headers = signed_delivered(fake)

    with pytest.raises(ForgedReceipt, match="no signature"):
        gateway(fake).receipt_parse(body=body, headers={}, url=CALLBACK)


def test_a_tampered_callback_is_forged(fake):
    body, headers = signed_delivered(fake)
    body = body.replace(b"delivered", b"failed")

    with pytest.raises(ForgedReceipt, match="does not match"):
        gateway(fake).receipt_parse(body=body, headers=headers, url=CALLBACK)


def test_a_callback_signed_for_another_url_is_forged(fake):
    body, headers = signed_delivered(fake)

    with pytest.raises(ForgedReceipt):
        gateway(fake).receipt_parse(body=body, headers=headers, url=CALLBACK + "&y=2")


def test_a_callback_signed_with_another_token_is_forged(fake):
    body, headers = signed_delivered(fake)

    with pytest.raises(ForgedReceipt):
        gateway(fake, auth_token="another").receipt_parse(body=body, headers=headers, url=CALLBACK)
