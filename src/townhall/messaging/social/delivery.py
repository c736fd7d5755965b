"""Social post delivery: from a queued post to a post on the network, once.

1. :func:`~townhall.messaging.social.services.social_post_request` commits the
   post as ``queued`` (in the caller's transaction) and enqueues a task on the
   ``default`` queue after the commit.
2. The task *claims* the post with one conditional UPDATE (queued and due →
   sending, attempts + 1). A second worker, or the same task enqueued twice,
   claims nothing and sends nothing.
3. The account's plugin posts it with the post's own idempotency key
   (``Idempotency-Key``), the same on every attempt.
4. Posted: ``sent`` with the network's id and address. A 429 waits its
   ``Retry-After`` (or the backoff when it gives none); a 5xx, a time-out or a
   server that is down waits 1, 2, 4 ... minutes (``RETRY_FIRST``, at most
   ``RETRY_MAX`` apart), back in ``queued`` with ``next_attempt_at`` and the
   reason, until ``RETRY_HORIZON`` after the post was asked for; then ``failed``
   with the last reason. A refusal (any other 4xx) fails at once, with the
   network's own words. After a time-out the request may have gone through:
   the retry carries the same key, so the network answers with the post it
   made instead of making a second.
5. :func:`social_posts_sweep` (with the outbox's sweeper, every minute)
   enqueues due posts whose task was lost and takes back posts a dead worker
   left ``sending``; those go again with the same key.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.queueing import task_get
from townhall.messaging.social.channels import (
    Outgoing,
    Posted,
    RateLimited,
    UnknownSocialChannel,
)
from townhall.messaging.social.configuration import account_get, social_settings
from townhall.messaging.social.models import SocialPost, SocialPostEvent
from townhall.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)
QUEUE = "default"


def _due(now) -> Q:
    return Q(state=SocialPost.State.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def social_post_enqueue(post: SocialPost, *, run_after=None) -> None:
    """Put the post's delivery on the queue after the commit (for ``run_after`` when
    the backend can wait; otherwise the sweeper enqueues it once it is due)."""
    deliver = task_get("social_post_deliver_task").using(queue_name=QUEUE)
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            SocialPost.objects.filter(pk=post.pk).update(enqueued_at=None)
            return
        deliver = deliver.using(run_after=run_after)
    SocialPost.objects.filter(pk=post.pk).update(enqueued_at=run_after or timezone.now())
    enqueue_after_commit(deliver, post.pk)


def social_post_claim(post_id: int) -> SocialPost | None:
    """Mark the post as sending when it is queued and due, and return it; None when
    another worker has it, it is not due yet, or it is done."""
    now = timezone.now()
    claimed = SocialPost.objects.filter(_due(now), pk=post_id).update(
        state=SocialPost.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return SocialPost.objects.get(pk=post_id)


def social_post_deliver(post_id: int) -> None:
    """Deliver one post (the task body)."""
    post = social_post_claim(post_id)
    if post is None:
        return
    social_post_send(post)


def social_post_send(post: SocialPost) -> None:
    """Hand a claimed post to its account's plugin and write what became of it."""
    outgoing = Outgoing(
        id=str(post.uuid),
        text=post.text,
        link=post.link,
        language=post.language,
        source=post.source,
        idempotency_key=post.remote_idempotency_key,
    )
    try:
        account = account_get(post.account)
    except (UnknownSocialChannel, ImproperlyConfigured) as error:
        # The account was removed from the settings or broken since: no retry mends it.
        social_post_result_record(post, PermanentFailure(str(error)))
        return
    try:
        result: Posted | Exception = account.post(outgoing)
    except Exception as error:
        result = error
    social_post_result_record(post, result)


def social_post_result_record(post: SocialPost, result: Posted | Exception) -> None:
    """Write what became of a post that was sending."""
    now = timezone.now()
    sending = SocialPost.objects.filter(pk=post.pk, state=SocialPost.State.SENDING)
    with transaction.atomic():
        if isinstance(result, Posted):
            sending.update(
                state=SocialPost.State.SENT,
                sent_at=now,
                remote_id=result.remote_id[:200],
                remote_url=result.remote_url[:500],
                reason="",
                next_attempt_at=None,
            )
            return
        if isinstance(result, PermanentFailure):
            _failed(post, sending, str(result))
            return
        if isinstance(result, TemporaryFailure):
            reason = str(result)
        else:
            # A bug or an unexpected error: keep the post and try again rather than lose it.
            logger.error("Unexpected error posting social post %s: %r", post.pk, result)
            reason = _("Unexpected error; we will try again.")
        _temporary_failure(post, sending, reason, result, now)


def _failed(post: SocialPost, sending, reason: str) -> None:
    if sending.update(state=SocialPost.State.FAILED, reason=reason[:500], next_attempt_at=None):
        SocialPostEvent.objects.create(
            post=post, state=SocialPost.State.FAILED, detail=reason[:500]
        )


def _temporary_failure(post: SocialPost, sending, reason: str, result, now) -> None:
    attempts = SocialPost.objects.values_list("attempts", flat=True).get(pk=post.pk)
    wait = retry_backoff(attempts)
    if isinstance(result, RateLimited) and result.retry_after is not None:
        wait = result.retry_after
    config = social_settings()
    horizon = post.queued_at + timedelta(seconds=config["RETRY_HORIZON"])
    if now + wait > horizon:
        _failed(
            post,
            sending,
            _("Gave up after %(attempts)s attempts: %(reason)s")
            % {"attempts": attempts, "reason": reason},
        )
        return
    if sending.update(
        state=SocialPost.State.QUEUED, next_attempt_at=now + wait, reason=reason[:500]
    ):
        SocialPostEvent.objects.create(
            post=post, state=SocialPost.State.QUEUED, detail=reason[:500]
        )
        social_post_enqueue(post, run_after=now + wait)


def retry_backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8 … minutes (from the settings), capped."""
    config = social_settings()
    seconds = config["RETRY_FIRST"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["RETRY_MAX"]))


def social_posts_sweep() -> dict[str, int]:
    """Take back posts a dead worker left sending, and enqueue due posts whose task was lost."""
    config = social_settings()
    now = timezone.now()
    taken_back = 0
    stuck = SocialPost.objects.filter(
        state=SocialPost.State.SENDING,
        claimed_at__lt=now - timedelta(seconds=config["SENDING_TIMEOUT"]),
    ).only("pk")
    for post in stuck.iterator():
        with transaction.atomic():
            if SocialPost.objects.filter(pk=post.pk, state=SocialPost.State.SENDING).update(
                state=SocialPost.State.QUEUED, next_attempt_at=None, enqueued_at=None
            ):
                taken_back += 1
                SocialPostEvent.objects.create(
                    post=post,
                    state=SocialPost.State.QUEUED,
                    detail=_("The worker stopped while posting; trying again with the same key."),
                )
    lost = SocialPost.objects.filter(_due(now)).filter(
        Q(enqueued_at__isnull=True)
        | Q(enqueued_at__lt=now - timedelta(seconds=config["QUEUED_TIMEOUT"]))
    )
    requeued = 0
    for post in lost.only("pk").iterator():
        social_post_enqueue(post)
        requeued += 1
    return {"taken_back": taken_back, "requeued": requeued}
