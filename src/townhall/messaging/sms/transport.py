"""The HTTP round trip shared by the gateway adapters that speak HTTP.

Every request has a (connect, read) timeout. An answer is sorted the same way
for every provider:

- no answer, a refused connection, a time-out, 5xx, 429 and 408:
  :class:`TemporaryFailure` - the gateway is in trouble, another may not be;
- 401, 403, 404 and a redirect (never followed): also temporary - wrong
  credentials or URL are the gateway's configuration, not the message's
  fault; failover and the circuit breaker route around it while someone
  fixes it;
- any other 4xx: :class:`PermanentFailure` with the provider's reason
  (an invalid number, refused content).

Exceptions are raised ``from None``: a requests error repeats the URL, which
may carry an API key in its query.
"""

from collections.abc import Mapping
from typing import Any

import requests
from django.utils.translation import gettext

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.sms.gateways import SmsGateway
from townhall.messaging.sms.numbers import number_masked, reason_masked

_GATEWAY_TROUBLE = {401, 403, 404, 408, 425, 429}


class HttpSmsGateway(SmsGateway):
    """An :class:`SmsGateway` that posts to a provider over HTTP."""

    def _post(self, url: str, **kwargs: Any) -> requests.Response:
        """POST with the configured timeout; network trouble is a TemporaryFailure."""
        try:
            return requests.post(url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout:
            reason = gettext("no answer within %(seconds)s s") % {"seconds": self.timeout[1]}
        except requests.ConnectionError:
            reason = gettext("cannot connect")
        except requests.RequestException as error:
            reason = type(error).__name__
        raise TemporaryFailure(f"{self.name}: {reason}") from None

    def _refusal(self, response: requests.Response, *, to: str, reason: str) -> Exception:
        """The failure an unsuccessful answer means, naming the gateway, never the text."""
        reason = reason_masked(reason or response.reason or "", number=to)
        status = response.status_code
        if not 400 <= status < 500 or status in _GATEWAY_TROUBLE:
            return TemporaryFailure(f"{self.name}: HTTP {status} {reason}".rstrip())
        return PermanentFailure(
            gettext("%(gateway)s refused the message to %(number)s: %(reason)s")
            % {"gateway": self.name, "number": number_masked(to), "reason": reason}
        )


def json_or_empty(response: requests.Response) -> Mapping[str, Any]:
    """The JSON object of an answer, or ``{}`` when it is not one."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
