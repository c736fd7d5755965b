import json

import pytest
from freezegun import freeze_time

from townhall.messaging.sms.capture import DemoCaptureGateway, capture_dir, captured_sms
from townhall.messaging.sms.failover import sms_send


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_nothing_captured_yet():
    assert captured_sms() == []


def test_a_captured_sms_is_one_json_file_read_back_newest_first():
    gateway = DemoCaptureGateway(name="demo")
    with freeze_time("2025-06-10 09:00:00"):
        first = gateway.send(to="+32470123456", text="Eerste", sender_id="Gemeente", reference="a")
    with freeze_time("2025-06-10 09:05:00"):
        second = gateway.send(
            to="+32470654321", text="Noël 🎄", sender_id="Gemeente", reference="b"
        )

    assert first.startswith("demo-")
    assert first != second
    files = sorted(capture_dir().glob("*.json"))
    assert len(files) == 2
    record = json.loads(files[1].read_text(encoding="utf-8"))
    assert record["text"] == "Noël 🎄"
    assert record["length"] == {
        "encoding": "UCS-2",
        "units": 7,
        "segments": 1,
        "per_segment": 70,
        "remaining": 63,
    }

    newest, oldest = captured_sms()
    assert (newest.provider_reference, newest.to, newest.text) == (
        second,
        "+32470654321",
        "Noël 🎄",
    )
    assert (newest.sender_id, newest.reference, newest.encoding) == ("Gemeente", "b", "UCS-2")
    assert newest.sent_at.isoformat() == "2025-06-10T09:05:00+00:00"
    assert (oldest.provider_reference, oldest.encoding, oldest.segments) == (first, "GSM-7", 1)
    assert [sms.name for sms in captured_sms(limit=1)] == [newest.name]


def test_sms_send_through_the_demo_capture():
    sent = sms_send(
        to="+32470123456",
        text="Uw identiteitskaart ligt klaar.",
        sender_id="Gemeente",
        reference="msg-1",
        gateways=[DemoCaptureGateway(name="demo")],
    )

    [captured] = captured_sms()
    assert sent.gateway == "demo"
    assert captured.provider_reference == sent.provider_reference
