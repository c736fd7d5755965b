"""Writes of the social part of the outbox: ask for a post, cancel one, retry a failed one.

The length is checked per network before anything is queued
(:func:`social_preview` shows the same count to the editor), so a text that is
too long is refused with the count instead of failing at the network later.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.languages import INTERFACE
from townhall.messaging.errors import MessagingError
from townhall.messaging.social.channels import UnknownSocialChannel, text_composed
from townhall.messaging.social.configuration import account_get
from townhall.messaging.social.delivery import social_post_enqueue
from townhall.messaging.social.models import SocialPost, SocialPostEvent


@dataclass(frozen=True)
class SocialPreview:
    """What would be posted on an account, and how long the network counts it."""

    account: str
    network: str
    text: str  # as it goes out: the text, then the link
    length: int
    limit: int | None

    @property
    def fits(self) -> bool:
        return self.limit is None or self.length <= self.limit

    @property
    def over_by(self) -> int:
        return 0 if self.fits else self.length - self.limit


def social_preview(*, account: str, text: str, link: str = "") -> SocialPreview:
    """The post as ``account`` would publish it, its length as the network counts it
    (Mastodon: a link counts as 23 characters) and the network's limit. An unknown
    account raises :class:`MessagingError` naming the configured ones."""
    channel = _channel(account)
    composed = text_composed(text, link.strip())
    return SocialPreview(
        account=account,
        network=channel.label,
        text=composed,
        length=channel.length(composed),
        limit=channel.max_length,
    )


@transaction.atomic
def social_post_request(
    *,
    account: str,
    text: str,
    link: str = "",
    language: str,
    source: str = "",
    idempotency_key: str,
    actor=None,
) -> SocialPost:
    """Queue a post on ``account``, written in the caller's transaction and delivered
    after its commit. The same ``idempotency_key`` on the same account returns the
    post made the first time (nothing is queued again). Bad input raises
    :class:`~django.core.exceptions.ValidationError` naming the field, before
    anything is written; an unknown account a :class:`MessagingError`."""
    link = (link or "").strip()
    text = (text or "").strip()
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise ValidationError({"idempotency_key": _("Give a key of 1 to 200 characters.")})
    existing = SocialPost.objects.filter(account=account, idempotency_key=key).first()
    if existing is not None:
        return existing
    errors = {}
    if not text:
        errors["text"] = _("Write the text of the post.")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = _("The link must be a web address starting with https://.")
    if language not in INTERFACE:
        errors["language"] = _("Choose the language of the post.")
    if len(source) > 200:
        errors["source"] = _("The source reference is longer than 200 characters.")
    if errors:
        raise ValidationError(errors)
    preview = social_preview(account=account, text=text, link=link)
    if not preview.fits:
        raise ValidationError(
            {
                "text": _(
                    "The post is %(length)s characters long; %(network)s takes at most "
                    "%(limit)s. Shorten it by %(over)s characters."
                )
                % {
                    "length": preview.length,
                    "network": preview.network,
                    "limit": preview.limit,
                    "over": preview.over_by,
                }
            }
        )
    post = SocialPost(
        account=account,
        plugin=_channel(account).plugin,
        text=text,
        link=link,
        language=language,
        source=source,
        idempotency_key=key,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    post.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        # Asked twice at the same moment: the other request wrote it first.
        return SocialPost.objects.get(account=account, idempotency_key=key)
    social_post_enqueue(post)
    return post


@transaction.atomic(durable=True)
def social_post_cancel(*, post: SocialPost, actor) -> SocialPost:
    """Stop a post that has not gone out yet (queued, also while waiting for a retry)."""
    detail = _("Cancelled by staff.")
    changed = SocialPost.objects.filter(pk=post.pk, state=SocialPost.State.QUEUED).update(
        state=SocialPost.State.CANCELLED, reason=detail, next_attempt_at=None
    )
    if not changed:
        raise MessagingError(_("Only a post that has not been posted yet can be cancelled."))
    SocialPostEvent.objects.create(
        post=post, state=SocialPost.State.CANCELLED, detail=detail, actor=actor
    )
    post.refresh_from_db()
    return post


@transaction.atomic(durable=True)
def social_post_retry(*, post: SocialPost, actor) -> SocialPost:
    """Try a failed or cancelled post again, now, with its own idempotency key (if an
    earlier attempt did reach the network, it answers with that post, not a second).
    Its attempts and retry horizon start again."""
    detail = _("Tried again by staff.")
    changed = SocialPost.objects.filter(
        pk=post.pk, state__in=[SocialPost.State.FAILED, SocialPost.State.CANCELLED]
    ).update(
        state=SocialPost.State.QUEUED,
        next_attempt_at=None,
        attempts=0,
        reason="",
        queued_at=timezone.now(),
    )
    if not changed:
        raise MessagingError(_("Only a failed or cancelled post can be tried again."))
    SocialPostEvent.objects.create(
        post=post, state=SocialPost.State.QUEUED, detail=detail, actor=actor
    )
    post.refresh_from_db()
    social_post_enqueue(post)
    return post


def _channel(account: str):
    try:
        return account_get(account)
    except UnknownSocialChannel as error:
        raise MessagingError(str(error)) from None
