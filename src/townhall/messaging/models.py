"""The outbox: templates, messages, broadcasts, letter batches and what went wrong.

A :class:`Message` is one message to one person on one channel. It is written
in the same transaction as the change that causes it, and a task delivers it
afterwards (:mod:`townhall.messaging.delivery`). Its ``state`` is the single
truth about where it is; :class:`MessageEvent` keeps the history of anything
beyond the happy path (retries, failures, receipts, cancellations).
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.languages import INTERFACE, language_choices
from townhall.registry.models import Person
from townhall.registry.preferences import Channel, Topic

# The municipality writes its messages in the interface languages only (no German).
MESSAGE_LANGUAGES = language_choices(INTERFACE)


class MessageKind(models.TextChoices):
    PERSONAL = "personal", _("personal service message")
    ANNOUNCEMENT = "announcement", _("announcement")


class MessageTemplate(models.Model):
    """A message the municipality sends again and again (berichtsjabloon), with a
    text per channel and language in :class:`TemplateText`.

    ``placeholders`` names the values a sender must give (``{{ case_reference }}``);
    every text must use each of them. A template is usable once
    :func:`~townhall.messaging.templates.template_activate` checked that it renders
    in every channel and language.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=12, choices=MessageKind.choices, default=MessageKind.PERSONAL
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    placeholders = models.JSONField(_("placeholders"), default=list, blank=True)
    # Empty: a text for every channel. An account's sign-in link goes only by
    # e-mail, so its templates name that one channel and need no SMS or letter.
    channels = models.JSONField(_("channels (empty: all)"), default=list, blank=True)
    sample_context = models.JSONField(_("sample data for the preview"), default=dict, blank=True)
    is_active = models.BooleanField(_("checked and usable"), default=False)
    # Written once for one broadcast in the back office, not offered for reuse.
    is_adhoc = models.BooleanField(_("written for one broadcast"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: a shipped template's name is translated
        (:data:`~townhall.messaging.templates.SHIPPED_NAMES`); a name staff typed
        themselves comes back as they wrote it."""
        return gettext(self.name) if self.name else ""


class TemplateText(models.Model):
    """The words of a template for one channel and language."""

    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="texts")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2, choices=MESSAGE_LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("template text")
        verbose_name_plural = _("template texts")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "channel", "language"], name="unique_template_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.channel}, {self.language})"


class Broadcast(models.Model):
    """One announcement to a selection of recipients (a street, an age band...)."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        SENDING = "sending", _("sending")
        DONE = "done", _("all handed over")
        CANCELLED = "cancelled", _("cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT)
    context = models.JSONField(default=dict, blank=True)
    selection = models.JSONField(_("selection"), default=dict)
    selection_label = models.CharField(_("recipients"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    recipients_total = models.PositiveIntegerField(_("recipients"), default=0)
    # An urgent warning (a storm, a water cut) goes on the urgent queue, ahead of
    # bulk work, and its text messages also go during the SMS quiet hours.
    urgent = models.BooleanField(_("urgent"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    prepared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-created_at"]
        permissions = [
            (
                "send_urgent_broadcast",
                _("Can send an urgent announcement (text messages also during the quiet hours)"),
            )
        ]

    def __str__(self) -> str:
        # The colon inside the translation: French puts a space before it.
        return _("%(label)s: %(value)s") % {
            "label": self.template.display_name,
            "value": self.selection_label,
        }

    @property
    def queue(self) -> str:
        """The queue of its work and its messages: urgent, or else bulk."""
        return Message.Queue.URGENT if self.urgent else Message.Queue.BULK


class BroadcastPart(models.Model):
    """A range of the recipients of a broadcast, prepared by one task, so that
    every worker helps to write a large broadcast's messages."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="parts")
    first_person_id = models.PositiveBigIntegerField()
    last_person_id = models.PositiveBigIntegerField()
    done = models.BooleanField(default=False)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("part of a broadcast")
        verbose_name_plural = _("parts of a broadcast")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "first_person_id"], name="unique_broadcast_part"
            )
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}: {self.first_person_id}–{self.last_person_id}"


class LetterBatch(models.Model):
    """The day's letters, printed from one PDF and posted together."""

    class State(models.TextChoices):
        OPEN = "open", _("collecting letters")
        PRINTED = "printed", _("ready to print")
        POSTED = "posted", _("posted")

    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    pdf = models.FileField(_("PDF"), upload_to="letter-batches/", blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    rendered_at = models.DateTimeField(_("PDF made at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("posted by"),
    )

    class Meta:
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(state="open"), name="one_open_batch_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} ({self.get_state_display()})"


class Message(models.Model):
    """One message to one recipient on one channel, and where it stands (the outbox row).

    The recipient is a person in the register, or the e-mail address of an
    account (a visitor's may have no person: ``person`` is then empty and
    ``recipient_name`` and ``address`` say who it went to).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        RETRYING = "retrying", _("failed, will try again")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")
        CANCELLED = "cancelled", _("cancelled")

    class Queue(models.TextChoices):
        URGENT = "urgent", _("urgent")
        DEFAULT = "default", _("personal")
        BULK = "bulk", _("bulk")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Foreign keys without an index of their own where a composite index below
    # starts with the column: every index is rewritten when a message changes
    # state, once per message of a broadcast.
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        db_index=False,
    )
    recipient_name = models.CharField(_("recipient"), max_length=300)
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("message template"),
    )
    broadcast = models.ForeignKey(
        Broadcast,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
        verbose_name=_("broadcast"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An e-mail address, a mobile number in E.164, or the postal address.
    address = models.CharField(_("address"), max_length=400)
    language = models.CharField(_("language"), max_length=2, choices=MESSAGE_LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    queue = models.CharField(_("queue"), max_length=10, choices=Queue.choices)
    # Values made only at hand-over (a sign-in link): the plugin's name and its
    # arguments, none of them secret. The stored text holds a marker in their
    # place (townhall.messaging.secret_values), so no token is ever kept.
    secret_source = models.JSONField(default=dict, blank=True)
    # NULL for the many messages without a key; unique among the others (Meta.constraints).
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    provider = models.CharField(_("sent through"), max_length=60, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    letter_batch = models.ForeignKey(
        LetterBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("letter batch"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["person", "-created_at"]),
            models.Index(fields=["broadcast", "state"]),
            models.Index(fields=["provider_reference"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "person"],
                condition=models.Q(broadcast__isnull=False, person__isnull=False),
                name="one_message_per_broadcast_recipient",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="unique_message_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_channel_display()} → {self.recipient_name}"

    @property
    def reference(self) -> str:
        """The reference printed on a letter and shown to staff and the resident."""
        return f"TH-{self.created_at:%Y}-{self.pk:06d}"

    @property
    def body_shown(self) -> str:
        """The text as staff and the resident read it back: where a secret value went
        (townhall.messaging.secret_values puts ``[name:<this message's uuid>]``
        there), a note says it was only in the message that went out."""
        if not self.secret_source:
            return self.body
        return re.sub(
            rf"\[[\w.-]+:{re.escape(str(self.uuid))}\]",
            str(_("(a personal link, only in the e-mail itself)")),
            self.body,
        )


class MessageEvent(models.Model):
    """Something that happened to a message besides being sent: a retry, a
    failure, a receipt, a bounce, a cancellation, a resend."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=Message.State.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.state} {self.at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """An address that must not be used again: it bounced, complained, or does not exist."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")
        INVALID = "invalid", _("invalid")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=400)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked address")
        verbose_name_plural = _("blocked addresses")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="unique_suppression")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_reason_display()}"


class MessageStateCount(models.Model):
    """How many messages are in each channel and state, kept by the database itself.

    The messaging overview shows these counts on every visit; counting the whole
    outbox each time would read every message ever sent. Triggers on the message
    table (migration ``0006_message_state_counts``) add and subtract here in the
    same transaction as every insert, change of state or channel, and delete, so
    no write path (bulk inserts, ``update()``, raw SQL, the admin) can miss one.
    On PostgreSQL the trigger runs once per statement and touches the rows in a
    fixed order, so two workers never wait on each other in opposite order.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=Message.State.choices)
    # Not positive-only: a wrong count must show, not stop a message from being sent.
    messages = models.BigIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("message count")
        verbose_name_plural = _("message counts")
        constraints = [
            models.UniqueConstraint(fields=["channel", "state"], name="unique_message_state_count")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.state}: {self.messages}"


# The social part of the outbox (posts to the municipality's own accounts) lives in
# its own module; imported here so Django finds its models in this app.
from townhall.messaging.social.models import SocialPost, SocialPostEvent  # noqa: E402, F401
