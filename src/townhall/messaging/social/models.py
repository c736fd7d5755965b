"""The social part of the outbox: posts to the municipality's own social media accounts.

A :class:`SocialPost` is one post on one account (a Mastodon account, a network
reached through a webhook). It is not a personal message: it has no person, no
consent and no preferred channel, so it never becomes a
:class:`~townhall.registry.preferences.Channel` a resident could choose. Its
``state`` is the single truth about where it is; :class:`SocialPostEvent` keeps
the history (retries, failures, a cancellation, a retry by staff).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from townhall.languages import INTERFACE, language_choices

POST_LANGUAGES = language_choices(INTERFACE)


class SocialPost(models.Model):
    """One post to one social media account (sociale-mediabericht), and where it stands.

    ``idempotency_key`` is the caller's (unique per account: asking twice gives
    the same post); the key sent to the network is made from ``uuid``, so every
    attempt of this post, a retry by staff included, carries the same one.
    ``source`` names what the post is about, as ``"news.publication:<uuid>"``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        # Not the letters' "posted" (handed to the post office).
        SENT = "sent", pgettext_lazy("social media post", "posted")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.CharField(_("account"), max_length=40)
    plugin = models.CharField(_("network"), max_length=40)
    text = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=POST_LANGUAGES)
    source = models.CharField(_("about"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    remote_id = models.CharField(_("id on the network"), max_length=200, blank=True)
    remote_url = models.URLField(_("address on the network"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the current round of attempts began (asked for, or tried again by staff):
    # the retry horizon counts from here.
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(
        pgettext_lazy("social media post", "posted"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("social media post")
        verbose_name_plural = _("social media posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["source", "account"]),
            models.Index(fields=["-created_at", "-id"], name="socialpost_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="unique_social_post_key_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.text[:40]}"

    @property
    def remote_idempotency_key(self) -> str:
        """The key every attempt of this post sends (``Idempotency-Key``)."""
        return f"townhall-{self.uuid}"


class SocialPostEvent(models.Model):
    """Something that happened to a post: a retry, a failure, a cancellation, a retry by staff."""

    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=SocialPost.State.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("social media post event")
        verbose_name_plural = _("social media post events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.post_id} {self.state} {self.at:%Y-%m-%d %H:%M}"
