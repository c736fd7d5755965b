"""Any other network through a webhook: ``@register("webhook")``.

One ``POST`` of JSON to the configured ``URL`` per post::

    {"id": "<our post's uuid>", "text": "...", "link": "https://...",
     "language": "nl", "source": "news.publication:<uuid>"}

with the headers ``Idempotency-Key`` (the same on every attempt of a post: the
receiver must post once per key) and ``X-Townhall-Signature``:
``sha256=`` and the hex HMAC-SHA256 of the raw body with the shared secret, so
the receiver knows the post comes from us. A 2xx answer means posted; its JSON
may give ``id`` and ``url`` of the post on the network. A 429 is tried again
after its ``Retry-After``, a 5xx, a time-out or a refused connection later with
growing waits; any other answer fails the post with the receiver's text.
"""

import hashlib
import hmac
import json

import requests

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.social.channels import (
    Outgoing,
    Posted,
    RateLimited,
    SocialChannel,
    register,
    retry_after_parse,
)

SIGNATURE_HEADER = "X-Townhall-Signature"


def signature_of(secret: str, body: bytes) -> str:
    """The value of the signature header for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@register("webhook")
class WebhookChannel(SocialChannel):
    """A receiver at ``url`` that shares ``secret`` with us; ``max_length`` optional."""

    label = "Webhook"

    def __init__(self, *, url: str, secret: str, max_length: int | None = None, **base) -> None:
        super().__init__(**base)
        self.url = url
        self.secret = secret
        self.limit = max_length

    @property
    def max_length(self) -> int | None:  # type: ignore[override]
        return self.limit

    def post(self, outgoing: Outgoing) -> Posted:
        body = json.dumps(
            {
                "id": outgoing.id,
                "text": outgoing.text,
                "link": outgoing.link,
                "language": outgoing.language,
                "source": outgoing.source,
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": outgoing.idempotency_key,
            SIGNATURE_HEADER: signature_of(self.secret, body),
        }
        try:
            response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise TemporaryFailure(f"Webhook {self.code!r} did not answer: {error}") from None
        status = response.status_code
        if 200 <= status < 300:
            answer = _json(response)
            return Posted(
                remote_id=str(answer.get("id") or "")[:200], remote_url=_url(answer.get("url"))
            )
        text = response.text.strip()[:300] or response.reason
        if status == 429:
            raise RateLimited(
                f"Webhook {self.code!r}: too many posts for now (429).",
                retry_after=retry_after_parse(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise TemporaryFailure(f"Webhook {self.code!r}: {status} {text}")
        raise PermanentFailure(f"Webhook {self.code!r} refused the post: {status} {text}")


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _url(value) -> str:
    value = str(value or "")
    return value[:500] if value.startswith(("https://", "http://")) else ""
