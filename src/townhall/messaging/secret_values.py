"""Secret values in a message (a sign-in link), made only when it is handed over.

1. A module that sends a secret registers a :class:`SecretSource` under a
   name (``@secret_sources("accounts.email-link")``); the source names the
   placeholders it fills (``link``).
2. The sender passes ``secret_source=`` and the source's arguments to
   :func:`~townhall.messaging.services.message_send`. The message row keeps
   the name and the arguments (nothing secret), and its text keeps a
   :func:`marker` where the value goes: staff who read the message log see
   the marker, never a usable link.
3. Right before the hand-over the channel calls :func:`secret_text`: the
   source makes the values afresh (a new signed link on every attempt, so a
   retried mail does not carry a link that expired while it waited) and the
   markers are replaced in the text that goes out, not in the row.

4. A source may also make the message's own one-click unsubscribe link
   (:meth:`SecretSource.unsubscribe_url`): the e-mail channel then puts that one
   in ``List-Unsubscribe`` instead of the register's consent link (a news
   subscriber without a person in the register unsubscribes from their
   subscription, not from a consent).

The marker holds the message's own UUID, which does not exist before the
message is written, so nothing a sender types into a name can fake one.
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from townhall import plugins
from townhall.messaging.models import Message


class SecretSource(ABC):
    """Makes the secret values of a message at hand-over."""

    name: str = ""
    placeholders: tuple[str, ...] = ()

    @abstractmethod
    def values(self, arguments: Mapping[str, object]) -> dict[str, str]:
        """The value of each of :attr:`placeholders`; raise a ``PermanentFailure`` when
        none can be made any more (the account is gone)."""

    def unsubscribe_url(self, arguments: Mapping[str, object]) -> str:
        """The one-click unsubscribe link (RFC 8058) of a message made by this source,
        or "" when it has none of its own."""
        return ""


class UnknownSecretSource(plugins.UnknownPlugin):
    """No secret source is registered under this name."""


class Registry(plugins.Registry[SecretSource]):
    """Secret sources by name, one instance each. Tests build a fresh ``Registry()``."""

    kind = "secret source"
    base = SecretSource
    unknown_error = UnknownSecretSource

    def entry_made(self, plugin: Any, identifier: str) -> SecretSource:
        source = plugin()
        source.name = identifier
        return source


# The project's sources; the app that owns each registers it in its ready().
secret_sources = Registry()


def marker(message_uuid: uuid.UUID, name: str) -> str:
    """What stands in the stored text of the message ``message_uuid`` where the
    secret value ``name`` goes."""
    return f"[{name}:{message_uuid}]"


def secret_unsubscribe_url(message: Message, *, registry: Registry = secret_sources) -> str:
    """The message's own unsubscribe link from its secret source, or ""."""
    if not message.secret_source:
        return ""
    source = registry[message.secret_source["source"]]
    return source.unsubscribe_url(message.secret_source.get("arguments", {}))


def secret_text(message: Message, *, registry: Registry = secret_sources) -> tuple[str, str]:
    """The subject and text to hand over, with the secret values filled in."""
    if not message.secret_source:
        return message.subject, message.body
    source = registry[message.secret_source["source"]]
    values = source.values(message.secret_source.get("arguments", {}))
    subject, body = message.subject, message.body
    for name in source.placeholders:
        subject = subject.replace(marker(message.uuid, name), values[name])
        body = body.replace(marker(message.uuid, name), values[name])
    return subject, body
