"""Registration, the waiting list and its promotion, cancellation, and every bad
input of issue #26 that the services answer."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from townhall.courses import events, services
from townhall.courses.models import Registration, Session
from townhall.courses.tests.conftest import session_made
from townhall.messaging.models import Message
from townhall.registry.models import Person
from townhall.registry.tests.factories import PersonFactory

Channel = Registration.Channel
State = Registration.State


def register(session, **fields):
    return services.registration_register(session=session, channel=Channel.DESK, **fields)


def messages(code: str) -> list[Message]:
    return list(Message.objects.filter(template__code=code).order_by("id"))


def test_a_registration_takes_a_place_and_the_person_hears_on_their_channel(session, residents):
    made = {
        kind: register(session, person=person)
        for kind, person in residents.items()
        if kind != "letter"
    }

    session.refresh_from_db()
    assert session.seats_taken == 2
    assert {r.registration.state for r in made.values()} == {State.CONFIRMED}
    sent = {m.person_id: m for m in messages("course-registered")}
    assert sent[residents["email"].pk].channel == "email"
    assert sent[residents["sms"].pk].channel == "sms"
    # The code reaches the participant, and only its keyed hash is stored.
    code = made["sms"].code
    assert code in sent[residents["sms"].pk].body
    assert made["sms"].registration.code_hash == services.code_hash(code)
    assert code not in made["sms"].registration.code_hash


def test_a_resident_without_e_mail_or_mobile_gets_a_letter(session, residents):
    register(session, person=residents["letter"])

    (letter,) = messages("course-registered")
    assert letter.channel == "letter"
    assert "Werken met uw eID en kaartlezer" in letter.body


def test_someone_not_in_the_register_registers_with_a_name_and_a_mobile_number(session):
    made = services.registration_register(
        session=session,
        channel=Channel.ONLINE,
        given_names="Maria",
        family_name="Claeys",
        phone="0470 12 34 56",
        language="fr",
    )

    registration = made.registration
    assert registration.phone == "+32470123456"
    assert registration.person is None
    (sms,) = messages("course-registered")
    assert (sms.channel, sms.address, sms.language) == ("sms", "+32470123456", "fr")
    assert "Utiliser votre eID et son lecteur" in sms.body  # the course's French title


def test_a_fixed_line_is_kept_for_a_call_but_gets_no_text_message(session):
    made = register(session, given_names="Jozef", family_name="Deprez", phone="051 30 12 34")

    assert made.registration.phone == "+3251301234"
    assert messages("course-registered") == []


def test_an_invalid_phone_number_is_refused_and_nothing_is_kept(session):
    with pytest.raises(ValidationError) as refused:
        register(session, given_names="Maria", family_name="Claeys", phone="12345")

    assert refused.value.message_dict == {"phone": ["This is not a valid telephone number."]}
    assert not Registration.objects.exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_name_and_a_phone_are_needed_without_a_person(session):
    with pytest.raises(ValidationError) as refused:
        register(session, given_names=" ", family_name="", phone="")

    assert set(refused.value.message_dict) == {"given_names", "family_name", "phone"}


def test_an_unknown_channel_is_refused(session, residents):
    with pytest.raises(ValidationError) as refused:
        services.registration_register(session=session, channel="fax", person=residents["sms"])

    assert "channel" in refused.value.message_dict


def test_the_same_person_twice_for_a_session_is_refused_with_a_clear_message(session, residents):
    person = residents["email"]
    register(session, person=person)

    with pytest.raises(ValidationError) as refused:
        services.registration_register(session=session, channel=Channel.ONLINE, person=person)

    assert refused.value.message_dict == {
        "session": [f"{person.full_name} is registered for this session already."]
    }
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_the_same_name_and_phone_twice_is_refused_whatever_the_case(session):
    register(session, given_names="Maria", family_name="Claeys", phone="+32470123456")

    with pytest.raises(ValidationError, match="registered for this session already"):
        register(session, given_names="MARIA", family_name="claeys", phone="0470123456")
    # Another person sharing the phone (a couple) may register.
    register(session, given_names="Jan", family_name="Claeys", phone="0470123456")


def test_the_database_refuses_a_second_active_registration_of_a_person(session, residents):
    person = residents["email"]
    register(session, person=person)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            session=session,
            person=person,
            channel=Channel.DESK,
            state=State.CONFIRMED,
            code_hash="x" * 64,
        )


def test_a_person_on_the_waiting_list_is_told_so_when_registering_again(residents):
    session = session_made(capacity=1)
    register(session, person=residents["email"])
    services.waiting_list_join(session=session, channel=Channel.DESK, person=residents["sms"])

    with pytest.raises(ValidationError, match="on the waiting list for this session already"):
        services.waiting_list_join(session=session, channel=Channel.PHONE, person=residents["sms"])


def test_a_past_or_started_session_is_refused(residents):
    session = session_made(days=-1)

    with pytest.raises(ValidationError) as refused:
        register(session, person=residents["email"])

    assert refused.value.message_dict == {
        "session": ["This session has started or is over; you can no longer register."]
    }
    assert not Registration.objects.exists()


def test_a_cancelled_session_is_refused(residents):
    session = session_made(state=Session.State.CANCELLED)

    with pytest.raises(ValidationError, match="This session is cancelled"):
        register(session, person=residents["email"])


def test_a_deceased_person_is_refused(session):
    person = PersonFactory(state=Person.State.DECEASED)

    with pytest.raises(ValidationError) as refused:
        register(session, person=person)

    assert "person" in refused.value.message_dict


def test_a_full_session_offers_the_waiting_list_and_keeps_nothing(residents):
    session = session_made(capacity=1)
    register(session, person=residents["email"])

    with pytest.raises(services.SessionFull) as refused:
        register(session, person=residents["sms"])

    assert refused.value.message_dict == {
        "session": ["This session is full. You can join the waiting list."]
    }
    assert refused.value.error_dict["session"][0].code == "full"
    assert Registration.objects.count() == 1

    waiting = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )
    assert waiting.registration.state == State.WAITING
    assert waiting.registration.waiting_since is not None
    (sms,) = messages("course-waiting")
    assert waiting.code in sms.body
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_the_database_never_takes_a_session_over_capacity(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=session.capacity + 1)


def test_a_cancellation_with_the_code_offers_the_place_to_the_first_waiting(
    residents, django_capture_on_commit_callbacks
):
    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    second = services.waiting_list_join(
        session=session, channel=Channel.PHONE, person=residents["sms"]
    )
    third = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["letter"]
    )
    received = []

    def hear(sender, event, **kwargs):
        received.append(event.type)

    events.registration_cancelled.connect(hear)
    events.registration_offered.connect(hear)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = services.registration_cancel_by_code(
                code=first.code.lower().replace("-", " ")
            )
    finally:
        events.registration_cancelled.disconnect(hear)
        events.registration_offered.disconnect(hear)

    assert cancelled.state == State.CANCELLED
    assert cancelled.cancelled_by == Registration.CancelledBy.PARTICIPANT
    offered = Registration.objects.get(pk=second.registration.pk)
    assert offered.state == State.OFFERED
    assert offered.offer_deadline - offered.offered_at == datetime.timedelta(hours=48)
    assert Registration.objects.get(pk=third.registration.pk).state == State.WAITING
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert received == [
        "be.townhall.courses.registration.cancelled",
        "be.townhall.courses.registration.offered",
    ]
    (offer,) = messages("course-offer")
    assert offer.person_id == residents["sms"].pk
    assert messages("course-cancelled")[0].person_id == residents["email"].pk
    # The offer carries a new code; the one of the waiting list no longer works.
    assert second.code not in offer.body
    with pytest.raises(ValidationError, match="We do not know this code"):
        services.offer_confirm(code=second.code)


def test_an_offer_is_confirmed_with_the_code_it_carries(residents):
    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    services.waiting_list_join(
        session=session,
        channel=Channel.PHONE,
        given_names="Maria",
        family_name="Claeys",
        phone="+32470123456",
    )
    services.registration_cancel_by_staff(registration=first.registration, staff=object())
    (offer,) = messages("course-offer")
    code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", offer.body).group(0)

    confirmed = services.offer_confirm(code=code)

    assert confirmed.state == State.CONFIRMED
    assert confirmed.confirmed_at is not None
    with pytest.raises(ValidationError, match="confirmed already"):
        services.offer_confirm(code=code)


def test_an_offer_past_its_deadline_cannot_be_confirmed_and_goes_to_the_next(residents):
    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    second = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )
    third = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["letter"]
    )
    services.registration_cancel_by_staff(registration=first.registration, staff=object())
    later = timezone.now() + datetime.timedelta(hours=49)

    with pytest.raises(ValidationError, match="The time to confirm this place has passed"):
        services.offer_confirm(registration=second.registration, now=later)
    assert services.offers_expire(now=later) == 1

    assert Registration.objects.get(pk=second.registration.pk).state == State.EXPIRED
    promoted = Registration.objects.get(pk=third.registration.pk)
    assert promoted.state == State.OFFERED
    assert promoted.offer_deadline == later + datetime.timedelta(hours=48)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert [m.person_id for m in messages("course-offer")] == [
        residents["sms"].pk,
        residents["letter"].pk,
    ]
    assert messages("course-offer")[1].channel == "letter"
    # Nothing more to expire until the next deadline.
    assert services.offers_expire(now=later) == 0


@override_settings(TOWNHALL_COURSES_OFFER_HOURS=48)
def test_an_offer_never_runs_past_the_start_of_the_session(residents):
    session = session_made(capacity=1, days=1)
    first = register(session, person=residents["email"])
    second = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )

    services.registration_cancel_by_staff(registration=first.registration, staff=object())

    offered = Registration.objects.get(pk=second.registration.pk)
    assert offered.offer_deadline == session.starts_at


def test_an_offer_not_confirmed_with_nobody_waiting_frees_the_place(residents):
    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    services.waiting_list_join(session=session, channel=Channel.DESK, person=residents["sms"])
    services.registration_cancel_by_staff(registration=first.registration, staff=object())

    services.offers_expire(now=timezone.now() + datetime.timedelta(hours=49))

    session.refresh_from_db()
    assert session.seats_taken == 0
    assert register(session, person=residents["letter"]).registration.state == State.CONFIRMED


def test_a_cancellation_from_the_waiting_list_frees_no_place(residents):
    session = session_made(capacity=1)
    register(session, person=residents["email"])
    waiting = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )

    services.registration_cancel_by_code(code=waiting.code)

    session.refresh_from_db()
    assert session.seats_taken == 1
    assert messages("course-offer") == []


def test_a_wrong_an_empty_or_a_used_code_is_refused_clearly(session, residents):
    made = register(session, person=residents["email"])

    with pytest.raises(ValidationError) as empty:
        services.registration_cancel_by_code(code="  ")
    assert empty.value.message_dict == {"code": ["Enter the code of your registration."]}
    with pytest.raises(ValidationError) as wrong:
        services.registration_cancel_by_code(code="ZZZZ-ZZZZ")
    assert wrong.value.message_dict == {
        "code": ["We do not know this code. Check it, or ask the library."]
    }
    services.registration_cancel_by_code(code=made.code)
    with pytest.raises(ValidationError, match="cancelled already"):
        services.registration_cancel_by_code(code=made.code)


def test_a_cancelled_person_may_register_again(session, residents):
    made = register(session, person=residents["email"])
    services.registration_cancel_by_code(code=made.code)

    again = register(session, person=residents["email"])

    assert again.registration.state == State.CONFIRMED


def test_a_household_member_registers_someone_in_the_register(session, residents):
    made = services.registration_register(
        session=session,
        channel=Channel.ONLINE,
        person=residents["letter"],
        registered_by_person=residents["email"],
    )

    assert made.registration.person == residents["letter"]
    assert made.registration.registered_by_person == residents["email"]
    with pytest.raises(ValidationError) as refused:
        services.registration_register(
            session=session,
            channel=Channel.ONLINE,
            given_names="A",
            family_name="B",
            phone="0470123456",
            registered_by_person=residents["email"],
        )
    assert "person" in refused.value.message_dict


def test_the_course_offers_command_expires_what_is_due(residents):
    from io import StringIO

    from django.core.management import call_command

    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    second = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )
    services.registration_cancel_by_staff(registration=first.registration, staff=object())
    Registration.objects.filter(pk=second.registration.pk).update(
        offer_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = StringIO()

    call_command("course_offers", stdout=out)

    assert out.getvalue().strip() == "Expired 1 unconfirmed offers of a course place."
    assert Registration.objects.get(pk=second.registration.pk).state == State.EXPIRED


def test_a_template_out_of_use_sends_nothing_but_the_registration_goes_through(
    session, residents, templates, caplog
):
    from townhall.messaging.models import MessageTemplate

    MessageTemplate.objects.filter(code="course-registered").update(is_active=False)

    made = register(session, person=residents["email"])

    assert made.registration.state == State.CONFIRMED
    assert messages("course-registered") == []
    assert "course-registered not sent" in caplog.text


def test_a_waiting_person_knows_their_place_on_the_list(residents):
    from townhall.courses.selectors import registration_by_code, waiting_position

    session = session_made(capacity=1)
    first = register(session, person=residents["email"])
    second = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["sms"]
    )
    third = services.waiting_list_join(
        session=session, channel=Channel.DESK, person=residents["letter"]
    )

    assert waiting_position(first.registration) is None
    assert waiting_position(second.registration) == 1
    assert waiting_position(third.registration) == 2
    assert registration_by_code(third.code) == third.registration
    assert registration_by_code(" ") is None

    services.registration_cancel_by_code(code=second.code)
    assert waiting_position(Registration.objects.get(pk=third.registration.pk)) == 1


def test_a_registration_sends_its_event_after_the_commit_with_ids_only(
    residents, django_capture_on_commit_callbacks
):
    session = session_made(capacity=1)
    register(session, person=residents["email"])
    received = []

    def hear(sender, event, **kwargs):
        received.append(event)

    events.registration_created.connect(hear)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            made = services.waiting_list_join(
                session=session, channel=Channel.PHONE, person=residents["sms"]
            )
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        events.registration_created.disconnect(hear)

    (event,) = received
    assert event.type == "be.townhall.courses.registration.created"
    assert event.subject == f"registration/{made.registration.pk}"
    assert dict(event.data) == {
        "session": session.pk,
        "course": session.course_id,
        "state": "waiting",
        "channel": "phone",
    }
