"""The errors a delivery channel raises, so the outbox knows whether to try again.

A channel (e-mail, SMS gateway, letter) either returns a provider reference or
raises one of these. The outbox retries a :class:`TemporaryFailure` with
backoff up to the configured horizon and records a :class:`PermanentFailure`
at once, with its reason, as the message's final state.
"""


class MessagingError(Exception):
    """A message cannot be composed or sent; ``str(error)`` is readable by staff."""


class DeliveryFailure(MessagingError):
    """A channel could not hand the message over."""


class TemporaryFailure(DeliveryFailure):
    """Worth trying again later: a time-out, a 5xx answer, a server that is down."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: an invalid address or number, a refusal by the provider."""


class ForgedReceipt(MessagingError):
    """A delivery receipt whose signature does not check out; it changes nothing."""


class AddressRefused(PermanentFailure):
    """The receiving server refused the address itself (the message bounced); block it."""
