"""Reads of the news app: what the website, the feeds and the back office show.

Public lists read one bounded query each, on the indexes of
:class:`~townhall.news.models.Publication` (state, kind and time; one flag per
audience): only what is published, whose ``publish_at`` has come and whose
``expires_at`` has not. Lists are keyset pages (:mod:`townhall.keyset`) or capped.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from townhall.keyset import KeysetPage, keyset_page
from townhall.news.models import AUDIENCE_FIELDS, NewsTopic, Publication

PAGE_SIZE = 20
FEED_SIZE = 50
CALENDAR_MAX = 300
ALERTS_MAX = 5
STAFF_PAGE_SIZE = 50
# What a list shows of each publication: the heavy texts stay in the database.
LIST_FIELDS = (
    "id",
    "uuid",
    "slug",
    "kind",
    "state",
    "title",
    "title_fr",
    "title_en",
    "summary",
    "summary_fr",
    "summary_en",
    "publish_at",
    "expires_at",
    "starts_at",
    "ends_at",
    "place",
    "urgent",
)


class UnknownFilter(LookupError):
    """A topic or audience in an address that does not exist (the page answers 404)."""


@dataclass(frozen=True)
class Filters:
    topic: NewsTopic | None = None
    audience: str = ""

    def query(self) -> dict:
        """The filters as query parameters of the public pages and feeds."""
        found = {}
        if self.topic:
            found["onderwerp"] = self.topic.code
        if self.audience:
            found["doelgroep"] = self.audience
        return found


def filters_from(params) -> Filters:
    """The topic (``onderwerp``) and audience (``doelgroep``) of a public address.

    Raises :class:`UnknownFilter` for a topic or audience that does not exist."""
    topic_code = str(params.get("onderwerp", "") or "")[:40]
    audience = str(params.get("doelgroep", "") or "")[:40]
    if "\x00" in topic_code or "\x00" in audience:  # PostgreSQL refuses NUL in a query
        raise UnknownFilter(repr(topic_code))
    topic = None
    if topic_code:
        topic = NewsTopic.objects.filter(code=topic_code).first()
        if topic is None:
            raise UnknownFilter(topic_code)
    if audience and audience not in AUDIENCE_FIELDS:
        raise UnknownFilter(audience)
    return Filters(topic=topic, audience=audience)


def topics_offered() -> list[NewsTopic]:
    return list(NewsTopic.objects.filter(is_active=True))


def _visible(now: datetime.datetime) -> Q:
    return Q(state=Publication.State.PUBLISHED, publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def published(*, now: datetime.datetime | None = None, filters: Filters = Filters()) -> QuerySet:
    """Every publication the website shows now, narrowed by ``filters``."""
    queryset = Publication.objects.filter(_visible(now or timezone.now()))
    if filters.topic is not None:
        queryset = queryset.filter(topics=filters.topic)
    if filters.audience:
        queryset = queryset.filter(**{AUDIENCE_FIELDS[filters.audience]: True})
    return queryset


def news_page(*, params, filters: Filters, now=None) -> KeysetPage[Publication]:
    """News items and alerts, newest first, a keyset page of :data:`PAGE_SIZE`."""
    queryset = (
        published(now=now, filters=filters)
        .filter(kind__in=(Publication.Kind.NEWS, Publication.Kind.ALERT))
        .only(*LIST_FIELDS)
    )
    return keyset_page(queryset, params=params, size=PAGE_SIZE, field="publish_at")


def events_page(*, params, filters: Filters, now=None) -> KeysetPage[Publication]:
    """Events not yet over, soonest first, a keyset page of :data:`PAGE_SIZE`."""
    now = now or timezone.now()
    queryset = (
        published(now=now, filters=filters)
        .filter(kind=Publication.Kind.EVENT)
        .filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
        .only(*LIST_FIELDS)
    )
    return keyset_page(queryset, params=params, size=PAGE_SIZE, field="starts_at", descending=False)


def events_between(
    *, start: datetime.datetime, end: datetime.datetime, filters: Filters, now=None
) -> list[Publication]:
    """Events that take place (at least partly) from ``start`` to before ``end``."""
    return list(
        published(now=now, filters=filters)
        .filter(kind=Publication.Kind.EVENT, starts_at__lt=end)
        .filter(Q(ends_at__gte=start) | Q(ends_at__isnull=True, starts_at__gte=start))
        .only(*LIST_FIELDS)
        .order_by("starts_at", "pk")[:CALENDAR_MAX]
    )


def alerts_current(*, now=None) -> list[Publication]:
    """The alerts that hold now, urgent ones first."""
    now = now or timezone.now()
    return list(
        published(now=now)
        .filter(kind=Publication.Kind.ALERT, ends_at__gt=now)
        .only(*LIST_FIELDS)
        .order_by("-urgent", "-publish_at", "-pk")[:ALERTS_MAX]
    )


def feed_entries(*, filters: Filters, kind: str | None = None, now=None) -> list[Publication]:
    """The :data:`FEED_SIZE` newest publications for a feed, with their topics."""
    queryset = published(now=now, filters=filters)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.prefetch_related("topics").order_by("-publish_at", "-pk")[:FEED_SIZE])


def calendar_events(*, filters: Filters, now=None) -> list[Publication]:
    """Events for the iCalendar feed: those not over for more than 30 days, soonest first."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    return list(
        published(now=now, filters=filters)
        .filter(kind=Publication.Kind.EVENT)
        .filter(Q(ends_at__gte=since) | Q(ends_at__isnull=True, starts_at__gte=since))
        .order_by("starts_at", "pk")[:CALENDAR_MAX]
    )


@dataclass(frozen=True)
class Found:
    """A publication asked for by its address, and whether it is online now."""

    publication: Publication | None
    gone: bool = False  # withdrawn or past its end of publication: 410


def publication_for_page(*, slug: str, now=None) -> Found:
    """The publication at ``slug`` as the public page reads it, with topics and streets."""
    now = now or timezone.now()
    publication = (
        Publication.objects.filter(slug=slug).prefetch_related("topics", "streets").first()
    )
    if publication is None or publication.state in (
        Publication.State.DRAFT,
        Publication.State.REVIEW,
    ):
        return Found(None)
    if publication.state == Publication.State.WITHDRAWN or (
        publication.expires_at and publication.expires_at <= now
    ):
        return Found(None, gone=True)
    if publication.publish_at is None or publication.publish_at > now:
        return Found(None)
    return Found(publication)


def staff_publications(*, params, state: str = "", kind: str = "") -> KeysetPage[Publication]:
    """The back office's list, newest first, filtered by state and kind."""
    queryset = Publication.objects.only(*LIST_FIELDS, "created_at", "updated_at")
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return keyset_page(queryset, params=params, size=STAFF_PAGE_SIZE, field="created_at")


def publication_for_staff(*, pk: int) -> Publication | None:
    return (
        Publication.objects.filter(pk=pk)
        .select_related("created_by", "state_changed_by")
        .prefetch_related("topics", "streets")
        .first()
    )


def state_history(publication: Publication) -> list:
    return list(publication.state_changes.select_related("changed_by"))
