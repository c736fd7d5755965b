"""Delivery receipts: a gateway calls us back to say whether a message arrived.

1. The lead's receipt view hands the raw body, headers and full URL to
   :func:`sms_receipt_parse` with the gateway's configured NAME (from the URL).
2. The gateway's adapter checks the signature with a constant-time compare and
   raises :class:`~townhall.messaging.errors.ForgedReceipt` when it is missing
   or wrong; a forged receipt changes nothing.
3. A genuine receipt becomes a :class:`DeliveryReport`, which the outbox
   matches to its message by ``provider_reference``.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from townhall.messaging.errors import ForgedReceipt, MessagingError
from townhall.messaging.sms.gateways import DeliveryReport, SmsGateway, UnknownGateway


def sms_receipt_parse(
    *,
    gateway: str,
    body: bytes,
    headers: Mapping[str, str],
    url: str,
    gateways: Iterable[SmsGateway] | None = None,
) -> DeliveryReport:
    """Read a receipt sent to the configured gateway named ``gateway``.

    Raises :class:`UnknownGateway` for a name not configured, ForgedReceipt for
    a bad signature.
    """
    from townhall.messaging.sms.configuration import gateways_configured

    for candidate in gateways_configured() if gateways is None else gateways:
        if candidate.name == gateway:
            return candidate.receipt_parse(body=body, headers=headers, url=url)
    raise UnknownGateway(f"No SMS gateway is configured as {gateway!r}.")


def headers_lowercase(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are case-insensitive; a plain dict is not."""
    return {name.lower(): value for name, value in headers.items()}


def signature_check(*, expected: str, given: str | None) -> None:
    """ForgedReceipt unless ``given`` equals ``expected``, compared in constant time."""
    if not given:
        raise ForgedReceipt("The receipt carries no signature.")
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise ForgedReceipt("The receipt's signature does not match.")


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def receipt_fields(body: bytes, *, content_type: str) -> dict[str, Any]:
    """A receipt's fields from a JSON object or a form-encoded body."""
    try:
        if "json" in content_type.lower():
            data = json.loads(body)
            if isinstance(data, dict):
                return data
            raise ValueError("not a JSON object")
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError):
        raise MessagingError("The receipt's body cannot be read.") from None
