"""Delivery channels as plugins: one registry, one class per channel.

A channel hands messages over to whatever carries them (an SMTP server, an
SMS gateway, the print room) and returns where each went: the provider and its
reference. It raises :class:`~townhall.messaging.errors.TemporaryFailure` or
:class:`~townhall.messaging.errors.PermanentFailure`; the outbox decides what
happens next (:mod:`townhall.messaging.delivery`).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from townhall import plugins
from townhall.messaging.models import Message


@dataclass(frozen=True)
class Handover:
    """Where a message went: ``provider`` (``smtp``, ``sms:primary``, ``post``) and its reference.

    ``wait_until`` asks the outbox to keep the message queued until then
    (quiet hours); ``letter_batch`` puts it in a print batch instead of
    marking it sent.
    """

    provider: str = ""
    reference: str = ""
    wait_until: datetime | None = None
    letter_batch_id: int | None = None


class DeliveryChannel(ABC):
    """Hands messages of one channel over."""

    name: str = ""

    @abstractmethod
    def deliver(self, message: Message) -> Handover:
        """Hand one message over, or raise a ``DeliveryFailure``."""

    def deliver_many(
        self, messages: list[Message], on_result: Callable[[Message, Handover | Exception], None]
    ) -> None:
        """Hand several over, reporting each result as it comes so that nothing is
        lost if the worker stops half-way. Channels that can share a connection
        override this."""
        for message in messages:
            try:
                result = self.deliver(message)
            except Exception as error:
                on_result(message, error)
            else:
                on_result(message, result)


class UnknownChannel(plugins.UnknownPlugin):
    """No delivery channel is registered under this name."""


class Registry(plugins.Registry[DeliveryChannel]):
    """Delivery channels by name, one instance each. Tests build a fresh ``Registry()``."""

    kind = "delivery channel"
    base = DeliveryChannel
    unknown_error = UnknownChannel

    def entry_made(self, plugin: Any, identifier: str) -> DeliveryChannel:
        channel = plugin()
        channel.name = identifier
        return channel


# The project's channels; MessagingConfig.ready() imports the modules that fill it.
register = Registry()
