"""Who receives a publication, and who a digest: the recipient resolver (the reads).

:func:`publication_recipients` yields each recipient of a publication once:

1. Active subscriptions whose topics (or "all topics") and audiences meet the
   publication's: e-mail only when the subscriber wants it at once (the others
   get the digest), SMS only for an alert.
2. Subscriptions of signed-in residents with "everything about my street" whose
   domicile street, read now through ``Person.domicile.street``, is among
   ``street_ids``: a resident who moved gets the news of the new street.
3. The residents registered on those streets, on the channel the register gives
   for the register's topic (``alerts`` for an alert, ``news`` for news) through
   :func:`~townhall.registry.contact.contact_channels_for_many`: for news only
   with their consent; alerts are owed to residents, as the register says
   (``CONSENT_TOPICS``), so they follow the channel chosen for alerts, which may
   be a letter for someone without e-mail or mobile.

A signed-in resident's subscription goes to the address the register holds for
them *now* on its channel (their e-mail address or mobile number changed on the
contact preferences applies at once); when the register no longer has one, it
is skipped. Each person appears once (a subscription first, then their
residence), each address once. Rows are read in keyset batches of ``batch_size`` by primary
key, so 10,000 subscribers are never in memory at once; only the sets of
persons and addresses already given are kept.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from townhall.languages import FALLBACK, INTERFACE
from townhall.news.models import (
    Frequency,
    Subscription,
    SubscriptionAudience,
    SubscriptionChannel,
)
from townhall.registry.contact import contact_channels_for_many
from townhall.registry.models import Person
from townhall.registry.preferences import Topic

KIND_NEWS = "news"
KIND_ALERT = "alert"
REGISTER_TOPIC = {KIND_NEWS: Topic.NEWS, KIND_ALERT: Topic.ALERTS}
BATCH_SIZE = 2000

VIA_SUBSCRIPTION = "subscription"
VIA_MY_STREET = "my_street"
VIA_RESIDENCE = "residence"


@dataclass(frozen=True)
class Recipient:
    """One recipient of a publication: where, how, in which language, and why."""

    channel: str  # email, sms (or letter, for an alert to a resident without either)
    address: str
    language: str
    via: str  # VIA_SUBSCRIPTION, VIA_MY_STREET or VIA_RESIDENCE
    subscription_id: int | None = None
    person_id: int | None = None


SUBSCRIPTION_COLUMNS = (
    "pk",
    "all_topics",
    "my_street",
    "subscriber__channel",
    "subscriber__address",
    "subscriber__language",
    "subscriber__person_id",
    "subscriber__person__domicile__street_id",
    "subscriber__person__email",
    "subscriber__person__mobile",
)


def subscriber_address(row: dict) -> str:
    """Where a subscription row goes: the register's address now for a resident's
    ("" when it has none any more), the address given for anyone else's."""
    if row["subscriber__person_id"] is None:
        return row["subscriber__address"]
    if row["subscriber__channel"] == SubscriptionChannel.EMAIL:
        return (row["subscriber__person__email"] or "").strip().lower()
    return row["subscriber__person__mobile"] or ""


def _language(code: str | None, fallback: str) -> str:
    return code if code in INTERFACE else fallback


def _batches(queryset, columns: Iterable[str], batch_size: int) -> Iterator[list[dict]]:
    """The rows of ``queryset`` by primary key, ``batch_size`` at a time (keyset)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").values(*columns)[:batch_size])
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        last = batch[-1]["pk"]


def _subscriptions_for(*, topic_ids, audiences, street_ids, kind, channels=None):
    topic_match = Q(all_topics=True) | Q(
        Exists(
            Subscription.topics.through.objects.filter(
                subscription_id=OuterRef("pk"), newstopic_id__in=list(topic_ids)
            )
        )
    )
    audience_match = Exists(
        SubscriptionAudience.objects.filter(
            subscription_id=OuterRef("pk"), audience__in=list(audiences)
        )
    )
    street_match = Q(my_street=True, subscriber__person__domicile__street_id__in=street_ids)
    channels = set(SubscriptionChannel.values if channels is None else channels)
    channel_ok = Q(pk__in=[])
    if SubscriptionChannel.EMAIL in channels:
        channel_ok |= Q(
            subscriber__channel=SubscriptionChannel.EMAIL, frequency=Frequency.IMMEDIATE
        )
    if kind == KIND_ALERT and SubscriptionChannel.SMS in channels:
        channel_ok |= Q(subscriber__channel=SubscriptionChannel.SMS)
    matches = topic_match & audience_match
    if street_ids:
        matches |= street_match
    return Subscription.objects.filter(matches, channel_ok, state=Subscription.State.ACTIVE)


def publication_recipients(
    *,
    topic_ids: Iterable[int],
    audiences: Iterable[str],
    street_ids: Iterable[int],
    kind: str,
    language_fallback: str = FALLBACK,
    batch_size: int = BATCH_SIZE,
    channels: Iterable[str] | None = None,
) -> Iterator[Recipient]:
    """Each recipient of a publication once (see the module's steps). ``kind`` is
    :data:`KIND_NEWS` or :data:`KIND_ALERT`. ``channels`` (all when None) limits them
    to the channels chosen for the publication: a subscription on another channel is
    left out, and a resident gets the first of the register's channels among them,
    so a person whose subscription is on a channel not chosen may still be reached
    as a resident of the street."""
    if kind not in REGISTER_TOPIC:
        raise ValueError(f"Unknown kind of publication: {kind!r}")
    street_ids = list(street_ids)
    persons: set[int] = set()
    addresses: set[tuple[str, str]] = set()
    subscriptions = _subscriptions_for(
        topic_ids=topic_ids,
        audiences=audiences,
        street_ids=street_ids,
        kind=kind,
        channels=channels,
    )
    for batch in _batches(subscriptions, SUBSCRIPTION_COLUMNS, batch_size):
        for row in batch:
            person_id = row["subscriber__person_id"]
            address = subscriber_address(row)
            key = (row["subscriber__channel"], address.lower())
            if not address or key in addresses or (person_id is not None and person_id in persons):
                continue
            addresses.add(key)
            if person_id is not None:
                persons.add(person_id)
            on_street = row["my_street"] and row["subscriber__person__domicile__street_id"] in (
                street_ids
            )
            yield Recipient(
                channel=row["subscriber__channel"],
                address=address,
                language=_language(row["subscriber__language"], language_fallback),
                via=VIA_MY_STREET if on_street else VIA_SUBSCRIPTION,
                subscription_id=row["pk"],
                person_id=person_id,
            )
    if street_ids:
        yield from _residents(
            street_ids, kind, language_fallback, batch_size, persons, addresses, channels
        )


def _residents(
    street_ids, kind, fallback, batch_size, persons, addresses, allowed=None
) -> Iterator[Recipient]:
    residents = Person.objects.filter(
        state=Person.State.RESIDENT, domicile__street_id__in=street_ids
    ).select_related("domicile")
    last = 0
    while True:
        batch = list(residents.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        fresh = [person for person in batch if person.pk not in persons]
        channels = contact_channels_for_many(fresh, REGISTER_TOPIC[kind]) if fresh else {}
        for person in fresh:
            found = channels.get(person.pk) or []
            if allowed is not None:
                found = [c for c in found if c.channel in allowed]
            if not found:
                continue  # news without consent, or no way to reach them at all
            first = found[0]
            key = (first.channel, first.address.lower())
            if key in addresses:
                continue  # the same address already has it (a subscription, a housemate)
            addresses.add(key)
            persons.add(person.pk)
            yield Recipient(
                channel=first.channel,
                address=first.address,
                language=_language(person.language, fallback),
                via=VIA_RESIDENCE,
                person_id=person.pk,
            )
        if len(batch) < batch_size:
            return
        last = batch[-1].pk


@dataclass(frozen=True)
class DigestRecipient:
    """A subscription that gets a daily or weekly digest, with what it is for."""

    subscription_id: int
    address: str
    language: str
    all_topics: bool
    topic_ids: frozenset[int]
    audiences: frozenset[str]
    street_id: int | None  # the domicile street now, for "everything about my street"


def digest_recipients(
    *, frequency: str, language_fallback: str = FALLBACK, batch_size: int = BATCH_SIZE
) -> Iterator[DigestRecipient]:
    """The active e-mail subscriptions with a ``daily`` or ``weekly`` digest, batch by
    batch (three queries a batch), each with its topics, audiences and street."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(f"No digest is sent {frequency!r}.")
    subscriptions = Subscription.objects.filter(
        state=Subscription.State.ACTIVE,
        subscriber__channel=SubscriptionChannel.EMAIL,
        frequency=frequency,
    )
    for batch in _batches(subscriptions, SUBSCRIPTION_COLUMNS, batch_size):
        ids = [row["pk"] for row in batch]
        topics: dict[int, set[int]] = {}
        for sid, tid in Subscription.topics.through.objects.filter(
            subscription_id__in=ids
        ).values_list("subscription_id", "newstopic_id"):
            topics.setdefault(sid, set()).add(tid)
        audiences: dict[int, set[str]] = {}
        for sid, audience in SubscriptionAudience.objects.filter(
            subscription_id__in=ids
        ).values_list("subscription_id", "audience"):
            audiences.setdefault(sid, set()).add(audience)
        for row in batch:
            address = subscriber_address(row)
            if not address:
                continue
            yield DigestRecipient(
                subscription_id=row["pk"],
                address=address,
                language=_language(row["subscriber__language"], language_fallback),
                all_topics=row["all_topics"],
                topic_ids=frozenset(topics.get(row["pk"], ())),
                audiences=frozenset(audiences.get(row["pk"], ())),
                street_id=row["subscriber__person__domicile__street_id"]
                if row["my_street"]
                else None,
            )


def subscriptions_of_person(person: Person) -> list[Subscription]:
    """A resident's active subscriptions, for My page (two queries and one a kind)."""
    return list(
        Subscription.objects.filter(subscriber__person=person, state=Subscription.State.ACTIVE)
        .select_related("subscriber")
        .prefetch_related("topics", "audience_rows")
        .order_by("subscriber__channel")
    )


def subscription_by_uuid(value) -> Subscription | None:
    return Subscription.objects.select_related("subscriber").filter(uuid=value).first()
