"""The demo's news, events and alerts: a road-works alert on two streets, a few news
items, three events, written and published by the communication department
(``communicatie``) through the news services, so their texts are sanitised and
their editorial history kept like any other.

Times count from now, unlike the register (:mod:`townhall.demo.timeline`): the alert
holds and the events lie ahead on the day the demo is seeded.
"""

import datetime

from django.db.models import Count
from django.utils import timezone

from townhall.accounts.models import User
from townhall.languages import interface_language
from townhall.news import services
from townhall.news.models import (
    ConsentRecord,
    Frequency,
    NewsTopic,
    Subscriber,
    Subscription,
    SubscriptionAudience,
    SubscriptionChannel,
)
from townhall.registry.models import Person, Street

# The words a demo resident "saw" on My page (the seed writes them as the page would).
DEMO_WORDING = (
    "Ik wil het nieuws van de gemeente ontvangen op dit adres. "
    "Ik kan me altijd met één klik uitschrijven. (demogegevens)"
)


def _day_at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _topics(topics: dict, *codes: str) -> list[NewsTopic]:
    """The topics of these codes that exist (staff may have retired or renamed none yet;
    a database emptied by hand may lack the seeded list)."""
    return [topics[code] for code in codes if code in topics]


def _busiest_streets(count: int) -> list[Street]:
    """The streets with the most addresses: where an alert reaches most residents."""
    return list(Street.objects.annotate(n=Count("addresses")).order_by("-n", "name", "pk")[:count])


def demo_subscribers_create(*, topics: dict, streets: list[Street]) -> int:
    """A few residents subscribed on My page (so the register's address is theirs):
    three by e-mail at once for road works, one by SMS for road works, one with a
    weekly digest of everything, all living elsewhere than the alert's streets (their
    neighbours there get the alert as residents); how many."""
    road_works = _topics(topics, "road-works")
    elsewhere = Person.objects.filter(state=Person.State.RESIDENT).exclude(
        domicile__street__in=streets
    )
    with_email = list(elsewhere.exclude(email="").order_by("pk")[:4])
    taken = [p.pk for p in with_email]
    with_mobile = list(elsewhere.exclude(mobile="").exclude(pk__in=taken).order_by("pk")[:1])
    plans = [(p, SubscriptionChannel.EMAIL, Frequency.IMMEDIATE, False) for p in with_email[:3]]
    plans += [(p, SubscriptionChannel.SMS, Frequency.IMMEDIATE, False) for p in with_mobile]
    plans += [(p, SubscriptionChannel.EMAIL, Frequency.WEEKLY, True) for p in with_email[3:]]
    now = timezone.now()
    for person, channel, frequency, everything in plans:
        address = person.email.strip().lower() if channel == "email" else person.mobile
        language = interface_language(person.language)
        subscriber, _created = Subscriber.objects.get_or_create(
            channel=channel, address=address, defaults={"language": language, "person": person}
        )
        subscription = Subscription.objects.create(
            subscriber=subscriber,
            state=Subscription.State.ACTIVE,
            all_topics=everything,
            frequency=frequency,
            confirmed_at=now - datetime.timedelta(days=8),
        )
        if not everything:
            subscription.topics.set(road_works)
        SubscriptionAudience.objects.create(subscription=subscription, audience="residents")
        for action in (ConsentRecord.Action.REQUESTED, ConsentRecord.Action.GIVEN):
            ConsentRecord.objects.create(
                subscription=subscription,
                action=action,
                via=ConsentRecord.Via.MY_PAGE,
                wording=DEMO_WORDING,
                language="nl",
                at=now - datetime.timedelta(days=8),
            )
    return len(plans)


def demo_publications_create() -> int:
    """Write and publish the demo publications; how many. Nothing without ``communicatie``."""
    author = User.objects.filter(username="communicatie").first()
    if author is None:
        return 0
    topics = {topic.code: topic for topic in NewsTopic.objects.all()}
    streets = _busiest_streets(2)
    street_names = " en ".join(street.name for street in streets) or "het centrum"
    demo_subscribers_create(topics=topics, streets=streets)
    now = timezone.now()
    items = [
        {
            "kind": "alert",
            "title": f"Wegenwerken in de {street_names}",
            "title_fr": f"Travaux de voirie : {street_names}",
            "summary": (
                "De straat is afgesloten voor alle verkeer. Fietsers en voetgangers kunnen door."
            ),
            "summary_fr": (
                "La rue est fermée à la circulation. Cyclistes et piétons peuvent passer."
            ),
            "body": (
                "De riolering wordt vernieuwd. "
                "**Parkeren in de straat kan niet** tijdens de werken.\n\n"
                "- Afval: zet uw container aan het begin van de straat.\n"
                "- Vragen? Bel de dienst Omgeving.\n\n"
                "Meer over [de omleiding](https://www.wegenenverkeer.be/)."
            ),
            "body_fr": (
                "Les égouts sont renouvelés. **Le stationnement est interdit** pendant les travaux."
            ),
            "urgent": True,
            "ends_at": now + datetime.timedelta(days=10),
            "sms_text": (
                f"Gemeente: {street_names} afgesloten voor verkeer tot en met volgende week."
            ),
            "channel_sms": True,
            "channel_email": True,
            "channel_social": True,
            "audiences": ["residents", "businesses"],
            "topics": _topics(topics, "road-works"),
            "streets": streets,
        },
        {
            "title": "Nieuwe openingsuren van het recyclagepark",
            "summary": "Vanaf volgende maand is het recyclagepark ook op zaterdagnamiddag open.",
            "body": (
                "Het recyclagepark is voortaan open van dinsdag tot zaterdag, van 9 tot 17 uur."
            ),
            "audiences": ["residents", "businesses"],
            "topics": _topics(topics, "waste-collection"),
            "channel_email": True,
        },
        {
            "title": "Subsidie voor verenigingen: dien uw aanvraag in",
            "title_fr": "Subsides pour les associations",
            "summary": (
                "Erkende verenigingen vragen hun werkingssubsidie aan tot het einde van de maand."
            ),
            "summary_fr": "Les associations agréées demandent leur subside jusqu'à la fin du mois.",
            "body": "Vraag de subsidie aan via het online loket. U hebt uw jaarverslag nodig.",
            "audiences": ["associations"],
            "topics": _topics(topics, "subsidies"),
        },
        {
            "title": "De gemeenteraad keurde het mobiliteitsplan goed",
            "summary": "Meer veilige fietsroutes naar de scholen en een zone 30 in het centrum.",
            "body": (
                "## Wat verandert er?\n\nDe schoolomgevingen worden autoluw tijdens de schooluren."
            ),
            "audiences": ["residents", "visitors"],
            "topics": _topics(topics, "council-decisions", "safety"),
        },
        {
            "kind": "event",
            "title": "Voorleesuurtje in de bibliotheek",
            "summary": "Verhalen voor kinderen van 4 tot 8 jaar.",
            "body": "Elke kleuter en elk kind is welkom, inschrijven hoeft niet.",
            "starts_at": _day_at(6, 14),
            "ends_at": _day_at(6, 15),
            "place": "Bibliotheek, Bruggestraat 15",
            "organiser": "Bibliotheek",
            "accessibility": "accessible",
            "audiences": ["residents", "visitors"],
            "topics": _topics(topics, "library", "events"),
        },
        {
            "kind": "event",
            "title": "Kerstmarkt op het Marktplein",
            "title_en": "Christmas market on the Marktplein",
            "summary": "Kraampjes van verenigingen, glühwein en een ijspiste.",
            "summary_en": "Stalls of local associations, mulled wine and an ice rink.",
            "starts_at": _day_at(14, 16),
            "ends_at": _day_at(16, 22),
            "place": "Marktplein",
            "organiser": "Dienst Vrije Tijd",
            "accessibility": "partly",
            "accessibility_note": "De ijspiste is niet toegankelijk met een rolstoel.",
            "audiences": ["residents", "visitors", "associations"],
            "topics": _topics(topics, "events"),
        },
        {
            "kind": "event",
            "title": "Infoavond renovatiepremies",
            "summary": "Hoe vraagt u een premie aan voor isolatie en zonnepanelen?",
            "starts_at": _day_at(21, 19, 30),
            "ends_at": _day_at(21, 21),
            "place": "Raadzaal, gemeentehuis",
            "organiser": "Woonloket",
            "is_free": False,
            "price": "2.50",
            "attendance": "mixed",
            "accessibility": "accessible",
            "audiences": ["residents"],
            "topics": _topics(topics, "subsidies"),
        },
    ]
    for fields in items:
        publication = services.publication_create(author=author, **fields)
        services.publication_submit(publication=publication, actor=author)
        services.publication_publish(publication=publication, actor=author)
    # One draft waits for review, so the back office's list has every state.
    services.publication_create(
        author=author,
        title="Zomerbar in het park (concept)",
        summary="Nog te bevestigen met de organisator.",
        audiences=["residents", "visitors"],
        topics=_topics(topics, "events"),
    )
    return len(items) + 1
