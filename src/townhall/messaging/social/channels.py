"""What a social channel is, and the registry of social channel plugins.

A plugin is a class that inherits :class:`SocialChannel` and registers itself
with ``@register("mastodon")``. The settings configure *accounts*: one plugin may
serve two accounts (the municipality's and the library's Mastodon accounts),
each built with its own options (:mod:`townhall.messaging.social.configuration`).

``post`` either returns a :class:`Posted` or raises
:class:`~townhall.messaging.errors.TemporaryFailure` (a 5xx, a time-out, a
server that is down: tried again later, with the same idempotency key),
:class:`RateLimited` (a 429: tried again after its ``Retry-After``) or
:class:`~townhall.messaging.errors.PermanentFailure` (the network refused the
post: trying again will not help; the reason is the network's own words).
"""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from django.utils import timezone
from mastodon._url_regex import url_regex

from townhall import plugins
from townhall.messaging.errors import TemporaryFailure

DEFAULT_TIMEOUT = (3.05, 15.0)  # (connect, read) seconds


@dataclass(frozen=True)
class Posted:
    """What the network answered for a post it took."""

    remote_id: str = ""
    remote_url: str = ""


@dataclass(frozen=True)
class Outgoing:
    """The post as a plugin sends it (no database row: plugins stay plain)."""

    id: str  # our post's uuid
    text: str
    link: str
    language: str
    source: str
    idempotency_key: str


class RateLimited(TemporaryFailure):
    """The network answered 429; ``retry_after`` is its wait, when it said one."""

    def __init__(self, message: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_parse(value: str | None, *, now: datetime | None = None) -> timedelta | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as a wait; None when it is
    absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(timedelta(0), when - (now or timezone.now()))


def text_composed(text: str, link: str) -> str:
    """The words of the post as they go out: the text, then the link on its own line."""
    text = text.strip()
    return f"{text}\n\n{link}" if link else text


class SocialChannel(ABC):
    """One configured account on a social network: posts a text with a link.

    ``max_length`` is the network's limit in characters, counted as
    :meth:`length` counts (None: no limit).
    """

    plugin: ClassVar[str] = ""  # set by @register
    label: ClassVar[str] = ""  # the network's name, for staff
    max_length: ClassVar[int | None] = None

    def __init__(self, *, code: str, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        self.code = code
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code!r}>"

    def length(self, composed: str) -> int:
        """How long the network counts ``composed``; by default in characters."""
        return len(composed)

    @abstractmethod
    def post(self, outgoing: Outgoing) -> Posted:
        """Publish the post; return what the network answered."""


def mastodon_length(composed: str, *, url_length: int = 23) -> int:
    """Mastodon's count: every URL counts as ``url_length`` characters, whatever its
    length, and a mention of a remote account by its name only. Characters are
    counted as code points, which is never less than Mastodon's count of graphemes,
    so a text that fits here fits there."""
    counted = url_regex.sub(lambda match: match.group(2) + "x" * url_length, composed)
    counted = re.sub(
        r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9\.\-]+[a-z0-9]+)", r"\1@\3", counted, flags=re.I
    )
    return len(counted)


class UnknownSocialChannel(plugins.UnknownPlugin):
    """No social channel plugin, or no configured account, goes by this name."""


class Registry(plugins.Registry[type[SocialChannel]]):
    """Social channel plugin classes by id (the settings build accounts of them).

    Tests build a fresh ``Registry()``.
    """

    kind = "social channel plugin"
    base = SocialChannel
    unknown_error = UnknownSocialChannel

    def entry_made(self, plugin: Any, identifier: str) -> type[SocialChannel]:
        plugin.plugin = identifier
        return plugin


# The project's plugins; MessagingConfig.ready() imports the modules that fill it.
register = Registry()
