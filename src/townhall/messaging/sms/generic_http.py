"""A gateway for any provider with a plain HTTP API: ``@register("generic-http")``.

Sending: one POST to ``URL``, the message as a JSON object or a form, with
Basic or bearer authentication. ``FIELDS`` maps our four values (``to``,
``text``, ``sender_id``, ``reference``) to the provider's field names (an
empty name leaves a value out); ``EXTRA_FIELDS`` adds constant ones. A 2xx
answer is a JSON object whose ``ID_FIELD`` (a dotted path such as
``messages.0.id``) is the provider's message id; on a 4xx, ``ERROR_FIELD``
carries its reason.

Receipts: the provider POSTs JSON or a form to our receipt URL, signed with
the shared ``RECEIPT_SECRET``:

- header ``X-Timestamp`` (``RECEIPT_TIMESTAMP_HEADER``): Unix seconds;
- header ``X-Signature`` (``RECEIPT_SIGNATURE_HEADER``): the hex HMAC-SHA256
  of ``timestamp + "." + raw body`` (an optional ``sha256=`` prefix is
  ignored).

A receipt more than ``RECEIPT_MAX_AGE`` seconds (300) from now either way is
refused, so a captured receipt cannot be replayed later. For a provider that
sends no timestamp, set ``RECEIPT_TIMESTAMP_HEADER`` to ``""``: the signature
then covers the raw body alone (and replays are possible). Without a secret
every receipt is refused. ``RECEIPT_FIELDS`` names the receipt's fields;
``RECEIPT_STATUSES`` lists the provider's words for delivered and failed
(compared case-insensitively); anything else means pending.
"""

import logging
import time
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.errors import ForgedReceipt, MessagingError
from townhall.messaging.sms.gateways import DeliveryReport, register
from townhall.messaging.sms.receipts import (
    headers_lowercase,
    hmac_sha256_hex,
    receipt_fields,
    signature_check,
)
from townhall.messaging.sms.transport import HttpSmsGateway, json_or_empty

logger = logging.getLogger(__name__)

DEFAULT_FIELDS = {"to": "to", "text": "text", "sender_id": "from", "reference": "reference"}
DEFAULT_RECEIPT_FIELDS = {"provider_reference": "id", "status": "status", "reason": "reason"}
DEFAULT_RECEIPT_STATUSES = {
    "delivered": ["delivered", "DELIVRD"],
    "failed": ["failed", "undelivered", "rejected", "expired", "UNDELIV", "REJECTD", "EXPIRED"],
}


@register("generic-http")
class GenericHttpGateway(HttpSmsGateway):
    """A provider configured by URL, authentication and field mapping."""

    def __init__(
        self,
        *,
        url: str,
        auth: str = "none",
        username: str = "",
        password: str = "",
        token: str = "",
        body: str = "json",
        fields: Mapping[str, str] | None = None,
        extra_fields: Mapping[str, Any] | None = None,
        id_field: str = "id",
        error_field: str = "message",
        receipt_secret: str = "",
        receipt_signature_header: str = "X-Signature",
        receipt_timestamp_header: str = "X-Timestamp",
        receipt_max_age: int = 300,
        receipt_fields: Mapping[str, str] | None = None,
        receipt_statuses: Mapping[str, list[str]] | None = None,
        **base: Any,
    ) -> None:
        super().__init__(**base)
        problem = _problem(url=url, auth=auth, username=username, token=token, body=body)
        unknown = set(fields or {}) - set(DEFAULT_FIELDS)
        if unknown:
            problem = f"FIELDS has unknown keys {sorted(unknown)}"
        if problem:
            raise ImproperlyConfigured(f"SMS gateway {self.name!r}: {problem}.")
        self.url = url
        self.auth = {"basic": (username, password), "bearer": None, "none": None}[auth]
        self.headers = {"Authorization": f"Bearer {token}"} if auth == "bearer" else {}
        self.body = body
        self.fields = {**DEFAULT_FIELDS, **(fields or {})}
        self.extra_fields = dict(extra_fields or {})
        self.id_field = id_field
        self.error_field = error_field
        self.receipt_secret = receipt_secret
        self.receipt_signature_header = receipt_signature_header.lower()
        self.receipt_timestamp_header = receipt_timestamp_header.lower()
        self.receipt_max_age = receipt_max_age
        self.receipt_fields = {**DEFAULT_RECEIPT_FIELDS, **(receipt_fields or {})}
        statuses = receipt_statuses or DEFAULT_RECEIPT_STATUSES
        self.receipt_statuses = {
            word.lower(): status for status, words in statuses.items() for word in words
        }

    def send(self, *, to: str, text: str, sender_id: str, reference: str) -> str:
        """POST the message; return the id found at ``ID_FIELD``."""
        values = {"to": to, "text": text, "sender_id": sender_id, "reference": reference}
        payload = dict(self.extra_fields)
        payload.update({self.fields[key]: values[key] for key in values if self.fields[key]})
        body = {"json": payload} if self.body == "json" else {"data": payload}
        response = self._post(self.url, auth=self.auth, headers=self.headers, **body)
        answer = json_or_empty(response)
        if not 200 <= response.status_code < 300:
            raise self._refusal(response, to=to, reason=str(_field(answer, self.error_field)))
        provider_reference = str(_field(answer, self.id_field))
        if not provider_reference:
            # Accepted, so sending again would duplicate it; receipts cannot be matched though.
            logger.warning("SMS gateway %s accepted a message without an id.", self.name)
        return provider_reference

    def receipt_parse(self, *, body: bytes, headers: Mapping[str, str], url: str) -> DeliveryReport:
        """Check the HMAC-SHA256 signature and the timestamp, then read the fields."""
        if not self.receipt_secret:
            raise ForgedReceipt(f"SMS gateway {self.name!r} has no receipt secret.")
        headers = headers_lowercase(headers)
        signed = body
        if self.receipt_timestamp_header:
            stamp = headers.get(self.receipt_timestamp_header, "").strip()
            signed = stamp.encode() + b"." + body
        given = headers.get(self.receipt_signature_header, "").strip().removeprefix("sha256=")
        signature_check(expected=hmac_sha256_hex(self.receipt_secret, signed), given=given)
        if self.receipt_timestamp_header and not _fresh(stamp, max_age=self.receipt_max_age):
            raise ForgedReceipt("The receipt's timestamp is missing or too old.")
        data = receipt_fields(body, content_type=headers.get("content-type", ""))
        provider_reference = str(_field(data, self.receipt_fields["provider_reference"]))
        if not provider_reference:
            raise MessagingError("The receipt names no message.")
        word = str(_field(data, self.receipt_fields["status"])).lower()
        status = self.receipt_statuses.get(word, "pending")
        reason = str(_field(data, self.receipt_fields["reason"])) if status == "failed" else ""
        return DeliveryReport(self.name, provider_reference, status, reason[:300])


def _problem(*, url: str, auth: str, username: str, token: str, body: str) -> str:
    if not url.startswith(("https://", "http://")):
        return "URL must be an http(s) address"
    if auth not in ("none", "basic", "bearer"):
        return "AUTH must be none, basic or bearer"
    if auth == "basic" and not username:
        return "AUTH basic needs USERNAME"
    if auth == "bearer" and not token:
        return "AUTH bearer needs TOKEN"
    if body not in ("json", "form"):
        return "BODY must be json or form"
    return ""


def _fresh(stamp: str, *, max_age: int) -> bool:
    """Unix seconds within ``max_age`` of now, either way (clocks drift)."""
    return stamp.isdigit() and abs(time.time() - int(stamp)) <= max_age


def _field(data: Any, path: str) -> Any:
    """The value at a dotted path (``messages.0.id``), or ``""`` when absent."""
    for part in path.split(".") if path else []:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return ""
    return "" if data is None or not path else data
