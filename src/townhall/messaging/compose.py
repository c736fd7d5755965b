"""Announcements written in the back office for one broadcast (ad-hoc templates).

1. Staff write a subject and text in Dutch (required), and if they want in
   French and English, plus an SMS text per language
   (:class:`AnnouncementText`). An empty SMS text becomes the subject and the
   text, cut after a whole word to at most :data:`SMS_MAX_SEGMENTS` SMS parts
   (:func:`sms_default`). Its placeholders stay whole and are filled per
   recipient; the cut leaves room for long names (:func:`sms_room`).
2. :func:`announcement_problems` checks the texts as a template's texts are
   checked (the SMS text made from the text too), so the preview shows what
   is wrong before anything is written, never the send button.
3. :func:`announcement_texts` gives the text per channel and language; the
   preview renders it for a sample recipient, the template gets it on sending.
4. :func:`announcement_send` writes an ad-hoc :class:`MessageTemplate` with
   those texts, checks it for the languages given only (recipients in another
   language get the Dutch text) and hands it to
   :func:`~townhall.messaging.broadcasts.broadcast_send`, urgent (SMS also in
   the quiet hours) when the sender may and says so.
"""

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Broadcast, MessageKind, MessageTemplate
from townhall.messaging.sms import sms_length
from townhall.messaging.templates import (
    PLACEHOLDER,
    template_problems,
    template_text_save,
    text_errors,
)
from townhall.registry.preferences import Channel

SMS_MAX_SEGMENTS = 2
SHORTENED = " ..."  # GSM-7, so a shortened text does not switch to the smaller UCS-2 parts
# Room kept for the recipient's names when a derived SMS text is measured, in
# characters of the SMS alphabet: the text is cut once for everybody, and the
# names are filled in per recipient afterwards. Longer than the longest names
# of the demo register (19, 25 and 38 characters).
NAME_ROOM = {"given_names": 30, "family_name": 30, "full_name": 50}
MUNICIPALITY_ROOM = 40  # when no municipality is configured (tests, a new installation)
# A placeholder written without its spaces, so that splitting at spaces keeps it whole.
_TIGHT = re.compile(r"{{([a-z][a-z0-9_]*)}}")


@dataclass(frozen=True)
class AnnouncementText:
    """The words of an announcement in one language."""

    language: str
    subject: str
    body: str
    sms: str = ""

    def sms_text(self, room: Mapping[str, str] | None = None) -> str:
        """The SMS text as written, or else the one made from the subject and text
        (:func:`sms_default`), measured with ``room`` (default :func:`sms_room`)."""
        if self.sms.strip():
            return self.sms.strip()
        return sms_default(
            self.subject, self.body, room=sms_room(self.language) if room is None else room
        )

    @property
    def sms_is_default(self) -> bool:
        return not self.sms.strip()


def sms_room(language: str) -> dict[str, str]:
    """What the recipient's placeholders are measured as: the municipality's own
    name in ``language``, and :data:`NAME_ROOM` characters for the names."""
    from townhall.municipality.selectors import municipality_get_active_cached

    municipality = municipality_get_active_cached()  # only its name; once per page
    name = municipality.localized_name(language) if municipality else ""
    room = {key: "x" * width for key, width in NAME_ROOM.items()}
    room["municipality"] = name or "x" * MUNICIPALITY_ROOM
    return room


def sms_default(subject: str, body: str, *, room: Mapping[str, str]) -> str:
    """Subject and text as one SMS of at most :data:`SMS_MAX_SEGMENTS` parts.

    The placeholders stay in the text, each one whole, and are filled per
    recipient when the message is written. The length is measured with each
    placeholder filled with its ``room`` value (a placeholder without one counts
    as written), so that the text still fits once the longest name is in. A
    text that does not fit is cut after a whole word (never inside a
    placeholder) and marked with " ...".
    """
    subject = " ".join(subject.split())
    separator = " " if subject[-1:] in ".!?:" else ": "
    text = f"{subject}{separator}{' '.join(body.split())}" if subject else " ".join(body.split())
    words = PLACEHOLDER.sub(lambda match: "{{" + match.group(1) + "}}", text).split(" ")

    def fits(candidate: list[str], ending: str = "") -> bool:
        filled = _TIGHT.sub(
            lambda match: room.get(match.group(1), "{{ " + match.group(1) + " }}"),
            " ".join(candidate) + ending,
        )
        return sms_length(filled).segments <= SMS_MAX_SEGMENTS

    if not fits(words):
        low, high = 0, len(words)  # the most words that still fit, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            if fits(words[:middle], SHORTENED):
                low = middle
            else:
                high = middle - 1
        words = words[:low]
        # "afgesloten, ..." reads as a slip; "afgesloten ..." as a cut.
        while words and not words[-1].rstrip(",;:-–"):
            words.pop()  # a French " :" standing on its own
        if words:
            words[-1] = words[-1].rstrip(",;:-–")
        words.append(SHORTENED.strip())
    return _TIGHT.sub(lambda match: "{{ " + match.group(1) + " }}", " ".join(words))


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
        if text.sms.strip() or not errors:
            # The SMS text made from a sound text is sound too; checked all the same,
            # so that a slip shows here rather than at "Send now".
            errors = text_errors(subject="", body=text.sms_text(), declared=[], channel=Channel.SMS)
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
    *,
    topic: str,
    texts: list[AnnouncementText],
    selection: Selection,
    sent_by,
    urgent: bool = False,
) -> Broadcast:
    """Write the announcement's template and send it to ``selection`` (fan-out as a
    task); ``urgent`` as in :func:`~townhall.messaging.broadcasts.broadcast_send`."""
    template = announcement_template_create(topic=topic, texts=texts)
    return broadcast_send(
        template=template, selection=selection, context={}, sent_by=sent_by, urgent=urgent
    )
