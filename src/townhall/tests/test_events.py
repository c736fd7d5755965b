"""Domain events: sent only after the commit, with plain data, in the CloudEvents shape."""

import logging

import pytest
from django.db import transaction

from townhall.events import DomainEvent
from townhall.registry.tests.factories import AddressFactory
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db


def something_happened() -> DomainEvent:
    # A fresh event per test, so no receiver of the project's own events runs.
    return DomainEvent("be.townhall.registry.thing.happened", subject="thing", data=["thing"])


def test_an_event_reaches_its_receiver_only_after_the_commit(django_capture_on_commit_callbacks):
    event = something_happened()
    with events_received(event) as got:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                event.send_on_commit(subject_id=7, thing=7)
            assert got == []  # the inner block ended, the transaction has not committed
        [received] = got

    assert received.subject == "thing/7"
    assert received.data == {"thing": 7}


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    event = something_happened()

    def change_that_fails():
        with transaction.atomic():
            event.send_on_commit(subject_id=7, thing=7)
            raise RuntimeError("the change failed")

    with (
        events_received(event) as got,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        change_that_fails()
    assert got == []


def test_the_event_maps_onto_a_cloudevent(django_capture_on_commit_callbacks):
    event = something_happened()
    with django_capture_on_commit_callbacks():
        sent = event.send_on_commit(subject_id=7, thing=7)

    cloudevent = sent.as_cloudevent()
    assert cloudevent["specversion"] == "1.0"
    assert cloudevent["type"] == "be.townhall.registry.thing.happened"
    assert cloudevent["source"] == "/townhall/registry"
    assert cloudevent["subject"] == "thing/7"
    assert cloudevent["data"] == {"thing": 7}
    assert cloudevent["datacontenttype"] == "application/json"
    assert len(cloudevent["id"]) == 36
    assert cloudevent["time"].endswith("+00:00")


def test_the_data_must_be_the_declared_names_and_plain_values(django_capture_on_commit_callbacks):
    event = something_happened()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(TypeError, match=r"carries \['thing'\], not \[\]"):
            event.send_on_commit(subject_id=7)
        with pytest.raises(TypeError, match="not"):
            event.send_on_commit(subject_id=7, thing=7, name="Jan")
        # A model instance would carry personal data and not survive the commit.
        with pytest.raises(TypeError, match="must be ids or codes"):
            event.send_on_commit(subject_id=7, thing=AddressFactory())
    assert callbacks == []


def test_an_event_type_names_its_app_entity_and_occurrence():
    with pytest.raises(ValueError, match=r"be\.townhall"):
        DomainEvent("person.moved", subject="person", data=["person"])


def test_a_failing_receiver_is_logged_and_the_others_still_run(
    django_capture_on_commit_callbacks, caplog
):
    event = something_happened()

    def broken(sender, event, **kwargs):
        raise LookupError("the receiver's own bug")

    event.connect(broken, weak=False)
    with (
        events_received(event) as got,
        caplog.at_level(logging.ERROR, logger="townhall.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event.send_on_commit(subject_id=7, thing=7)

    assert len(got) == 1
    [record] = [r for r in caplog.records if r.name == "townhall.events"]
    assert "broken" in record.getMessage()
    assert "be.townhall.registry.thing.happened" in record.getMessage()
    assert record.exc_info[0] is LookupError
