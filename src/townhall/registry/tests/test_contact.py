"""Contact details and channel preferences: validated, recorded with their source,
used everywhere."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.registry.contact import (
    FOLLOW_PREFERRED,
    NO_MESSAGES,
    contact_channels_for,
    contact_details_update,
    contact_settings_for,
)
from townhall.registry.models import Person
from townhall.registry.preferences import (
    Channel,
    Consent,
    ContactPreference,
    Topic,
    TopicPreference,
)
from townhall.registry.provenance import FieldGroup, RecordSource, Source
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FOLLOW_ALL = {topic: FOLLOW_PREFERRED for topic in Topic.values} | {
    Topic.NEWS: NO_MESSAGES,
    Topic.WASTE_COLLECTION: NO_MESSAGES,
}


def update(person, **changes):
    fields = {
        "email": person.email,
        "mobile": person.mobile,
        "preferred_channel": Channel.EMAIL,
        "topic_channels": dict(FOLLOW_ALL),
        "language": person.language,
        **changes,
    }
    return contact_details_update(person=person, actor=None, **fields)


def test_a_change_is_normalised_and_recorded_with_its_source():
    person = PersonFactory(email="", mobile="")
    update(person, email=" an@example.org ", mobile="0470 12 34 56", preferred_channel="sms")
    person.refresh_from_db()
    assert person.email == "an@example.org"
    assert person.mobile == "+32470123456"
    assert ContactPreference.objects.get(person=person).preferred_channel == "sms"
    source = RecordSource.objects.get(person=person, group=FieldGroup.CONTACT)
    assert source.source == Source.RESIDENT
    assert str(source) == f"the resident, via My data, {timezone.localdate():%Y-%m-%d}"
    assert RecordSource.objects.filter(person=person, group=FieldGroup.PREFERENCES).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not an address"}, "email", "name@example.org"),
        ({"mobile": "12345"}, "mobile", "not a valid telephone number"),
        ({"mobile": "", "preferred_channel": "sms"}, "preferred_channel", "mobile number"),
        ({"email": "", "preferred_channel": "email"}, "preferred_channel", "e-mail address"),
        ({"preferred_channel": "pigeon"}, "preferred_channel", "Choose how"),
        ({"language": "xx"}, "language", "language"),
        (
            {"topic_channels": FOLLOW_ALL | {Topic.DECISIONS: NO_MESSAGES}},
            "topic_decisions",
            "must be able to reach you",
        ),
        (
            {"mobile": "", "topic_channels": FOLLOW_ALL | {Topic.ALERTS: Channel.SMS}},
            "topic_alerts",
            "mobile number",
        ),
    ],
)
def test_a_wrong_value_is_refused_and_nothing_is_saved(changes, field, message):
    person = PersonFactory(email="old@example.org", mobile="+32470000001", language="nl")
    with pytest.raises(ValidationError) as error:
        update(person, **({"email": "new@example.org", "language": "fr"} | changes))
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    person = Person.objects.get(pk=person.pk)
    assert (person.email, person.mobile, person.language) == (
        "old@example.org",
        "+32470000001",
        "nl",
    )
    assert not ContactPreference.objects.filter(person=person).exists()
    assert not RecordSource.objects.filter(person=person).exists()


def test_a_letter_needs_a_postal_address():
    visitor = PersonFactory(visitor=True, domicile=None, email="v@example.org")
    with pytest.raises(ValidationError, match="no postal address"):
        update(visitor, preferred_channel=Channel.LETTER)


def test_consent_is_given_and_withdrawn_with_date_and_source():
    person = PersonFactory(email="an@example.org")
    update(person, topic_channels=FOLLOW_ALL | {Topic.NEWS: Channel.EMAIL})
    consent = Consent.objects.get(person=person, topic=Topic.NEWS)
    assert consent.given
    assert consent.on == timezone.localdate()
    assert (consent.source, consent.detail) == (Source.RESIDENT, "via My data")
    assert TopicPreference.objects.get(person=person, topic=Topic.NEWS).channel == "email"
    update(person, topic_channels=FOLLOW_ALL)
    consent.refresh_from_db()
    assert not consent.given
    assert not TopicPreference.objects.filter(person=person, topic=Topic.NEWS).exists()
    assert contact_settings_for(person).topic_channels[Topic.NEWS] == NO_MESSAGES
    # Never given, never withdrawn: no row.
    assert not Consent.objects.filter(person=person, topic=Topic.WASTE_COLLECTION).exists()


# --- contact_channels_for -------------------------------------------------------


def channels(person, topic):
    return [(c.channel, c.address) for c in contact_channels_for(person, topic)]


def test_without_choices_the_known_digital_channels_come_first_then_a_letter():
    person = PersonFactory(email="an@example.org", mobile="+32470123456")
    assert channels(person, Topic.DECISIONS) == [
        ("email", "an@example.org"),
        ("sms", "+32470123456"),
        ("letter", str(person.domicile)),
    ]


def test_without_a_digital_channel_it_falls_back_to_a_letter():
    person = PersonFactory(email="", mobile="")
    assert channels(person, Topic.REMINDERS) == [("letter", str(person.domicile))]


def test_without_any_address_there_is_no_channel():
    visitor = PersonFactory(visitor=True, domicile=None, email="", mobile="")
    assert channels(visitor, Topic.DECISIONS) == []


def test_the_preferred_channel_and_a_topic_override_come_first():
    person = PersonFactory(email="an@example.org", mobile="+32470123456")
    update(
        person,
        preferred_channel=Channel.LETTER,
        topic_channels=FOLLOW_ALL | {Topic.ALERTS: Channel.SMS},
    )
    assert [c for c, _a in channels(person, Topic.DECISIONS)] == ["letter", "email", "sms"]
    assert [c for c, _a in channels(person, Topic.ALERTS)] == ["sms", "email", "letter"]


def test_a_channel_whose_address_was_removed_is_skipped():
    person = PersonFactory(email="an@example.org", mobile="+32470123456")
    update(person, preferred_channel=Channel.SMS)
    Person.objects.filter(pk=person.pk).update(mobile="")
    person.refresh_from_db()
    assert [c for c, _a in channels(person, Topic.DECISIONS)] == ["email", "letter"]


def test_consent_topics_reach_only_those_who_asked_by_the_channel_they_chose():
    person = PersonFactory(email="an@example.org", mobile="+32470123456")
    assert channels(person, Topic.NEWS) == []
    update(person, topic_channels=FOLLOW_ALL | {Topic.NEWS: FOLLOW_PREFERRED})
    assert channels(person, Topic.NEWS) == [("email", "an@example.org")]
    update(person, topic_channels=FOLLOW_ALL | {Topic.WASTE_COLLECTION: Channel.SMS})
    assert channels(person, Topic.WASTE_COLLECTION) == [("sms", "+32470123456")]
    assert channels(person, Topic.NEWS) == []


def test_a_change_in_one_place_changes_the_channel_everywhere():
    person = PersonFactory(email="old@example.org", mobile="")
    assert channels(person, Topic.DECISIONS)[0] == ("email", "old@example.org")
    update(person, email="new@example.org")
    assert channels(person, Topic.DECISIONS)[0] == ("email", "new@example.org")


def test_an_unknown_topic_is_refused():
    with pytest.raises(ValueError, match="horoscope"):
        contact_channels_for(PersonFactory(), "horoscope")


def test_channels_are_found_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    person = PersonFactory(email="an@example.org")
    person = Person.objects.select_related("domicile").get(pk=person.pk)
    with django_assert_max_num_queries(3):
        contact_channels_for(person, Topic.DECISIONS)
