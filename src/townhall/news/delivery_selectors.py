"""The reach of a publication: per channel, how many of its messages are queued, sent,
delivered and failed, and per social account its posts (the reads of the reach page).

Opened is not counted: Townhall puts no tracking pixel or tracked link in its
messages, so nobody knows who opened one.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from townhall.messaging.models import Message, MessageTemplate
from townhall.messaging.social.selectors import social_post_counts
from townhall.news.delivery import (
    delivery_source,
    delivery_template_code,
    recipients_of,
)
from townhall.news.models import Publication, PublicationDelivery
from townhall.registry.preferences import Channel

# Messaging's states, as the reach page groups them.
GROUPS = {
    Message.State.QUEUED: "queued",
    Message.State.SENDING: "queued",
    Message.State.RETRYING: "queued",
    Message.State.SENT: "sent",
    Message.State.DELIVERED: "delivered",
    Message.State.FAILED: "failed",
    Message.State.BOUNCED: "failed",
    Message.State.CANCELLED: "cancelled",
}
COLUMNS = ("queued", "sent", "delivered", "failed", "cancelled")


@dataclass(frozen=True)
class ChannelReach:
    channel: str
    label: str
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.delivered + self.failed + self.cancelled


@dataclass(frozen=True)
class Reach:
    delivery: PublicationDelivery | None
    channels: list[ChannelReach]
    social: list[ChannelReach]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.channels)

    @property
    def on_the_way(self) -> int:
        return sum(row.queued for row in self.channels) + sum(row.queued for row in self.social)

    @property
    def active(self) -> bool:
        """Still being written or handed over: the page refreshes itself."""
        if self.delivery is None:
            return False
        waiting = self.delivery.state in (
            PublicationDelivery.State.WAITING,
            PublicationDelivery.State.PREPARING,
        )
        return waiting or self.on_the_way > 0


def publication_reach(*, publication: Publication) -> Reach:
    """The publication's reach: its delivery, one grouped query over its messages (those
    of its two templates) and one over its social posts."""
    delivery = PublicationDelivery.objects.filter(publication=publication).first()
    counts: dict[str, dict[str, int]] = {c: dict.fromkeys(COLUMNS, 0) for c in Channel.values}
    rows = (
        # By the publication's two templates, whose foreign key is indexed: a prefix of
        # the idempotency key (LIKE 'news:<uuid>:%') would read the whole outbox on a
        # PostgreSQL database whose collation is not C.
        Message.objects.filter(
            template__in=MessageTemplate.objects.filter(
                code__in=[
                    delivery_template_code(publication, for_subscribers=True),
                    delivery_template_code(publication, for_subscribers=False),
                ]
            )
        )
        .values("channel", "state")
        .annotate(messages=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["channel"], dict.fromkeys(COLUMNS, 0))
        counts[row["channel"]][GROUPS[row["state"]]] += row["messages"]
    labels = dict(Channel.choices)
    channels = [ChannelReach(channel=c, label=str(labels.get(c, c)), **counts[c]) for c in counts]
    social = [
        ChannelReach(
            channel=account,
            label=account,
            queued=found["queued"],
            sent=found["sent"],
            failed=found["failed"],
            cancelled=found["cancelled"],
        )
        for account, found in sorted(
            social_post_counts(source=delivery_source(publication)).items()
        )
    ]
    return Reach(delivery=delivery, channels=channels, social=social)


@dataclass(frozen=True)
class AudienceCount:
    """How many the publication would reach, per channel and per language (counts, never
    names), for the editor's preview before publishing."""

    total: int
    per_channel: dict[str, int]
    per_language: dict[str, int]
    rows: list[tuple[str, str, int]]  # (channel label, language, count)


def publication_audience_count(*, publication: Publication) -> AudienceCount:
    """Walk the recipient resolver on the chosen channels and count (no message is
    written); the resolver reads in keyset batches, so a large audience stays cheap
    in memory."""
    pairs: Counter = Counter()
    for recipient in recipients_of(publication):
        pairs[(recipient.channel, recipient.language)] += 1
    labels = dict(Channel.choices)
    per_channel: Counter = Counter()
    per_language: Counter = Counter()
    for (channel, language), count in pairs.items():
        per_channel[channel] += count
        per_language[language] += count
    rows = [
        (str(labels.get(channel, channel)), language, count)
        for (channel, language), count in sorted(pairs.items())
    ]
    return AudienceCount(
        total=sum(pairs.values()),
        per_channel=dict(per_channel),
        per_language=dict(per_language),
        rows=rows,
    )
