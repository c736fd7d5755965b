"""Delivering a published publication: to its subscribers, the residents of its
streets and the municipality's social accounts, through the messaging outbox.

1. :func:`delivery_start` (the receiver of ``publication_published``) writes the
   publication's :class:`~townhall.news.models.PublicationDelivery` and enqueues
   :func:`publication_deliver` on the urgent queue for an urgent alert, on bulk
   otherwise. A publication scheduled for later waits: :func:`deliveries_due`
   (run by ``manage.py news_deliveries``, with the digests) starts it once its
   ``publish_at`` has come.
2. :func:`publication_deliver` makes two ad-hoc message templates from the
   publication (one for subscribers, whose texts end with their one-click
   ``{{ unsubscribe_link }}``, one for residents, whose e-mail carries the
   register's consent link), in each language the publication is written in; a
   recipient in another language gets the Dutch text.
3. It walks the recipient resolver
   (:func:`~townhall.news.subscription_selectors.publication_recipients`), limited
   to the channels the editor chose, and writes the messages :data:`BATCH` at a
   time, each batch one transaction, then enqueues them in chunks as broadcasts do.
   Every message has the key ``news:<publication uuid>:s<subscription>`` or
   ``…:p<person>`` (unique in the outbox): a second run, after a crash or a
   duplicate event, skips whoever has theirs already, and nothing goes twice.
4. With ``channel_social`` it asks for one post on each configured account, once
   (the key is the publication's uuid).
5. A publication withdrawn before its delivery ran sends nothing.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Message, MessageKind, MessageTemplate, TemplateText
from townhall.messaging.outbox_rows import messages_insert
from townhall.messaging.queueing import chunk_enqueue
from townhall.messaging.secret_values import marker
from townhall.messaging.services import template_texts, usable_channels_many
from townhall.messaging.social.configuration import account_codes
from townhall.messaging.social.services import social_post_request
from townhall.messaging.templates import render, text_errors
from townhall.news import channels
from townhall.news.models import Publication, PublicationDelivery, Subscription
from townhall.news.subscription_messages import UNSUBSCRIBE_SOURCE
from townhall.news.subscription_selectors import (
    KIND_ALERT,
    KIND_NEWS,
    REGISTER_TOPIC,
    Recipient,
    publication_recipients,
)
from townhall.registry.contact import ContactChannel
from townhall.registry.models import Person
from townhall.registry.preferences import Channel
from townhall.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)

BATCH = 1000
UNSUBSCRIBE = "unsubscribe_link"


def publication_url(publication: Publication) -> str:
    """The publication's page on the website, as an absolute address."""
    path = reverse("news:publication", args=[publication.slug])
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}"


def delivery_source(publication: Publication) -> str:
    """What the social posts and the messages of a publication name as their source."""
    return f"news.publication:{publication.uuid}"


def key_prefix(publication: Publication) -> str:
    """The start of the idempotency key of every message of the publication."""
    return f"news:{publication.uuid}:"


def publication_kind(publication: Publication) -> str:
    return KIND_ALERT if publication.is_alert else KIND_NEWS


def publication_channels(publication: Publication) -> set[str]:
    """The channels the editor chose; a letter goes with them for an alert to a resident
    the register reaches only by post (an alert is owed to residents)."""
    chosen = set()
    if publication.channel_email:
        chosen.add(Channel.EMAIL)
    if publication.channel_sms:
        chosen.add(Channel.SMS)
    if chosen and publication.is_alert:
        chosen.add(Channel.LETTER)
    return chosen


def recipients_of(publication: Publication) -> Iterable[Recipient]:
    """The resolver's recipients of ``publication`` on its chosen channels, each once."""
    return publication_recipients(
        topic_ids=[topic.pk for topic in publication.topics.all()],
        audiences=publication.audiences,
        street_ids=[street.pk for street in publication.streets.all()],
        kind=publication_kind(publication),
        channels=publication_channels(publication),
    )


# --- Starting a delivery ---


def delivery_start(*, publication_id: int) -> PublicationDelivery | None:
    """Write the publication's delivery and enqueue it after the commit (when its
    time has come); safe to call again: a delivery is started once."""
    publication = Publication.objects.filter(pk=publication_id).first()
    if publication is None:
        return None
    with transaction.atomic():
        delivery, created = PublicationDelivery.objects.get_or_create(publication=publication)
        if created and _due(publication):
            _enqueue(publication)
    return delivery


def _due(publication: Publication, now=None) -> bool:
    return publication.publish_at is None or publication.publish_at <= (now or timezone.now())


def _queue(publication: Publication) -> str:
    return Message.Queue.URGENT if publication.urgent else Message.Queue.BULK


# The delivery task, registered by news/tasks.py when it is imported (NewsConfig.ready),
# so this module never imports the tasks back (as messaging's queueing does).
TASK: dict[str, object] = {}


def task_register(task) -> None:
    TASK["deliver"] = task


def _enqueue(publication: Publication) -> None:
    try:
        task = TASK["deliver"]
    except KeyError:
        raise LookupError(
            "No delivery task: townhall.news.tasks is not imported (NewsConfig.ready imports it)."
        ) from None
    enqueue_after_commit(task.using(queue_name=_queue(publication)), publication.pk)


def deliveries_due(*, now=None) -> int:
    """Enqueue the deliveries whose publication's time has come (scheduled ones), and
    those left preparing by a worker that died; how many."""
    now = now or timezone.now()
    started = 0
    waiting = PublicationDelivery.objects.filter(
        state__in=[PublicationDelivery.State.WAITING, PublicationDelivery.State.PREPARING],
        publication__state=Publication.State.PUBLISHED,
    ).select_related("publication")
    for delivery in waiting:
        publication = delivery.publication
        if not _due(publication, now):
            continue
        stale = delivery.started_at and delivery.started_at < now - datetime.timedelta(minutes=15)
        if delivery.state == PublicationDelivery.State.WAITING or stale:
            with transaction.atomic():
                _enqueue(publication)
            started += 1
    return started


# --- The templates made from the publication ---


def _plain(text: str) -> str:
    # A publication's text is not a template: braces typed by the editor stay text.
    return text.replace("{{", "{ {").replace("}}", "} }")


def _texts(publication: Publication, *, url: str, for_subscribers: bool) -> list[tuple]:
    """(channel, language, subject, body) for each language the publication is in."""
    rows = []
    for language in publication.languages:
        title = _plain(publication.text("title", language))
        summary = _plain(publication.text("summary", language))
        with override(language):  # the words around the link in the text's language
            unsubscribe, stop_word = _("Unsubscribe"), _("Stop")
        stop = f"\n\n{unsubscribe}: {{{{ {UNSUBSCRIBE} }}}}" if for_subscribers else ""
        email = "\n\n".join(part for part in (summary, url) if part) + stop
        rows.append((Channel.EMAIL, language, title, email))
        sms = publication.sms_text if language == "nl" and publication.sms_text else title
        sms = f"{_plain(sms)} {url}"
        if for_subscribers:
            sms += f" {stop_word}: {{{{ {UNSUBSCRIBE} }}}}"
        rows.append((Channel.SMS, language, "", sms))
        if not for_subscribers:
            letter = "\n\n".join(part for part in (summary, url) if part)
            rows.append((Channel.LETTER, language, title, letter))
    return rows


def delivery_template_code(publication: Publication, *, for_subscribers: bool) -> str:
    """The code of one of the publication's two ad-hoc templates."""
    return f"news-{publication.uuid}-{'s' if for_subscribers else 'r'}"


def delivery_templates(publication: Publication, *, url: str) -> dict[bool, MessageTemplate]:
    """The two ad-hoc templates of the publication (made once): ``True`` for
    subscribers, ``False`` for residents."""
    templates = {}
    for for_subscribers in (True, False):
        code = delivery_template_code(publication, for_subscribers=for_subscribers)
        template = MessageTemplate.objects.filter(code=code).first()
        if template is None:
            with transaction.atomic():
                template = MessageTemplate.objects.create(
                    code=code,
                    name=publication.title[:150],
                    kind=MessageKind.ANNOUNCEMENT,
                    topic=REGISTER_TOPIC[publication_kind(publication)],
                    placeholders=[UNSUBSCRIBE] if for_subscribers else [],
                    channels=(
                        [Channel.EMAIL, Channel.SMS] if for_subscribers else list(Channel.values)
                    ),
                    is_adhoc=True,
                )
                for channel, language, subject, body in _texts(
                    publication, url=url, for_subscribers=for_subscribers
                ):
                    problems = text_errors(
                        subject=subject,
                        body=body,
                        declared=template.placeholders,
                        channel=channel,
                    )
                    if problems:
                        raise MessagingError(" ".join(problems))
                    TemplateText.objects.create(
                        template=template,
                        channel=channel,
                        language=language,
                        subject=subject[:200],
                        body=body,
                    )
                template.is_active = True
                template.save(update_fields=["is_active", "updated_at"])
        templates[for_subscribers] = template
    return templates


# --- Writing the messages ---


def publication_deliver(publication_id: int) -> PublicationDelivery | None:
    """Write and enqueue every message of the publication, and its social posts; safe
    to run again (see the module's steps)."""
    delivery = (
        PublicationDelivery.objects.select_related("publication")
        .filter(publication_id=publication_id)
        .first()
    )
    if delivery is None or delivery.state in (
        PublicationDelivery.State.DONE,
        PublicationDelivery.State.CANCELLED,
    ):
        return delivery
    publication = delivery.publication
    if publication.state != Publication.State.PUBLISHED:
        PublicationDelivery.objects.filter(pk=delivery.pk).update(
            state=PublicationDelivery.State.CANCELLED, finished_at=timezone.now()
        )
        return delivery
    if not _due(publication):
        return delivery  # scheduled: deliveries_due starts it when its time has come
    PublicationDelivery.objects.filter(pk=delivery.pk).update(
        state=PublicationDelivery.State.PREPARING, started_at=timezone.now()
    )
    url = publication_url(publication)
    if publication.channel_social:
        _social_posts(publication, delivery, url)
    if publication_channels(publication):
        templates = delivery_templates(publication, url=url)
        # Each template's texts by (channel, language), read once for every batch.
        texts = {for_subscribers: template_texts(t) for for_subscribers, t in templates.items()}
        batch: list[Recipient] = []
        for recipient in recipients_of(publication):
            batch.append(recipient)
            if len(batch) >= BATCH:
                _batch_write(publication, delivery, templates, texts, batch)
                batch = []
        if batch:
            _batch_write(publication, delivery, templates, texts, batch)
    PublicationDelivery.objects.filter(pk=delivery.pk).update(
        state=PublicationDelivery.State.DONE, finished_at=timezone.now()
    )
    delivery.refresh_from_db()
    return delivery


def _social_posts(publication: Publication, delivery: PublicationDelivery, url: str) -> None:
    text = channels.social_preview(publication, url=url, language="nl").removesuffix(f"\n\n{url}")
    posted = 0
    for account in account_codes():
        try:
            social_post_request(
                account=account,
                text=text,
                link=url,
                language="nl",
                source=delivery_source(publication),
                idempotency_key=f"news.publication:{publication.uuid}",
            )
        except (ValidationError, MessagingError) as error:
            # The post is refused with its reason (too long for this network, an
            # account gone): the messages still go; the reach page shows no post.
            logger.warning("No post of publication %s on %s: %s", publication.pk, account, error)
            continue
        posted += 1
    PublicationDelivery.objects.filter(pk=delivery.pk).update(social_posts=posted)


def _key(publication: Publication, recipient: Recipient) -> str:
    if recipient.subscription_id is not None:
        return f"{key_prefix(publication)}s{recipient.subscription_id}"
    return f"{key_prefix(publication)}p{recipient.person_id}"


def _batch_write(publication, delivery, templates, texts, batch: list[Recipient]) -> None:
    """Write one batch of messages in one transaction and enqueue them in chunks. When
    another run wrote some of them at the same moment (the unique key refuses the
    batch), the batch is read again and only the rest is written."""
    try:
        _batch_write_once(publication, delivery, templates, texts, batch)
    except IntegrityError:
        _batch_write_once(publication, delivery, templates, texts, batch)


def _batch_write_once(publication, delivery, templates, texts, batch: list[Recipient]) -> None:
    keys = {_key(publication, r): r for r in batch}
    done = set(
        Message.objects.filter(idempotency_key__in=list(keys)).values_list(
            "idempotency_key", flat=True
        )
    )
    fresh = [(key, r) for key, r in keys.items() if key not in done]
    if not fresh:
        return
    subscriptions = dict(
        Subscription.objects.filter(
            pk__in=[r.subscription_id for _, r in fresh if r.subscription_id]
        ).values_list("pk", "uuid")
    )
    names = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Person.objects.filter(
            pk__in=[r.person_id for _, r in fresh if r.person_id]
        ).values_list("pk", "given_names", "family_name")
    }
    usable = usable_channels_many(
        {i: [ContactChannel(r.channel, r.address)] for i, (_, r) in enumerate(fresh)}
    )
    queue = _queue(publication)
    messages = []
    for i, (key, recipient) in enumerate(fresh):
        subscription_uuid = subscriptions.get(recipient.subscription_id)
        for_subscribers = subscription_uuid is not None
        template = templates[for_subscribers]
        message = _message(
            recipient=recipient,
            template=template,
            texts=texts[for_subscribers],
            name=names.get(recipient.person_id, ""),
            queue=queue,
            subscription_uuid=subscription_uuid,
            blocked=not usable[i],
        )
        message.idempotency_key = key
        messages.append(message)
    with transaction.atomic():
        messages_insert(messages)
        ids = [m.pk for m in messages if m.state == Message.State.QUEUED]
        size = settings.TOWNHALL_MESSAGING["CHUNK_SIZE"]
        for start in range(0, len(ids), size):
            chunk_enqueue(ids[start : start + size], queue=queue)
        PublicationDelivery.objects.filter(pk=delivery.pk).update(
            recipients=F("recipients") + len(fresh), written=F("written") + len(messages)
        )


def _message(*, recipient, template, texts, name, queue, subscription_uuid, blocked) -> Message:
    language = recipient.language
    if (recipient.channel, language) not in texts:
        language = "nl"
    subject, body = texts[(recipient.channel, language)]
    message = Message(
        uuid=uuid.uuid4(),
        person_id=recipient.person_id,
        recipient_name=name or recipient.address,
        template=template,
        kind=template.kind,
        topic=template.topic,
        channel=recipient.channel,
        address=recipient.address,
        language=language,
        queue=queue,
    )
    context = {"municipality": "", "given_names": "", "family_name": "", "full_name": name}
    if subscription_uuid is not None:
        context[UNSUBSCRIBE] = marker(message.uuid, UNSUBSCRIBE)
        message.secret_source = {
            "source": UNSUBSCRIBE_SOURCE,
            "arguments": {"subscription": str(subscription_uuid)},
        }
    message.subject = render(subject, context)[:300]
    message.body = render(body, context)
    if blocked:
        message.state = Message.State.FAILED
        message.reason = _("Earlier messages to this address failed; it is blocked.")
    return message
