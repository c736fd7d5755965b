"""Delivery channels as plugins: one registry, one class per channel.

A channel hands messages over to whatever carries them (an SMTP server, an
SMS gateway, the print room) and returns where each went: the provider and its
reference. It raises :class:`~townhall.messaging.errors.TemporaryFailure` or
:class:`~townhall.messaging.errors.PermanentFailure`; the outbox decides what
happens next (:mod:`townhall.messaging.delivery`).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

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


class UnknownChannel(LookupError):
    """No delivery channel is registered under this name."""


class Registry:
    """Delivery channels by name. Tests build a fresh ``Registry()``."""

    def __init__(self) -> None:
        self._channels: dict[str, DeliveryChannel] = {}

    def __call__(self, name: str) -> Callable[[type[DeliveryChannel]], type[DeliveryChannel]]:
        def decorator(cls: type[DeliveryChannel]) -> type[DeliveryChannel]:
            if not (isinstance(cls, type) and issubclass(cls, DeliveryChannel)):
                raise TypeError(f"{cls!r} is not a DeliveryChannel.")
            if name in self._channels:
                raise ValueError(f"A delivery channel named {name!r} is already registered.")
            channel = cls()
            channel.name = name
            self._channels[name] = channel
            return cls

        return decorator

    def __getitem__(self, name: str) -> DeliveryChannel:
        try:
            return self._channels[name]
        except KeyError:
            known = ", ".join(sorted(self._channels)) or "none"
            raise UnknownChannel(
                f"No delivery channel is registered as {name!r} (registered: {known})."
            ) from None

    def __iter__(self) -> Iterator[DeliveryChannel]:
        return iter(self._channels.values())


# The project's channels; MessagingConfig.ready() imports the modules that fill it.
register = Registry()
