"""Listening to domain events in a test: the events each receiver got, in order."""

from contextlib import contextmanager

from townhall.events import DomainEvent, Event


@contextmanager
def events_received(*signals: DomainEvent):
    """``with events_received(person_moved) as got:`` collects the events sent to
    ``signals`` while the block runs, through a real receiver; disconnected after."""
    got: list[Event] = []

    def on_event(sender, event: Event, **kwargs) -> None:
        got.append(event)

    for signal in signals:
        signal.connect(on_event, weak=False, dispatch_uid="townhall.tests.events_received")
    try:
        yield got
    finally:
        for signal in signals:
            signal.disconnect(dispatch_uid="townhall.tests.events_received")
