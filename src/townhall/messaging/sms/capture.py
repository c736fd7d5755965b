"""The demo SMS capture: SMS sent in the demo is kept on disk, not delivered.

The ``demo-capture`` gateway writes each message as a JSON file in
``var/demo-sms/``; a demo-only page lists them with :func:`captured_sms`, so a
newcomer sees what residents would receive without any SMS provider. It sends
no receipts.
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from townhall.messaging.errors import ForgedReceipt
from townhall.messaging.sms.encoding import sms_length
from townhall.messaging.sms.gateways import DeliveryReport, SmsGateway, register


def capture_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-sms"


@dataclass(frozen=True)
class CapturedSms:
    """One SMS as the demo captured it."""

    name: str  # the file name
    provider_reference: str
    to: str
    sender_id: str
    text: str
    reference: str
    sent_at: datetime
    encoding: str
    segments: int


@register("demo-capture")
class DemoCaptureGateway(SmsGateway):
    """A gateway that files each SMS in the demo capture instead of sending it."""

    def send(self, *, to: str, text: str, sender_id: str, reference: str) -> str:
        """Write the message as one JSON file; return a generated id."""
        folder = capture_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent_at = timezone.now()
        provider_reference = f"demo-{uuid.uuid4().hex}"
        length = sms_length(text)
        record = {
            "provider_reference": provider_reference,
            "to": to,
            "sender_id": sender_id,
            "text": text,
            "reference": reference,
            "sent_at": sent_at.isoformat(),
            "length": asdict(length),
        }
        # The timestamp first, so names sort by time; the id keeps them unique.
        name = f"{sent_at.strftime('%Y%m%dT%H%M%S%f')}-{provider_reference}.json"
        (folder / name).write_text(
            json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return provider_reference

    def receipt_parse(self, *, body: bytes, headers: Mapping[str, str], url: str) -> DeliveryReport:
        """The capture sends no receipts, so any receipt claiming to be from it is forged."""
        raise ForgedReceipt("The demo SMS capture sends no receipts.")


def captured_sms(limit: int = 100) -> list[CapturedSms]:
    """The newest captured messages first."""
    folder = capture_dir()
    if not folder.exists():
        return []
    paths = sorted(folder.glob("*.json"), reverse=True)[:limit]
    return [_read(path) for path in paths]


def _read(path: Path) -> CapturedSms:
    record = json.loads(path.read_text(encoding="utf-8"))
    return CapturedSms(
        name=path.name,
        provider_reference=record["provider_reference"],
        to=record["to"],
        sender_id=record["sender_id"],
        text=record["text"],
        reference=record["reference"],
        sent_at=datetime.fromisoformat(record["sent_at"]),
        encoding=record["length"]["encoding"],
        segments=record["length"]["segments"],
    )
