"""Sending messages: the one entry point every module uses, and what staff do with messages.

1. A module calls :func:`message_send` inside the transaction of its own
   change (a decision, a reminder): the message row is written there and then,
   so the change and its message commit or roll back together.
2. The channel comes from the register (:func:`~townhall.registry.contact.contact_channels_for`):
   the person's choice for the topic, else their preferred channel, else a
   digital channel we know, else a letter. Blocked addresses (bounced) are
   skipped. The language is the person's, else Dutch.
3. The same ``idempotency_key`` twice gives back the first message and sends
   nothing more.
4. After the commit a task delivers it (:mod:`townhall.messaging.delivery`).
5. An account's own e-mail (a sign-in link) goes to an :class:`EmailRecipient`
   instead: the address of the account, which may have no person in the
   register. Its secret values are made at hand-over
   (:mod:`townhall.messaging.secret_values`), never stored. A
   :class:`MobileRecipient` is the same for a mobile number a person gave
   themselves (a news subscriber's, confirmed by a code).
"""

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from townhall.languages import FALLBACK, interface_language
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import (
    LetterBatch,
    Message,
    MessageEvent,
    MessageKind,
    MessageTemplate,
    Suppression,
)
from townhall.messaging.queueing import message_enqueue
from townhall.messaging.secret_values import marker, secret_sources
from townhall.messaging.templates import render, template_channels, templates_ensure
from townhall.registry.contact import ContactChannel, contact_channels_for
from townhall.registry.models import Person
from townhall.registry.preferences import Channel

FALLBACK_LANGUAGE = FALLBACK


@dataclass(frozen=True)
class EmailRecipient:
    """Someone reached at the e-mail address of their own account, rather than by
    the channels of the register: a visitor may have no person there. When the
    account has a person, the message is still theirs (it shows in their
    message log)."""

    address: str
    given_names: str
    family_name: str
    language: str
    person: Person | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)


@dataclass(frozen=True)
class MobileRecipient:
    """Someone reached by SMS at a mobile number (E.164) they gave us themselves,
    rather than by the channels of the register (a news subscriber)."""

    address: str
    given_names: str
    family_name: str
    language: str
    person: Person | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)


OwnAddress = EmailRecipient | MobileRecipient


def template_for(template: MessageTemplate | str) -> MessageTemplate:
    if isinstance(template, str):
        found = MessageTemplate.objects.filter(code=template).first()
        if found is None:
            raise MessagingError(_("There is no message template %(code)s.") % {"code": template})
        template = found
    if not template.is_active:
        raise MessagingError(
            _("The template “%(name)s” has not been checked in every language yet.")
            % {"name": template.display_name}
        )
    return template


def recipient_context(person: Person | OwnAddress, municipality_name: str) -> dict[str, str]:
    return {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "full_name": person.full_name,
        "municipality": municipality_name,
    }


def usable_channels(channels: list[ContactChannel]) -> list[ContactChannel]:
    """Leave out addresses that bounced or were reported as spam."""
    return usable_channels_many({0: channels})[0]


def usable_channels_many(
    channels: Mapping[int, list[ContactChannel]],
) -> dict[int, list[ContactChannel]]:
    """:func:`usable_channels` for many recipients at once (one query)."""
    addresses = {c.address.lower() for found in channels.values() for c in found}
    blocked = set()
    if addresses:
        blocked = set(
            Suppression.objects.filter(address__in=addresses).values_list("channel", "address")
        )
    return {
        key: [c for c in found if (c.channel, c.address.lower()) not in blocked]
        for key, found in channels.items()
    }


def message_compose(
    *,
    person: Person | OwnAddress,
    template: MessageTemplate,
    texts: Mapping[tuple[str, str], tuple[str, str]],
    channels: list[ContactChannel],
    context: Mapping[str, object],
    topic: str,
    queue: str,
    municipality_name: str,
) -> Message:
    """Build (not save) the message for one person: channel, language and filled-in text.

    ``texts`` maps (channel, language) to (subject, body). A person with no
    channel at all gets a message that is failed from the start, so that the
    gap shows in the log instead of vanishing.
    """
    language = person.language
    full_context = {**context, **recipient_context(person, municipality_name)}
    channels = [c for c in channels if c.channel in template_channels(template)]
    message = Message(
        person=person.person if isinstance(person, OwnAddress) else person,
        recipient_name=person.full_name,
        template=template,
        kind=template.kind,
        topic=topic,
        queue=queue,
    )
    if not channels:
        message.channel = Channel.LETTER
        message.address = ""
        message.language = interface_language(language)
        message.state = Message.State.FAILED
        message.reason = _("We know no e-mail address, mobile number or postal address.")
        message.body = ""
        return message
    chosen = channels[0]
    if (chosen.channel, language) not in texts:
        language = FALLBACK_LANGUAGE
    subject, body = texts[(chosen.channel, language)]
    try:
        message.subject = render(subject, full_context)[:300]
        message.body = render(body, full_context)
    except KeyError as missing:
        raise MessagingError(
            _("No value was given for {{ %(name)s }}.") % {"name": missing.args[0]}
        ) from None
    message.channel = chosen.channel
    message.address = chosen.address
    message.language = language
    return message


def template_texts(template: MessageTemplate) -> dict[tuple[str, str], tuple[str, str]]:
    return {(t.channel, t.language): (t.subject, t.body) for t in template.texts.all()}


def message_send(
    *,
    recipient: Person | OwnAddress,
    template: MessageTemplate | str,
    context: Mapping[str, object] | None = None,
    topic: str | None = None,
    idempotency_key: str | None = None,
    urgent: bool = False,
    sent_by=None,
    secret_source: str = "",
    secret_arguments: Mapping[str, object] | None = None,
) -> Message:
    """Queue one personal message to ``recipient``; it is sent after the surrounding commit.

    ``template`` is a template or its code; ``context`` fills its placeholders;
    ``topic`` defaults to the template's. An :class:`EmailRecipient` is
    written to at its own address, by e-mail only, a :class:`MobileRecipient`
    by SMS only. ``secret_source`` names the
    :class:`~townhall.messaging.secret_values.SecretSource` that fills its
    placeholders at hand-over, with ``secret_arguments`` (only for an
    ``EmailRecipient`` or a ``MobileRecipient``). Raises ``MessagingError`` for an
    unknown or unchecked template or a missing placeholder value.
    """
    from townhall.municipality.selectors import municipality_get_active_cached

    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    template = template_for(template)
    topic = topic or template.topic
    municipality = municipality_get_active_cached()
    message_uuid = uuid.uuid4()
    context = {**(context or {}), **_secret_markers(recipient, secret_source, message_uuid)}
    message = message_compose(
        person=recipient,
        template=template,
        texts=template_texts(template),
        channels=_channels_for(recipient, topic),
        context=context,
        topic=topic,
        queue=Message.Queue.URGENT if urgent else Message.Queue.DEFAULT,
        municipality_name=municipality.localized_name(recipient.language) if municipality else "",
    )
    message.uuid = message_uuid
    if isinstance(recipient, EmailRecipient) and message.state == Message.State.FAILED:
        message.channel = Channel.EMAIL
        message.address = recipient.address
        message.reason = _("Earlier messages to this e-mail address bounced; it is blocked.")
    elif isinstance(recipient, MobileRecipient) and message.state == Message.State.FAILED:
        message.channel = Channel.SMS
        message.address = recipient.address
        message.reason = _("Earlier messages to this mobile number failed; it is blocked.")
    if secret_source:
        message.secret_source = {"source": secret_source, "arguments": dict(secret_arguments or {})}
    message.idempotency_key = idempotency_key or None
    message.created_by = sent_by
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if idempotency_key and existing is not None:
            return existing  # sent at the same moment by another process
        raise
    if message.state == Message.State.FAILED:
        MessageEvent.objects.create(message=message, state=message.state, detail=message.reason)
    else:
        message_enqueue(message)
    return message


def _channels_for(recipient: Person | OwnAddress, topic: str) -> list[ContactChannel]:
    if isinstance(recipient, EmailRecipient):
        # The account's own address, not the register's choice of channel.
        return usable_channels([ContactChannel(Channel.EMAIL, recipient.address)])
    if isinstance(recipient, MobileRecipient):
        return usable_channels([ContactChannel(Channel.SMS, recipient.address)])
    return usable_channels(contact_channels_for(recipient, topic))


def _secret_markers(
    recipient: Person | OwnAddress, secret_source: str, message_uuid: uuid.UUID
) -> dict[str, str]:
    """The markers that stand in the stored text for the source's secret values."""
    if not secret_source:
        return {}
    if not isinstance(recipient, OwnAddress):
        raise MessagingError(_("A secret goes only to an address its owner gave us themselves."))
    return {name: marker(message_uuid, name) for name in secret_sources[secret_source].placeholders}


def templates_missing(codes: list[str]) -> list[str]:
    """Which of these template codes cannot be used (absent or not checked)."""
    usable = set(
        MessageTemplate.objects.filter(code__in=codes, is_active=True).values_list(
            "code", flat=True
        )
    )
    return [code for code in codes if code not in usable]


def templates_usable(codes: list[str]) -> bool:
    """Whether these templates can be used to send, after loading the shipped ones
    the database does not hold yet (:func:`templates_ensure`). One that staff changed
    and did not check again stays out of use."""
    if not templates_missing(codes):
        return True
    templates_ensure(codes)
    return not templates_missing(codes)


@transaction.atomic
def message_cancel(*, message: Message, actor) -> Message:
    """Stop a message that has not gone out yet (queued or waiting for a retry)."""
    changed = Message.objects.filter(
        pk=message.pk, state__in=[Message.State.QUEUED, Message.State.RETRYING]
    ).update(state=Message.State.CANCELLED, reason=_("Cancelled by staff."))
    if not changed:
        raise MessagingError(_("Only a message that has not been sent yet can be cancelled."))
    MessageEvent.objects.create(
        message=message, state=Message.State.CANCELLED, detail=_("Cancelled by staff."), actor=actor
    )
    message.refresh_from_db()
    return message


@transaction.atomic
def message_resend(*, message: Message, actor) -> Message:
    """Send a failed, bounced or cancelled message again, as a new message on the
    channel that applies now (the person may have given a new address since)."""
    if message.state not in (
        Message.State.FAILED,
        Message.State.BOUNCED,
        Message.State.CANCELLED,
        Message.State.SENT,
        Message.State.DELIVERED,
    ):
        raise MessagingError(_("This message is still on its way; it cannot be sent again yet."))
    if message.secret_source:
        # Its secret (a sign-in link) was made for that moment; the person asks anew.
        raise MessagingError(_("A message with a sign-in link is not sent again."))
    if message.person is None:
        raise MessagingError(_("The recipient is no longer in the register."))
    channels = usable_channels(contact_channels_for(message.person, message.topic))
    if not channels:
        raise MessagingError(_("We know no way to reach this person."))
    copy = Message.objects.create(
        person=message.person,
        recipient_name=message.person.full_name,
        template=message.template,
        kind=message.kind,
        topic=message.topic,
        channel=channels[0].channel,
        address=channels[0].address,
        language=message.language,
        subject=message.subject,
        body=message.body,
        queue=Message.Queue.DEFAULT if message.kind == MessageKind.PERSONAL else message.queue,
        created_by=actor,
    )
    MessageEvent.objects.create(
        message=message,
        state=message.state,
        detail=_("Sent again as %(reference)s.") % {"reference": copy.reference},
        actor=actor,
    )
    message_enqueue(copy)
    return copy


WAITING = (Message.State.QUEUED, Message.State.RETRYING)
READDRESSED = gettext_noop("The address changed in the register; this message goes to the new one.")
ADDRESS_GONE = gettext_noop("The address is no longer in the register.")


@transaction.atomic(durable=True)
def messages_follow_register(*, person: Person) -> int:
    """Send the person's messages that have not gone out yet to the addresses the
    register has now; returns how many changed.

    The messaging receivers call it after the person's e-mail address, mobile number
    or domicile changed: a mobile number passes to someone else in time, so a message
    still waiting for a retry must not go to the old one.

    1. A waiting message (queued or retrying) whose channel still reaches the person
       for its topic takes that channel's new address; its text stays as written.
    2. One whose channel no longer does is cancelled and sent again on the channel
       that applies now (as staff would with :func:`message_resend`); when no
       channel reaches the person any more it stays cancelled, with the reason.
    3. A message being handed over is the worker's: the conditional updates leave it
       alone. Account mail (a sign-in link) goes to the account's own address, not
       the register's, and is left alone too.
    """
    waiting = [
        message
        for message in Message.objects.filter(person=person, state__in=WAITING).order_by("pk")
        if not message.secret_source
    ]
    channels = usable_channels_many(
        {topic: contact_channels_for(person, topic) for topic in {m.topic for m in waiting}}
    )
    changed = 0
    for message in waiting:
        now = next((c for c in channels[message.topic] if c.channel == message.channel), None)
        if now is not None and now.address == message.address:
            continue
        if now is not None:
            if Message.objects.filter(pk=message.pk, state__in=WAITING).update(address=now.address):
                MessageEvent.objects.create(
                    message=message, state=message.state, detail=_(READDRESSED)
                )
                changed += 1
            continue
        if not Message.objects.filter(pk=message.pk, state__in=WAITING).update(
            state=Message.State.CANCELLED, reason=_(ADDRESS_GONE)
        ):
            continue
        MessageEvent.objects.create(
            message=message, state=Message.State.CANCELLED, detail=_(ADDRESS_GONE)
        )
        changed += 1
        message.refresh_from_db()
        # When nothing reaches the person now, the cancellation and its reason show it.
        with contextlib.suppress(MessagingError):
            message_resend(message=message, actor=None)
    return changed


@transaction.atomic
def letter_batch_confirm_posted(*, batch: LetterBatch, actor) -> LetterBatch:
    """Staff posted the printed batch: its letters are sent."""
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != LetterBatch.State.PRINTED:
        raise MessagingError(_("Only a printed batch can be confirmed as posted."))
    now = timezone.now()
    batch.messages.filter(state=Message.State.SENDING).update(
        state=Message.State.SENT, sent_at=now, provider_reference=f"batch-{batch.pk}"
    )
    batch.state = LetterBatch.State.POSTED
    batch.posted_at = now
    batch.posted_by = actor
    batch.save(update_fields=["state", "posted_at", "posted_by"])
    return batch
