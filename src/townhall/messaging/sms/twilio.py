"""Twilio Programmable Messaging: ``@register("twilio")``.

Sending: a form-encoded POST to
``{BASE_URL}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json`` with Basic
authentication (account SID, auth token) and ``To``, ``Body``, ``From`` (our
sender id: a number or an alphanumeric sender id) or ``MessagingServiceSid``,
and ``StatusCallback`` when configured. Twilio answers 201 with the Message
resource, whose ``sid`` (``SM…``) is the provider reference; an error is a
JSON object with ``code`` and ``message``. Twilio has no field for our own
reference, so it is not sent: receipts are matched by ``sid``.

Receipts (status callbacks): a form POST with ``MessageSid``,
``MessageStatus`` and, on failure, ``ErrorCode``, signed in the
``X-Twilio-Signature`` header: base64 of HMAC-SHA1, keyed with the auth token,
over the full callback URL followed by every POST parameter, sorted by name,
as name and value concatenated.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.errors import MessagingError, TemporaryFailure
from townhall.messaging.sms.gateways import DeliveryReport, register
from townhall.messaging.sms.numbers import reason_masked
from townhall.messaging.sms.receipts import headers_lowercase, signature_check
from townhall.messaging.sms.transport import HttpSmsGateway, json_or_empty

# Error codes that are about our account or sender, not the message: another
# gateway may well deliver it. (20003 authentication, 20429 too many requests,
# 21212/21606 the From is not ours, 21408 the region is not enabled.)
_ACCOUNT_TROUBLE = {20003, 20429, 21212, 21408, 21606}
# Twilio's MessageStatus in our three words; queued, sending, sent... are pending.
_STATUSES = {
    "delivered": "delivered",
    "read": "delivered",
    "failed": "failed",
    "undelivered": "failed",
    "canceled": "failed",
}


@register("twilio")
class TwilioGateway(HttpSmsGateway):
    """Twilio's Messages resource, API version 2010-04-01."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        base_url: str = "https://api.twilio.com",
        messaging_service_sid: str = "",
        status_callback: str = "",
        **base: Any,
    ) -> None:
        super().__init__(**base)
        if not (account_sid and auth_token):
            raise ImproperlyConfigured(
                f"SMS gateway {self.name!r}: ACCOUNT_SID and AUTH_TOKEN are required."
            )
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback

    def send(self, *, to: str, text: str, sender_id: str, reference: str) -> str:
        """Create a Message resource; return its ``sid``."""
        data = {"To": to, "Body": text}
        if self.messaging_service_sid:
            data["MessagingServiceSid"] = self.messaging_service_sid
        if sender_id or not self.messaging_service_sid:
            data["From"] = sender_id
        if self.status_callback:
            data["StatusCallback"] = self.status_callback
        response = self._post(self.url, data=data, auth=(self.account_sid, self.auth_token))
        answer = json_or_empty(response)
        if response.status_code in (200, 201) and answer.get("sid"):
            return str(answer["sid"])
        code = answer.get("code")
        reason = f"{answer.get('message', '')} (Twilio error {code})" if code else ""
        if code in _ACCOUNT_TROUBLE:
            reason = reason_masked(reason, number=to)
            raise TemporaryFailure(f"{self.name}: HTTP {response.status_code} {reason}")
        raise self._refusal(response, to=to, reason=reason)

    def receipt_parse(self, *, body: bytes, headers: Mapping[str, str], url: str) -> DeliveryReport:
        """Check ``X-Twilio-Signature`` over URL and parameters, then read the status."""
        try:
            params = parse_qsl(body.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            params = None
        given = headers_lowercase(headers).get("x-twilio-signature")
        expected = twilio_signature(auth_token=self.auth_token, url=url, params=params or [])
        signature_check(expected=expected, given=given)
        if params is None:
            raise MessagingError("The receipt's body cannot be read.")
        fields = dict(params)
        sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
        if not sid:
            raise MessagingError("The receipt names no message.")
        status = _STATUSES.get(fields.get("MessageStatus", ""), "pending")
        code = fields.get("ErrorCode", "")
        reason = f"Twilio error {code}" if status == "failed" and code else ""
        return DeliveryReport(self.name, sid, status, reason)


def twilio_signature(*, auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """The ``X-Twilio-Signature`` Twilio computes for a POST to ``url`` with ``params``."""
    signed = url + "".join(name + value for name, value in sorted(set(params)))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
