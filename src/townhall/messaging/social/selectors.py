"""Reads of the social part of the outbox: the back office's list and the counts for reach."""

from collections import defaultdict

from django.db.models import Count

from townhall.keyset import KeysetPage, keyset_page
from townhall.messaging.social.models import SocialPost


def social_post_page(*, params, size: int = 25) -> KeysetPage[SocialPost]:
    """The posts, newest first, one keyset page (one query)."""
    queryset = SocialPost.objects.only(
        "uuid",
        "account",
        "plugin",
        "text",
        "link",
        "state",
        "attempts",
        "next_attempt_at",
        "reason",
        "remote_url",
        "source",
        "created_at",
    )
    return keyset_page(queryset, params=params, size=size)


def social_post_counts(*, source: str) -> dict[str, dict[str, int]]:
    """Per account, how many posts about ``source`` (``"news.publication:<uuid>"``) are
    queued (sending included), sent, failed and cancelled: ``{"mastodon": {"queued":
    0, "sent": 1, "failed": 0, "cancelled": 0}}``. One grouped query on the
    (source, account) index."""
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"queued": 0, "sent": 0, "failed": 0, "cancelled": 0}
    )
    rows = (
        SocialPost.objects.filter(source=source)
        .values("account", "state")
        .annotate(posts=Count("id"))
        .order_by("account", "state")
    )
    for row in rows:
        state = "queued" if row["state"] == SocialPost.State.SENDING else row["state"]
        counts[row["account"]][state] += row["posts"]
    return dict(counts)


def social_posts_for_source(*, source: str) -> list[SocialPost]:
    """The posts about ``source``, newest first (one query), for the page of what they are about."""
    return list(SocialPost.objects.filter(source=source).order_by("-created_at", "-id"))
