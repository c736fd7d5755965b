"""The daily and weekly digests of news subscriptions by e-mail.

:func:`digests_send` (``manage.py news_deliveries``, every few minutes in
``run_demo``, from a timer in production) sends each active e-mail subscription
with a ``daily`` or ``weekly`` frequency one e-mail with the publications
published (with e-mail chosen) since its last digest that match its topics and
audiences, or its street for "everything about my street":

1. The period is the local day (``2026-12-04``) or the ISO week (``2026-W49``); a
   :class:`~townhall.news.models.DigestSent` row per subscription and period,
   unique, is written in the transaction of the message, whose idempotency key
   names the period too: a second run in the same period sends nothing.
2. "Since its last digest" is the ``until`` of its last one, or the moment the
   subscription was confirmed.
3. Nothing new: no e-mail and no row, so the next run looks again.
4. A daily digest goes from :data:`SEND_HOUR` in the morning; a weekly one on
   Monday from that hour.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import override

from townhall.messaging.errors import MessagingError
from townhall.messaging.templates import templates_ensure
from townhall.news.delivery import publication_url
from townhall.news.models import DigestSent, Frequency, Publication, Subscription
from townhall.news.subscription_messages import subscriber_message_send
from townhall.news.subscription_selectors import DigestRecipient, digest_recipients

logger = logging.getLogger(__name__)

TEMPLATE = "news-digest"
SEND_HOUR = 7
WINDOW = {Frequency.DAILY: datetime.timedelta(days=2), Frequency.WEEKLY: datetime.timedelta(days=8)}


def digest_period(frequency: str, now: datetime.datetime) -> str:
    day = timezone.localtime(now).date()
    if frequency == Frequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _due(frequency: str, now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    if local.hour < SEND_HOUR:
        return False
    return frequency == Frequency.DAILY or local.isoweekday() == 1


def _candidates(since: datetime.datetime, now: datetime.datetime) -> list[dict]:
    """The publications with e-mail chosen, published in the window, with their topics
    and streets (three queries)."""
    publications = list(
        Publication.objects.filter(
            state=Publication.State.PUBLISHED,
            channel_email=True,
            publish_at__gt=since,
            publish_at__lte=now,
        )
        .prefetch_related("topics", "streets")
        .order_by("publish_at", "pk")
    )
    return [
        {
            "publication": p,
            "topics": {t.pk for t in p.topics.all()},
            "streets": {s.pk for s in p.streets.all()},
            "audiences": set(p.audiences),
        }
        for p in publications
        if p.expires_at is None or p.expires_at > now
    ]


def _matches(candidate: dict, recipient: DigestRecipient) -> bool:
    if recipient.street_id is not None and recipient.street_id in candidate["streets"]:
        return True
    topics = recipient.all_topics or bool(candidate["topics"] & recipient.topic_ids)
    return topics and bool(candidate["audiences"] & recipient.audiences)


def _list_text(publications: list[Publication], language: str) -> str:
    parts = []
    for publication in publications:
        lines = [publication.text("title", language), publication.text("summary", language)]
        lines.append(publication_url(publication))
        parts.append("\n".join(line for line in lines if line))
    return "\n\n".join(parts)


def digests_send(*, frequency: str, now: datetime.datetime | None = None, force=False) -> int:
    """Send the ``daily`` or ``weekly`` digests due now; how many were sent. ``force``
    sends outside the usual hour (and day), still once per period."""
    now = now or timezone.now()
    if not force and not _due(frequency, now):
        return 0
    templates_ensure([TEMPLATE])
    period = digest_period(frequency, now)
    candidates = _candidates(now - WINDOW[frequency], now)
    if not candidates:
        return 0
    sent = 0
    for recipient in digest_recipients(frequency=frequency):
        if DigestSent.objects.filter(
            subscription_id=recipient.subscription_id, period=period
        ).exists():
            continue
        since = _since(recipient.subscription_id)
        if since is None:
            continue
        chosen = [
            c["publication"]
            for c in candidates
            if c["publication"].publish_at > since and _matches(c, recipient)
        ]
        if not chosen:
            continue  # nothing new: no e-mail
        if _send(recipient, chosen, period, now):
            sent += 1
    return sent


def _since(subscription_id: int) -> datetime.datetime | None:
    last = DigestSent.objects.filter(subscription_id=subscription_id).aggregate(m=Max("until"))["m"]
    if last is not None:
        return last
    row = (
        Subscription.objects.filter(pk=subscription_id)
        .values_list("confirmed_at", "created_at")
        .first()
    )
    if row is None:
        return None
    return row[0] or row[1]


def _send(recipient: DigestRecipient, publications: list[Publication], period, now) -> bool:
    subscription = Subscription.objects.select_related("subscriber__person").get(
        pk=recipient.subscription_id
    )
    with override(recipient.language):
        text = _list_text(publications, recipient.language)
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                subscription=subscription,
                period=period,
                until=now,
                publications=len(publications),
            )
            subscriber_message_send(
                subscription=subscription,
                template=TEMPLATE,
                context={"count": str(len(publications)), "list": text},
                topic="news",
                idempotency_key=f"news-digest:{subscription.pk}:{period}",
            )
    except IntegrityError:
        return False  # another run sent this period's digest at the same moment
    except MessagingError as error:
        # The register holds no address for this resident's subscription any more.
        logger.info("No digest for subscription %s: %s", subscription.pk, error)
        return False
    return True
