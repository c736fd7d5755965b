"""Domain events: how one app learns of a change in another without reaching into it.

1. The emitting app declares its few named events in its own ``events.py`` as
   :class:`DomainEvent` signals, each with its CloudEvents ``type``
   (``be.townhall.registry.person.moved``), the kind of its subject and the
   names of its data.
2. The service that makes the change writes it and its audit row (access log,
   activity record, record source) in one transaction, and calls
   :meth:`DomainEvent.send_on_commit` there.
3. The event goes out only once that transaction commits: a rolled-back change
   sends nothing, and no receiver ever runs inside the emitter's transaction.
   Each receiver therefore opens its own transaction for what it writes.
4. Receivers live in the higher app (``@receiver(person_moved)`` in messaging),
   connected by its ``AppConfig.ready()``; the lower app never imports them.
   A receiver that fails is logged with its traceback and does not stop the
   others: the change it reacts to is committed already.
5. The payload maps one to one onto a CloudEvent (:meth:`Event.as_cloudevent`):
   the subject is a register id, never a national number, and the data are ids
   and codes, never model instances or personal data. The REST API will post
   the same events to external systems as CloudEvents webhooks.

This module imports nothing of Townhall, so every app, the lowest included, may use it.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)
TYPE_PREFIX = "be.townhall."
# What data may hold: ids, codes and flags, and lists of them. A model instance,
# a date or a text a person wrote does not belong in an event.
PLAIN_TYPES = (int, str, bool, type(None))


@dataclass(frozen=True)
class Event:
    """One occurrence of a domain event, as its receivers get it."""

    type: str  # be.townhall.registry.person.moved
    source: str  # /townhall/registry
    subject: str  # person/42: a register id, never a national number
    data: Mapping[str, object]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime.datetime = field(default_factory=timezone.now)

    def as_cloudevent(self) -> dict:
        """The event in the CloudEvents 1.0 JSON format (structured mode)."""
        return {
            "specversion": "1.0",
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time.isoformat(),
            "datacontenttype": "application/json",
            "data": dict(self.data),
        }


class DomainEvent(Signal):
    """A named domain event of one app: a Django signal sent only after the commit.

    ``type`` is the CloudEvents type (``be.townhall.<app>.<entity>.<what happened>``);
    ``subject`` the kind of thing it is about (``person``); ``data`` the names of
    the values every occurrence carries, no more and no fewer.
    """

    def __init__(self, type: str, *, subject: str, data: Iterable[str]):
        super().__init__()
        parts = type.split(".")
        if not type.startswith(TYPE_PREFIX) or len(parts) < 5:
            raise ValueError(f"An event type reads be.townhall.<app>.<entity>.<event>: {type!r}")
        self.type = type
        self.source = f"/townhall/{parts[2]}"
        self.subject_kind = subject
        self.data_names = frozenset(data)

    def __repr__(self) -> str:
        return f"<DomainEvent {self.type}>"

    def send_on_commit(self, *, subject_id: int | str, **data) -> Event:
        """Send this event to its receivers once the current transaction commits.

        Raises ``TypeError`` when the data do not have exactly the declared
        names, or hold anything but ids, codes and flags (or lists of them).
        """
        names = set(data)
        if names != self.data_names:
            raise TypeError(f"{self.type} carries {sorted(self.data_names)}, not {sorted(names)}.")
        for name, value in data.items():
            values = value if isinstance(value, list | tuple) else [value]
            if not all(isinstance(item, PLAIN_TYPES) for item in values):
                raise TypeError(f"{self.type}: {name} must be ids or codes, not {value!r}.")
        event = Event(
            type=self.type,
            source=self.source,
            subject=f"{self.subject_kind}/{subject_id}",
            data={k: list(v) if isinstance(v, list | tuple) else v for k, v in data.items()},
        )
        transaction.on_commit(partial(self._deliver, event))
        return event

    def _deliver(self, event: Event) -> None:
        for receiver, result in self.send_robust(sender=self, event=event):
            if isinstance(result, Exception):
                logger.error(
                    "The receiver %s of %s (%s) failed",
                    getattr(receiver, "__qualname__", receiver),
                    event.type,
                    event.id,
                    exc_info=result,
                )
