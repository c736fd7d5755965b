"""Two staff giving away the last place at the same moment: exactly one succeeds.

Each attempt runs in its own thread with its own database connection, started
together at a barrier. On PostgreSQL the session's row lock and the conditional
UPDATE decide; on SQLite its IMMEDIATE transactions; on both the check
constraint ``session_never_over_capacity`` is the last word.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from townhall.courses import services
from townhall.courses.models import Registration, Session
from townhall.courses.tests.conftest import session_made
from townhall.registry.tests.factories import PersonFactory


def at_once(calls):
    """Run each call in its own thread and connection, all released together;
    what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_staff_giving_the_last_place_at_once_exactly_one_succeeds():
    session = session_made(capacity=2)
    services.registration_register(
        session=session, channel="desk", person=PersonFactory(email="a@example.org")
    )
    for round_ in range(5):
        if round_:
            last = Registration.objects.filter(session=session, state="confirmed").last()
            services.registration_cancel_by_staff(registration=last, staff=object())
        people = [PersonFactory(email=f"r{round_}-{n}@example.org") for n in range(2)]

        outcomes = at_once(
            [
                lambda person=person, channel=channel: services.registration_register(
                    session=session, channel=channel, person=person
                )
                for person, channel in zip(people, ("desk", "phone"), strict=True)
            ]
        )

        won = [o for o in outcomes if isinstance(o, services.Registered)]
        full = [o for o in outcomes if isinstance(o, services.SessionFull)]
        assert (len(won), len(full)) == (1, 1), outcomes
        session.refresh_from_db()
        assert session.seats_taken == 2
        assert Registration.objects.filter(session=session, state="confirmed").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_person_at_two_desks_at_once_is_registered_once():
    session = session_made(capacity=5)
    person = PersonFactory(email="a@example.org")

    outcomes = at_once(
        [
            lambda: services.registration_register(session=session, channel="desk", person=person),
            lambda: services.registration_register(session=session, channel="phone", person=person),
        ]
    )

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert "already" in refused[0].message_dict["session"][0]
    assert Registration.objects.filter(session=session).count() == 1
    assert Session.objects.get(pk=session.pk).seats_taken == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_services_lock_the_conditional_update_still_gives_the_last_place_once():
    """The database alone: many connections take the last place by the bare
    conditional UPDATE at the same moment, none of them locking the row first."""
    from django.db import transaction
    from django.db.models import F

    session = session_made(capacity=3)
    Session.objects.filter(pk=session.pk).update(seats_taken=2)

    def take():
        with transaction.atomic():
            return Session.objects.filter(pk=session.pk, seats_taken__lt=F("capacity")).update(
                seats_taken=F("seats_taken") + 1
            )

    outcomes = at_once([take for _ in range(6)])

    assert sorted(outcomes) == [0, 0, 0, 0, 0, 1], outcomes
    assert Session.objects.get(pk=session.pk).seats_taken == 3
