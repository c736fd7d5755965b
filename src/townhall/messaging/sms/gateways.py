"""What an SMS gateway is, and the registry of gateway adapters.

An adapter is a class that inherits :class:`SmsGateway` and registers itself
with ``@register("generic-http")``. The settings configure *instances*: one
adapter may serve two gateways ("primary" and "backup" on two providers that
speak the same API), each with its own name, priority, weight and options.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from townhall import plugins

DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds

DeliveryStatus = Literal["delivered", "failed", "pending"]


@dataclass(frozen=True)
class DeliveryReport:
    """What a signed delivery receipt says about one message."""

    gateway: str  # the configured gateway's NAME
    provider_reference: str  # the id the gateway returned from send()
    status: DeliveryStatus
    reason: str = ""  # the provider's reason when the status is "failed"


class SmsGateway(ABC):
    """One configured gateway: sends an SMS and reads its delivery receipts.

    ``send`` returns the provider's message id or raises
    :class:`~townhall.messaging.errors.TemporaryFailure` (worth trying another
    gateway, or later) or :class:`~townhall.messaging.errors.PermanentFailure`
    (this message to this number will never go). Messages name the gateway and
    mask the number; they never carry the text.
    """

    adapter: ClassVar[str] = ""  # set by @register

    def __init__(
        self,
        *,
        name: str,
        priority: int = 1,
        weight: int = 1,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.name = name
        self.priority = priority
        self.weight = weight
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} priority={self.priority}>"

    @abstractmethod
    def send(self, *, to: str, text: str, sender_id: str, reference: str) -> str:
        """Hand the message over; return the provider's message id."""

    @abstractmethod
    def receipt_parse(self, *, body: bytes, headers: Mapping[str, str], url: str) -> DeliveryReport:
        """Check a receipt's signature (else ForgedReceipt) and read it."""


class UnknownGateway(plugins.UnknownPlugin):
    """No adapter or configured gateway goes by this name."""


class Registry(plugins.Registry[type[SmsGateway]]):
    """Gateway adapter classes by name (the settings build instances of them).

    Tests build a fresh ``Registry()``.
    """

    kind = "SMS gateway adapter"
    base = SmsGateway
    unknown_error = UnknownGateway

    def entry_made(self, plugin: Any, identifier: str) -> type[SmsGateway]:
        plugin.adapter = identifier
        return plugin


# The project's adapters; importing townhall.messaging.sms fills it.
register = Registry()
