"""SMS: count, send with failover, read delivery receipts, respect quiet hours.

How an SMS goes out:

1. Importing this package registers the adapters ``generic-http``,
   ``twilio`` and ``demo-capture`` with ``@register(...)``
   (:mod:`~townhall.messaging.sms.gateways`); ``MessagingConfig.ready()``
   imports it.
2. ``TOWNHALL_SMS["GATEWAYS"]`` configures gateway instances of those
   adapters; :func:`gateways_configured` builds and checks them.
3. The caller composes the text, may show its size with :func:`sms_length`,
   and holds a non-urgent message back until :func:`quiet_hours_end`.
4. :func:`sms_send` checks the number (``phonenumbers``), orders the gateways
   by priority and weight, skips those cooling down after a failure, and
   tries them in turn until one returns its message id (:class:`SmsSent`).
   A TemporaryFailure moves on; a PermanentFailure stops.
5. The gateway later posts a signed delivery receipt; the receipt view passes
   it to :func:`sms_receipt_parse`, which checks the signature (else
   ForgedReceipt) and returns a :class:`DeliveryReport`.

Exceptions and logs mask the number (``+32470****56``) and never carry the text.
"""

from townhall.messaging.sms import capture, generic_http, twilio  # noqa: F401  (register adapters)
from townhall.messaging.sms.capture import CapturedSms, captured_sms
from townhall.messaging.sms.configuration import gateways_configured, sms_settings
from townhall.messaging.sms.encoding import SmsLength, sms_length
from townhall.messaging.sms.failover import SmsSent, sms_send
from townhall.messaging.sms.gateways import (
    DeliveryReport,
    Registry,
    SmsGateway,
    UnknownGateway,
    register,
)
from townhall.messaging.sms.numbers import number_masked
from townhall.messaging.sms.quiet_hours import quiet_hours_end
from townhall.messaging.sms.receipts import sms_receipt_parse

__all__ = [
    "CapturedSms",
    "DeliveryReport",
    "Registry",
    "SmsGateway",
    "SmsLength",
    "SmsSent",
    "UnknownGateway",
    "captured_sms",
    "gateways_configured",
    "number_masked",
    "quiet_hours_end",
    "register",
    "sms_length",
    "sms_receipt_parse",
    "sms_send",
    "sms_settings",
]
