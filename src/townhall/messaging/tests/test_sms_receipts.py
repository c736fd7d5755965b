"""Signed delivery receipts of the generic HTTP adapter, and dispatch by gateway name."""

import hashlib
import hmac
import time

import pytest

from townhall.messaging.errors import ForgedReceipt
from townhall.messaging.sms.capture import DemoCaptureGateway
from townhall.messaging.sms.gateways import DeliveryReport, UnknownGateway
from townhall.messaging.sms.generic_http import GenericHttpGateway
from townhall.messaging.sms.receipts import sms_receipt_parse
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway

SECRET = "receipt-shared-secret"
URL = "https://townhall.example/messaging/sms/receipts/primary/"
receipt = FakeSmsGateway.receipt_generic


def gateway(**options):
    options.setdefault("receipt_secret", SECRET)
    return GenericHttpGateway(name="primary", url="https://sms.example/send", **options)


def parse(gateway, body, headers):
    return gateway.receipt_parse(body=body, headers=headers, url=URL)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"id": "gw-1", "status": "delivered"}, DeliveryReport("primary", "gw-1", "delivered")),
        ({"id": "gw-1", "status": "DELIVRD"}, DeliveryReport("primary", "gw-1", "delivered")),
        (
            {"id": "gw-1", "status": "failed", "reason": "absent subscriber"},
            DeliveryReport("primary", "gw-1", "failed", "absent subscriber"),
        ),
        ({"id": "gw-1", "status": "buffered"}, DeliveryReport("primary", "gw-1", "pending")),
    ],
)
def test_a_signed_receipt_is_read(fields, expected):
    assert parse(gateway(), *receipt(secret=SECRET, fields=fields)) == expected


def test_header_names_are_case_insensitive():
    body, headers = receipt(secret=SECRET, fields={"id": "gw-1", "status": "delivered"})
    headers = {name.upper(): value for name, value in headers.items()}

    assert parse(gateway(), body, headers).status == "delivered"


def test_receipt_fields_and_statuses_are_configurable():
    configured = gateway(
        receipt_fields={"provider_reference": "data.messageId", "status": "data.state"},
        receipt_statuses={"delivered": ["ok"], "failed": ["ko"]},
    )
    body, headers = receipt(secret=SECRET, fields={"data": {"messageId": "x9", "state": "OK"}})

    assert parse(configured, body, headers) == DeliveryReport("primary", "x9", "delivered")


def test_without_a_timestamp_the_signature_covers_the_raw_body():
    body = b"id=gw-1&status=delivered"
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Signature": f"sha256={signature}",
    }

    report = parse(gateway(receipt_timestamp_header=""), body, headers)

    assert report == DeliveryReport("primary", "gw-1", "delivered")


def test_a_receipt_without_signature_is_forged():
    body, headers = receipt(secret=SECRET, fields={"id": "gw-1", "status": "delivered"})
    del headers["X-Signature"]

    with pytest.raises(ForgedReceipt, match="no signature"):
        parse(gateway(), body, headers)


def test_a_receipt_signed_with_another_secret_is_forged():
    body, headers = receipt(secret="guessed", fields={"id": "gw-1", "status": "delivered"})

    with pytest.raises(ForgedReceipt, match="does not match"):
        parse(gateway(), body, headers)


def test_a_tampered_body_is_forged():
    body, headers = receipt(secret=SECRET, fields={"id": "gw-1", "status": "failed"})

    with pytest.raises(ForgedReceipt, match="does not match"):
        parse(gateway(), body.replace(b"failed", b"delivered"), headers)


def test_a_tampered_timestamp_is_forged():
    body, headers = receipt(secret=SECRET, fields={"id": "gw-1", "status": "delivered"})
    headers["X-Timestamp"] = str(int(headers["X-Timestamp"]) + 1)

    with pytest.raises(ForgedReceipt, match="does not match"):
        parse(gateway(), body, headers)


@pytest.mark.parametrize("age", [301, -301])
def test_a_receipt_older_or_newer_than_five_minutes_is_refused(age):
    fields = {"id": "gw-1", "status": "delivered"}
    body, headers = receipt(secret=SECRET, fields=fields, stamp=int(time.time()) - age)

    with pytest.raises(ForgedReceipt, match="too old"):
        parse(gateway(), body, headers)


def test_a_receipt_just_within_five_minutes_is_accepted():
    fields = {"id": "gw-1", "status": "delivered"}
    body, headers = receipt(secret=SECRET, fields=fields, stamp=int(time.time()) - 290)

    assert parse(gateway(), body, headers).status == "delivered"


def test_without_a_secret_every_receipt_is_refused():
    body, headers = receipt(secret="", fields={"id": "gw-1", "status": "delivered"})

    with pytest.raises(ForgedReceipt, match="no receipt secret"):
        parse(gateway(receipt_secret=""), body, headers)


def test_the_demo_capture_sends_no_receipts():
    with pytest.raises(ForgedReceipt):
        DemoCaptureGateway(name="demo").receipt_parse(body=b"{}", headers={}, url=URL)


def test_a_receipt_goes_to_the_gateway_named_in_its_url():
    gateways = [DemoCaptureGateway(name="demo"), gateway()]
    body, headers = receipt(secret=SECRET, fields={"id": "gw-1", "status": "delivered"})

    report = sms_receipt_parse(
        gateway="primary", body=body, headers=headers, url=URL, gateways=gateways
    )

    assert report == DeliveryReport("primary", "gw-1", "delivered")
    with pytest.raises(UnknownGateway):
        sms_receipt_parse(gateway="other", body=body, headers=headers, url=URL, gateways=gateways)
