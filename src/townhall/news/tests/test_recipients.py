"""The recipient resolver: each recipient once, on the right channel, in their language;
"my street" follows a move; 10,000 subscribers in a fixed number of queries."""

import datetime

import pytest

from townhall.news.models import (
    Audience,
    Subscriber,
    Subscription,
    SubscriptionAudience,
)
from townhall.news.subscription_selectors import (
    KIND_ALERT,
    KIND_NEWS,
    VIA_MY_STREET,
    VIA_RESIDENCE,
    VIA_SUBSCRIPTION,
    digest_recipients,
    publication_recipients,
)
from townhall.news.subscriptions import Choices, my_subscription_save
from townhall.news.tests.conftest import topic
from townhall.registry.models import Consent
from townhall.registry.provenance import Source
from townhall.registry.services import person_update
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
RESIDENTS = (Audience.RESIDENTS,)


def subscribe(
    address,
    *,
    channel="email",
    topics=(),
    all_topics=False,
    audiences=RESIDENTS,
    frequency="immediate",
    state="active",
    language="nl",
    person=None,
    my_street=False,
):
    subscriber, _ = Subscriber.objects.get_or_create(
        channel=channel, address=address, defaults={"language": language, "person": person}
    )
    subscription = Subscription.objects.create(
        subscriber=subscriber,
        state=state,
        all_topics=all_topics,
        frequency=frequency,
        my_street=my_street,
    )
    subscription.topics.set(topics)
    for audience in audiences:
        SubscriptionAudience.objects.create(subscription=subscription, audience=audience)
    return subscription


@pytest.fixture
def town():
    road_works = topic("road-works")
    events = topic("events")
    kerk = AddressFactory(street_name="Kerkstraat", house_number="1")
    kerk_2 = AddressFactory(street_name="Kerkstraat", house_number="2")
    elsewhere = AddressFactory(street_name="Molenstraat", house_number="9")
    an = PersonFactory(domicile=kerk, email="an@example.org", mobile="+32470000001", language="fr")
    pieter = PersonFactory(domicile=kerk, email="", mobile="")  # a letter, for an alert
    lotte = PersonFactory(domicile=kerk_2, email="visitor@example.org", language="de")
    bart = PersonFactory(domicile=elsewhere, email="bart@example.org")
    Consent.objects.create(
        person=lotte,
        topic="news",
        given=True,
        on=datetime.date(2026, 1, 1),
        source=Source.RESIDENT,
    )
    return {
        "road_works": road_works,
        "events": events,
        "kerk": kerk.street_id,
        "molen": elsewhere.street_id,
        "elsewhere": elsewhere,
        "an": an,
        "pieter": pieter,
        "lotte": lotte,
        "bart": bart,
        "subs": {
            "visitor": subscribe("visitor@example.org", topics=[road_works]),
            "weekly": subscribe("weekly@example.org", topics=[road_works], frequency="weekly"),
            "sms": subscribe("+32470999999", channel="sms", topics=[road_works], language="fr"),
            "events": subscribe("events@example.org", topics=[events]),
            "business": subscribe(
                "shop@example.org", topics=[road_works], audiences=(Audience.BUSINESSES,)
            ),
            "all": subscribe("all@example.org", all_topics=True, language="en"),
            "pending": subscribe("pending@example.org", all_topics=True, state="pending"),
            "an_street": subscribe(
                "an@example.org",
                topics=[events],
                audiences=(Audience.BUSINESSES,),
                person=an,
                my_street=True,
                language="fr",
            ),
        },
    }


def recipients(town, kind, streets=("kerk",)):
    return list(
        publication_recipients(
            topic_ids=[town["road_works"].pk],
            audiences=[Audience.RESIDENTS],
            street_ids=[town[name] for name in streets],
            kind=kind,
        )
    )


def test_an_alert_about_a_street_reaches_each_recipient_once(town):
    found = recipients(town, KIND_ALERT)
    by_address = {r.address: r for r in found}
    subs = town["subs"]
    assert len(found) == len(by_address)  # each address once
    assert {r.address for r in found if r.via == VIA_SUBSCRIPTION} == {
        "visitor@example.org",
        "+32470999999",
        "all@example.org",
    }
    an = by_address["an@example.org"]
    assert (an.via, an.subscription_id, an.person_id) == (
        VIA_MY_STREET,
        subs["an_street"].pk,
        town["an"].pk,
    )
    assert an.language == "fr"
    # Pieter has no e-mail or mobile: an alert is owed to him, by letter.
    [pieter] = [r for r in found if r.person_id == town["pieter"].pk]
    assert (pieter.channel, pieter.via) == ("letter", VIA_RESIDENCE)
    # Lotte's address is a subscriber's already: it gets the alert once.
    assert sum(1 for r in found if r.address == "visitor@example.org") == 1
    assert not [r for r in found if r.person_id == town["lotte"].pk]
    assert town["bart"].pk not in {r.person_id for r in found}
    assert by_address["+32470999999"].channel == "sms"
    assert by_address["all@example.org"].language == "en"


def test_news_goes_by_e_mail_at_once_and_to_residents_only_with_their_consent(town):
    town["subs"]["visitor"].delete()
    found = recipients(town, KIND_NEWS)
    addresses = {r.address for r in found}
    assert addresses == {"all@example.org", "an@example.org", "visitor@example.org"}
    [lotte] = [r for r in found if r.address == "visitor@example.org"]
    # She consented to news in the register; German is no interface language.
    assert (lotte.via, lotte.person_id, lotte.language) == (VIA_RESIDENCE, town["lotte"].pk, "nl")
    assert town["pieter"].pk not in {r.person_id for r in found}


def test_without_streets_only_the_topic_subscribers(town):
    found = recipients(town, KIND_ALERT, streets=())
    assert {r.via for r in found} == {VIA_SUBSCRIPTION}
    assert "an@example.org" not in {r.address for r in found}


def test_my_street_follows_the_resident_when_they_move(town):
    an = town["an"]
    person_update(
        person=an,
        changes={"domicile": town["elsewhere"]},
        actor=None,
        source=Source.POPULATION_REGISTER,
    )
    assert "an@example.org" not in {r.address for r in recipients(town, KIND_ALERT)}
    moved = [r for r in recipients(town, KIND_ALERT, streets=("molen",)) if r.person_id == an.pk]
    assert [(r.address, r.via) for r in moved] == [("an@example.org", VIA_MY_STREET)]


def test_a_resident_subscribed_on_my_page_is_resolved_through_the_register(town):
    bart = town["bart"]
    my_subscription_save(
        person=bart,
        channel="email",
        choices=Choices(topic_ids=(), all_topics=False, audiences=("residents",), my_street=True),
        wording="Ja.",
        language="nl",
    )
    found = recipients(town, KIND_NEWS, streets=("molen",))
    assert [(r.address, r.via) for r in found if r.person_id == bart.pk] == [
        ("bart@example.org", VIA_MY_STREET)
    ]


def test_the_digests_list_their_subscriptions_with_topics_and_street(town):
    subscribe("daily@example.org", topics=[town["events"]], frequency="daily")
    weekly = list(digest_recipients(frequency="weekly"))
    assert [(d.address, d.topic_ids) for d in weekly] == [
        ("weekly@example.org", frozenset({town["road_works"].pk}))
    ]
    [daily] = digest_recipients(frequency="daily")
    assert daily.address == "daily@example.org"
    assert daily.audiences == frozenset({"residents"})
    with pytest.raises(ValueError, match="No digest is sent"):
        list(digest_recipients(frequency="immediate"))


def test_10000_subscribers_and_20_streets_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    road_works = topic("road-works")
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(channel="email", address=f"s{n}@example.org", language="nl")
        for n in range(10_000)
    )
    subscriptions = Subscription.objects.bulk_create(
        Subscription(subscriber=s, state="active", all_topics=n % 2 == 0)
        for n, s in enumerate(subscribers)
    )
    Subscription.topics.through.objects.bulk_create(
        Subscription.topics.through(subscription_id=s.pk, newstopic_id=road_works.pk)
        for s in subscriptions[1::2]
    )
    SubscriptionAudience.objects.bulk_create(
        SubscriptionAudience(subscription=s, audience="residents") for s in subscriptions
    )
    streets = []
    for n in range(20):
        address = AddressFactory(street_name=f"Straat {n}", house_number="1")
        streets.append(address.street_id)
        for m in range(5):
            PersonFactory(domicile=address, email=f"r{n}-{m}@example.org")
    # 6 batches of subscriptions (the last one empty), then one of residents
    # and the register's channels for them (overrides and preferences).
    with django_assert_num_queries(9):
        found = list(
            publication_recipients(
                topic_ids=[road_works.pk],
                audiences=["residents"],
                street_ids=streets,
                kind=KIND_ALERT,
            )
        )
    assert len(found) == 10_100
    assert len({r.address for r in found}) == 10_100


def test_a_residents_subscription_follows_their_address_in_the_register(town):
    an = town["an"]
    person_update(
        person=an, changes={"email": "an.new@example.org"}, actor=None, source=Source.RESIDENT
    )
    found = [r for r in recipients(town, KIND_ALERT) if r.person_id == an.pk]
    assert [(r.address, r.via) for r in found] == [("an.new@example.org", VIA_MY_STREET)]
    person_update(person=an, changes={"email": ""}, actor=None, source=Source.RESIDENT)
    found = [r for r in recipients(town, KIND_ALERT) if r.person_id == an.pk]
    # No e-mail in the register any more: not the old address, but the alert by SMS
    # as a resident of the street, on the channel the register gives.
    assert [(r.channel, r.via) for r in found] == [("sms", VIA_RESIDENCE)]
