"""What a publication says to machines: schema.org JSON-LD for its page, Atom and RSS
feeds (feedgen), and iCalendar for events (icalendar).

1. :func:`json_ld` describes a news item or an alert as a ``NewsArticle`` and an
   event as an ``Event`` (location, organizer, offers, attendance mode,
   ``isAccessibleForFree``); :func:`json_ld_script` writes it for a
   ``<script type="application/ld+json">`` with ``<``, ``>`` and ``&`` escaped, so
   no text a writer typed can close the element.
2. :func:`feed_document` makes the Atom or RSS feed of a list of publications,
   with each entry's sanitised HTML as its content and its topics as categories.
3. :func:`calendar_document` makes a VCALENDAR of events: a UID per event that
   never changes, DTSTAMP, DTSTART and DTEND in UTC, LOCATION, URL, SUMMARY and
   DESCRIPTION in the language asked for (Dutch where none was written).
"""

import datetime
import json

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from townhall.news.models import Publication
from townhall.news.rendering import plain_from_html

ATTENDANCE = {
    Publication.Attendance.OFFLINE: "https://schema.org/OfflineEventAttendanceMode",
    Publication.Attendance.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Publication.Attendance.MIXED: "https://schema.org/MixedEventAttendanceMode",
}


def json_ld(publication: Publication, *, url: str, language: str, publisher: str) -> dict:
    title, written = publication.text_with_language("title", language)
    summary = publication.text("summary", language)
    organisation = {"@type": "GovernmentOrganization", "name": publisher}
    if publication.is_event:
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": title,
            "url": url,
            "inLanguage": written,
            "startDate": publication.starts_at.isoformat() if publication.starts_at else None,
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": ATTENDANCE.get(publication.attendance),
            "location": {"@type": "Place", "name": publication.place, "address": publication.place},
            "organizer": {"@type": "Organization", "name": publication.organiser}
            if publication.organiser
            else organisation,
            "isAccessibleForFree": publication.is_free,
            "offers": {
                "@type": "Offer",
                "price": "0" if publication.is_free else str(publication.price),
                "priceCurrency": "EUR",
                "url": url,
            },
        }
        if publication.ends_at:
            data["endDate"] = publication.ends_at.isoformat()
        if summary:
            data["description"] = summary
    else:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title[:110],
            "url": url,
            "mainEntityOfPage": url,
            "inLanguage": written,
            "datePublished": publication.publish_at.isoformat() if publication.publish_at else None,
            "dateModified": publication.updated_at.isoformat(),
            "publisher": organisation,
            "author": organisation,
        }
        if summary:
            data["description"] = summary
        if publication.expires_at:
            data["expires"] = publication.expires_at.isoformat()
    topics = [topic.localized_name(language) for topic in publication.topics.all()]
    if topics:
        data["keywords"] = ", ".join(topics)
    return {key: value for key, value in data.items() if value is not None}


def json_ld_script(data: dict) -> str:
    """``data`` as the text of a JSON-LD script element, safe to put in a page."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - the three characters that could end the element are escaped


def _body(publication: Publication, language: str) -> str:
    return publication.text("body_html", language)


def feed_document(
    publications: list[Publication],
    *,
    flavour: str,
    title: str,
    feed_url: str,
    page_url: str,
    entry_url,
    language: str,
) -> bytes:
    """The Atom (``flavour="atom"``) or RSS 2.0 feed of ``publications``, newest first.

    ``entry_url`` gives the absolute address of each publication's page."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.description(title)
    feed.language(language)
    newest = max((p.updated_at for p in publications), default=timezone.now())
    feed.updated(newest)
    for publication in reversed(publications):  # feedgen puts each new entry first
        entry = feed.add_entry()
        url = entry_url(publication)
        entry.id(f"urn:uuid:{publication.uuid}")
        entry.guid(f"urn:uuid:{publication.uuid}", permalink=False)
        entry.title(publication.text("title", language))
        entry.link(href=url)
        summary = publication.text("summary", language)
        body = _body(publication, language)
        if summary:
            entry.summary(summary)
        elif body:
            entry.summary(plain_from_html(body)[:500])
        if body:
            entry.content(body, type="html")
        entry.published(publication.publish_at)
        entry.updated(publication.updated_at)
        for topic in publication.topics.all():
            entry.category(term=topic.code, label=topic.localized_name(language))
    if flavour == "atom":
        return feed.atom_str(pretty=True)
    return feed.rss_str(pretty=True)


def calendar_document(
    events: list[Publication], *, name: str, host: str, entry_url, language: str
) -> bytes:
    """The VCALENDAR of ``events``; ``host`` makes each UID unique to this site."""
    calendar = Calendar()
    calendar.add("prodid", "-//Townhall//news//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC)
    for publication in events:
        if not publication.starts_at:
            continue
        item = CalendarEvent()
        item.add("uid", f"{publication.uuid}@{host}")
        item.add("dtstamp", stamp)
        item.add("last-modified", publication.updated_at.astimezone(datetime.UTC))
        item.add("dtstart", publication.starts_at.astimezone(datetime.UTC))
        ends = publication.ends_at or publication.starts_at + datetime.timedelta(hours=1)
        item.add("dtend", ends.astimezone(datetime.UTC))
        item.add("summary", publication.text("title", language))
        description = publication.text("summary", language) or plain_from_html(
            _body(publication, language)
        )
        if publication.organiser:
            organiser = _("Organiser: %(name)s") % {"name": publication.organiser}
            description = f"{description}\n\n{organiser}".strip()
        if description:
            item.add("description", description)
        if publication.place:
            item.add("location", publication.place)
        item.add("url", entry_url(publication))
        calendar.add_component(item)
    return calendar.to_ical()
