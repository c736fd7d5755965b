"""What each channel carries of a publication: the website and feeds always, and, where
the editor chose them, an e-mail, an SMS and a social post. The back office previews
each from here before publishing; the delivery (not in this app yet) sends the same.

1. :func:`email_preview`: the subject (the title) and the text (summary, body, link).
2. :func:`sms_preview`: an alert's SMS text (its own text, or its title) with the link,
   and its length as a carrier counts it (:func:`townhall.messaging.sms.encoding.sms_length`);
   ``over_limit`` when it needs more than :data:`~townhall.messaging.compose.SMS_MAX_SEGMENTS`
   SMS parts, the limit messaging keeps to.
3. :func:`social_preview`: the title, summary and link in at most :data:`SOCIAL_LIMIT`
   characters (a Mastodon post's limit), cut after a whole word.
"""

from dataclasses import dataclass

from townhall.messaging.compose import SMS_MAX_SEGMENTS
from townhall.messaging.sms.encoding import SmsLength, sms_length
from townhall.news.models import Publication
from townhall.news.rendering import plain_from_html

SOCIAL_LIMIT = 500


@dataclass(frozen=True)
class SmsPreview:
    text: str
    length: SmsLength
    max_segments: int

    @property
    def over_limit(self) -> bool:
        return self.length.segments > self.max_segments


def email_preview(publication: Publication, *, url: str, language: str) -> dict:
    parts = [
        publication.text("summary", language),
        plain_from_html(publication.text("body_html", language)),
        url,
    ]
    return {
        "subject": publication.text("title", language),
        "text": "\n\n".join(part for part in parts if part),
    }


def sms_preview(publication: Publication, *, url: str) -> SmsPreview:
    """The SMS in Dutch (text messages go in the municipality's language)."""
    text = publication.sms_text or publication.title
    text = f"{text} {url}".strip()
    return SmsPreview(text=text, length=sms_length(text), max_segments=SMS_MAX_SEGMENTS)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def social_preview(publication: Publication, *, url: str, language: str) -> str:
    title = publication.text("title", language)
    summary = publication.text("summary", language)
    room = SOCIAL_LIMIT - len(url) - 2
    text = _cut(f"{title}\n\n{summary}".strip() if summary else title, room)
    return f"{text}\n\n{url}"
