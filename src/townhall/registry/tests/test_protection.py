"""Protection of national numbers: keyed hash, encryption at rest, masking, logs, access log."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from townhall.registry import protection, services
from townhall.registry.logging import NationalNumberFilter, mask_national_numbers
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.tests.factories import PersonFactory, StaffUserFactory

NUMBER = "85073003328"
FORMATTED = "85.07.30-033.28"


def test_the_keyed_hash_depends_on_the_key():
    with override_settings(NATIONAL_NUMBER_HASH_KEY="first key"):
        first = protection.national_number_hash(NUMBER)
    with override_settings(NATIONAL_NUMBER_HASH_KEY="second key"):
        second = protection.national_number_hash(NUMBER)
    assert first != second
    assert len(first) == 64
    assert NUMBER not in first


def test_the_keyed_hash_is_the_same_for_every_written_form():
    assert (
        protection.national_number_hash(NUMBER)
        == protection.national_number_hash(FORMATTED)
        == protection.national_number_hash(" 85 07 30 033 28 ")
    )


def test_encryption_round_trip_and_key_rotation():
    old_key = "x" * 43 + "="
    new_key = "y" * 43 + "="
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        token = protection.encrypt(NUMBER)
    assert NUMBER not in token
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert protection.decrypt(token) == NUMBER


@pytest.mark.django_db
def test_the_number_is_stored_encrypted():
    person = services.person_create(
        given_names="Jan", family_name="Peeters", national_number=FORMATTED
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_number_encrypted, national_number_hash, national_number_masked "
            "FROM registry_person WHERE id = %s",
            [person.pk],
        )
        row = cursor.fetchone()
    for column in row:
        assert NUMBER not in column
        assert FORMATTED not in column
        assert "850730" not in column
    encrypted, number_hash, masked = row
    assert number_hash == protection.national_number_hash(NUMBER)
    assert protection.decrypt(encrypted) == NUMBER
    assert masked == protection.national_number_mask(number_hash)
    assert not any(character.isdigit() for character in masked)
    assert Person.objects.get(pk=person.pk).reveal_national_number() == NUMBER


@pytest.mark.django_db
def test_find_by_national_number_goes_through_the_hash():
    person = PersonFactory()
    other = PersonFactory()
    number = person.reveal_national_number()
    dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    assert services.person_find_by_national_number(number) == person
    assert services.person_find_by_national_number(dotted) == person
    assert services.person_find_by_national_number(other.reveal_national_number()) == other


@pytest.mark.django_db
def test_find_by_an_unknown_or_invalid_number():
    PersonFactory()
    assert services.person_find_by_national_number(NUMBER) is None
    with pytest.raises(ValidationError) as caught:
        services.person_find_by_national_number("85073003329")
    assert list(caught.value.message_dict) == ["national_number"]


@pytest.mark.django_db
def test_a_changed_hash_key_no_longer_finds_the_person():
    person = PersonFactory()
    with override_settings(NATIONAL_NUMBER_HASH_KEY="another key"):
        assert services.person_find_by_national_number(person.reveal_national_number()) is None


def _filtered(msg, *args, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord("townhall", logging.INFO, __file__, 1, msg, args, exc_info)
    assert NationalNumberFilter().filter(record) is True
    return record


@pytest.mark.parametrize(
    "written", [NUMBER, FORMATTED, "850730 033 28", "17073003384", "85.07.30.033.28"]
)
def test_the_logging_filter_masks_valid_numbers(written):
    record = _filtered("Look-up of %s by clerk", written)
    assert record.getMessage() == "Look-up of [national number] by clerk"


def test_the_logging_filter_masks_numbers_in_the_message_itself():
    record = _filtered(f"number={NUMBER};other={FORMATTED}")
    assert record.getMessage() == "number=[national number];other=[national number]"


@pytest.mark.parametrize("other", ["85073003329", "12345678901", "+3247012345678"])
def test_the_logging_filter_leaves_other_numbers_alone(other):
    record = _filtered("Order %s shipped", other)
    assert record.getMessage() == f"Order {other} shipped"
    assert record.args == (other,)


def test_the_logging_filter_leaves_longer_digit_runs_alone():
    assert mask_national_numbers(f"1{NUMBER}") == f"1{NUMBER}"


def test_the_logging_filter_masks_exception_text():
    try:
        raise ValueError(f"cannot handle {NUMBER}")
    except ValueError:
        import sys

        record = _filtered("Import failed", exc_info=sys.exc_info())
    text = logging.Formatter().format(record)
    assert NUMBER not in text
    assert "[national number]" in text


def test_the_logging_filter_through_a_logger(caplog):
    logger = logging.getLogger("townhall.test.protection")
    number_filter = NationalNumberFilter()
    logger.addFilter(number_filter)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("Resident %s signed in", FORMATTED)
    finally:
        logger.removeFilter(number_filter)
    assert FORMATTED not in caplog.text
    assert "Resident [national number] signed in" in caplog.text


@pytest.mark.django_db
def test_access_log_record_requires_a_purpose():
    person = PersonFactory()
    clerk = StaffUserFactory(first_name="Els", last_name="Claes")
    for purpose in ("", "   ", None):
        with pytest.raises(ValidationError) as caught:
            services.access_log_record(
                actor=clerk, person=person, action=AccessLogEntry.Action.VIEW, purpose=purpose
            )
        assert caught.value.message_dict == {"purpose": ["Say why you open this record."]}
    assert AccessLogEntry.objects.count() == 0
    entry = services.access_log_record(
        actor=clerk, person=person, action=AccessLogEntry.Action.VIEW, purpose=" counter "
    )
    assert (entry.actor, entry.actor_name, entry.purpose) == (clerk, "Els Claes", "counter")


@pytest.mark.django_db
def test_revealing_the_number_is_logged():
    person = PersonFactory()
    clerk = StaffUserFactory()
    number = services.person_reveal_national_number(actor=clerk, person=person, purpose="case")
    assert services.person_find_by_national_number(number) == person
    entry = AccessLogEntry.objects.get()
    assert entry.action == AccessLogEntry.Action.REVEAL_NUMBER
    with pytest.raises(ValidationError):
        services.person_reveal_national_number(actor=clerk, person=person, purpose="")
    assert AccessLogEntry.objects.count() == 1
