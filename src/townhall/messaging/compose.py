"""Announcements written in the back office for one broadcast (ad-hoc templates).

1. Staff write a subject and text in Dutch (required), and if they want in
   French and English, plus an SMS text per language
   (:class:`AnnouncementText`). An empty SMS text becomes the subject and the
   text, shortened to at most :data:`SMS_MAX_SEGMENTS` SMS parts
   (:func:`sms_default`).
2. :func:`announcement_problems` checks the texts as a template's texts are
   checked, so the preview can show what is wrong before anything is written.
3. :func:`announcement_texts` gives the text per channel and language; the
   preview renders it for a sample recipient, the template gets it on sending.
4. :func:`announcement_send` writes an ad-hoc :class:`MessageTemplate` with
   those texts, checks it for the languages given only (recipients in another
   language get the Dutch text) and hands it to
   :func:`~townhall.messaging.broadcasts.broadcast_send`.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Broadcast, MessageKind, MessageTemplate
from townhall.messaging.sms import sms_length
from townhall.messaging.templates import template_problems, template_text_save, text_errors
from townhall.registry.preferences import Channel

SMS_MAX_SEGMENTS = 2
SHORTENED = " ..."  # GSM-7, so a shortened text does not switch to the smaller UCS-2 parts


@dataclass(frozen=True)
class AnnouncementText:
    """The words of an announcement in one language."""

    language: str
    subject: str
    body: str
    sms: str = ""

    def sms_text(self) -> str:
        return self.sms.strip() or sms_default(self.subject, self.body)


def sms_default(subject: str, body: str) -> str:
    """Subject and text as one SMS of at most :data:`SMS_MAX_SEGMENTS` parts,
    cut at a word and marked with " ..." when it is longer."""
    text = " ".join(f"{subject.strip()}: {body.strip()}".split())
    if sms_length(text).segments <= SMS_MAX_SEGMENTS:
        return text
    words = text.split(" ")
    low, high = 1, len(words)  # the most words that still fit, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if sms_length(" ".join(words[:middle]) + SHORTENED).segments <= SMS_MAX_SEGMENTS:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + SHORTENED


def announcement_texts(texts: Iterable[AnnouncementText]) -> dict[tuple[str, str], tuple[str, str]]:
    """(channel, language) → (subject, body): e-mail and letter from the subject and
    text, SMS from the SMS text."""
    result = {}
    for text in texts:
        for channel in (Channel.EMAIL, Channel.LETTER):
            result[(channel.value, text.language)] = (text.subject.strip(), text.body.strip())
        result[(Channel.SMS.value, text.language)] = ("", text.sms_text())
    return result


def announcement_problems(texts: Iterable[AnnouncementText]) -> dict[tuple[str, str], list[str]]:
    """What is wrong, per (language, "text" or "sms"); empty when the texts can be sent."""
    problems = {}
    for text in texts:
        errors = text_errors(
            subject=text.subject, body=text.body, declared=[], channel=Channel.EMAIL
        )
        if errors:
            problems[(text.language, "text")] = errors
        if text.sms.strip():
            errors = text_errors(subject="", body=text.sms, declared=[], channel=Channel.SMS)
            if errors:
                problems[(text.language, "sms")] = errors
    return problems


def announcement_template_create(*, topic: str, texts: list[AnnouncementText]) -> MessageTemplate:
    """An ad-hoc template holding the texts, checked for the given languages and usable."""
    dutch = next((t for t in texts if t.language == "nl"), None)
    if dutch is None:
        raise ValidationError("An announcement needs its Dutch text.")
    template = MessageTemplate.objects.create(
        code=f"adhoc-{uuid.uuid4().hex[:16]}",
        name=dutch.subject.strip()[:150],
        kind=MessageKind.ANNOUNCEMENT,
        topic=topic,
        placeholders=[],
        is_adhoc=True,
    )
    for (channel, language), (subject, body) in announcement_texts(texts).items():
        template_text_save(
            template=template, channel=channel, language=language, subject=subject, body=body
        )
    problems = template_problems(template, languages=[t.language for t in texts])
    if problems:
        raise ValidationError(problems)
    template.is_active = True
    template.save(update_fields=["is_active", "updated_at"])
    return template


@transaction.atomic
def announcement_send(
    *, topic: str, texts: list[AnnouncementText], selection: Selection, sent_by
) -> Broadcast:
    """Write the announcement's template and send it to ``selection`` (fan-out as a task)."""
    template = announcement_template_create(topic=topic, texts=texts)
    return broadcast_send(template=template, selection=selection, context={}, sent_by=sent_by)
