"""The website's news, events and alerts (Dutch first, one language per page), their
feeds and the events calendar.

Every page and feed reads only what is published and not expired
(:mod:`townhall.news.selectors`). A topic (``onderwerp``) or audience
(``doelgroep``) that does not exist answers 404. A withdrawn publication, or one
past its end of publication, answers 410 Gone. Pages without a query string are
kept whole for visitors without a session (:func:`townhall.page_cache.public_page`);
publishing or withdrawing starts a new content version, so they show it at once.
"""

import calendar
import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from townhall.languages import FALLBACK, NAMES, interface_language
from townhall.municipality.context_processors import municipality_for
from townhall.news import selectors
from townhall.news.models import Audience, Publication
from townhall.news.structured import calendar_document, feed_document, json_ld, json_ld_script
from townhall.page_cache import public_page

FLAVOURS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _language() -> str:
    return interface_language((get_language() or FALLBACK)[:2])


def _filters(request) -> selectors.Filters:
    try:
        return selectors.filters_from(request.GET)
    except selectors.UnknownFilter as unknown:
        raise Http404("No such topic or audience.") from unknown


def _with_query(url: str, query: dict) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def _dressed(publications, language: str) -> None:
    """Put each publication's title and summary in ``language`` on it, for the lists."""
    for publication in publications:
        publication.shown_title, publication.shown_language = publication.text_with_language(
            "title", language
        )
        publication.shown_summary = publication.text("summary", language)


def _feed_links(request, filters: selectors.Filters) -> list[dict]:
    query = filters.query()
    return [
        {
            "href": _with_query(reverse("news:feed", args=[flavour]), query),
            "type": content_type,
            "title": _("News of the municipality (%(format)s)") % {"format": flavour.upper()},
        }
        for flavour, content_type in FLAVOURS.items()
    ]


def _page_context(request, filters, language) -> dict:
    return {
        "filters": filters,
        "topics": [
            (topic.code, topic.localized_name(language)) for topic in selectors.topics_offered()
        ],
        "audiences": Audience.choices,
        "language": language,
        "feed_links": _feed_links(request, filters),
        "query": filters.query(),
    }


def _cursor_links(page, query: dict) -> dict:
    def link(name, cursor):
        return f"?{urlencode({**query, name: cursor})}" if cursor else ""

    return {"older_url": link("older", page.older), "newer_url": link("newer", page.newer)}


@public_page
def news_list(request):
    """News items and alerts, newest first, filtered by topic and audience."""
    filters, language = _filters(request), _language()
    page = selectors.news_page(params=request.GET, filters=filters)
    _dressed(page, language)
    return render(
        request,
        "news/news_list.html",
        {
            **_page_context(request, filters, language),
            "page": page,
            **_cursor_links(page, filters.query()),
        },
    )


@public_page
def events_list(request):
    """Events to come, soonest first, filtered by topic and audience."""
    filters, language = _filters(request), _language()
    page = selectors.events_page(params=request.GET, filters=filters)
    _dressed(page, language)
    return render(
        request,
        "news/events_list.html",
        {
            **_page_context(request, filters, language),
            "page": page,
            **_cursor_links(page, filters.query()),
            "ical_url": _with_query(reverse("news:events_ical"), _topic_only(filters)),
        },
    )


def _topic_only(filters: selectors.Filters) -> dict:
    return {"onderwerp": filters.topic.code} if filters.topic else {}


def _month(raw: str, today: datetime.date) -> tuple[int, int, bool]:
    """``(year, month, understood)`` of ``maand=YYYY-MM``; this month when unreadable."""
    if not raw:
        return today.year, today.month, True
    year, _sep, month = raw[:7].partition("-")
    readable = (year + month).isascii() and year.isdigit() and month.isdigit() and len(year) == 4
    if readable and 1 <= int(month) <= 12 and FIRST_YEAR <= int(year) <= LAST_YEAR:
        return int(year), int(month), True
    return today.year, today.month, False


@public_page
def events_calendar(request):
    """A month of events as a table of weeks; every day's events listed in its cell."""
    filters, language = _filters(request), _language()
    today = timezone.localdate()
    year, month, understood = _month(str(request.GET.get("maand", "")), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    found = selectors.events_between(start=start, end=end, filters=filters)
    _dressed(found, language)
    by_day: dict[datetime.date, list] = {}
    for event in found:
        first = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at).date() if event.ends_at else first
        day = max(first, weeks[0][0])
        while day <= min(last, weeks[-1][-1]):
            by_day.setdefault(day, []).append(event)
            day += datetime.timedelta(days=1)
    first_of_month = datetime.date(year, month, 1)
    previous = first_of_month - datetime.timedelta(days=1)
    following = first_of_month + datetime.timedelta(days=32)
    query = filters.query()

    def month_url(day: datetime.date) -> str:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return ""
        return f"?{urlencode({**query, 'maand': f'{day.year:04d}-{day.month:02d}'})}"

    return render(
        request,
        "news/calendar.html",
        {
            **_page_context(request, filters, language),
            "month": first_of_month,
            "understood": understood,
            "weeks": [
                [
                    {
                        "date": day,
                        "in_month": day.month == month,
                        "today": day == today,
                        "events": by_day.get(day, []),
                    }
                    for day in week
                ]
                for week in weeks
            ],
            "weekdays": [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(7)],
            "days_with_events": [
                {"date": day, "events": by_day[day]}
                for week in weeks
                for day in week
                if day.month == month and day in by_day
            ],
            "previous_url": month_url(previous),
            "next_url": month_url(following),
            "ical_url": _with_query(reverse("news:events_ical"), _topic_only(filters)),
        },
    )


def publication_page_context(publication: Publication, language: str, request=None) -> dict:
    """What a publication's page shows in ``language``. The back office's preview shows
    the same template (``news/includes/publication_body.html``)."""
    title, written = publication.text_with_language("title", language)
    context = {
        "publication": publication,
        "title": title,
        "summary": publication.text("summary", language),
        "body_html": publication.text("body_html", language),
        "image_alt": publication.text("image_alt", language),
        "written_language": written,
        "falls_back": written != language,
        "asked_language_name": NAMES.get(language, language),
        "topics": [topic.localized_name(language) for topic in publication.topics.all()],
        "streets": [street.name for street in publication.streets.all()],
    }
    if request is not None:
        municipality = municipality_for(request)
        url = request.build_absolute_uri(reverse("news:publication", args=[publication.slug]))
        context["json_ld"] = json_ld_script(
            json_ld(
                publication,
                url=url,
                language=language,
                publisher=municipality.name if municipality else "Townhall",
            )
        )
    return context


def _gone(request) -> HttpResponse:
    return render(request, "news/gone.html", status=410)


@public_page
def publication_detail(request, slug: str):
    found = selectors.publication_for_page(slug=slug)
    if found.gone:
        return _gone(request)
    if found.publication is None:
        raise Http404("No such publication.")
    language = _language()
    return render(
        request,
        "news/publication.html",
        publication_page_context(found.publication, language, request),
    )


def _host(request) -> str:
    return request.get_host().split(":")[0] or "townhall"


def _entry_url(request):
    return lambda publication: request.build_absolute_uri(
        reverse("news:publication", args=[publication.slug])
    )


def publication_ics(request, slug: str):
    """One event as an iCalendar file, to add to one's own calendar."""
    found = selectors.publication_for_page(slug=slug)
    if found.gone:
        return _gone(request)
    if found.publication is None or not found.publication.is_event:
        raise Http404("No such event.")
    language = _language()
    body = calendar_document(
        [found.publication],
        name=found.publication.text("title", language),
        host=_host(request),
        entry_url=_entry_url(request),
        language=language,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.publication.slug}.ics"'
    return response


def _feed_title(filters: selectors.Filters, language: str, municipality) -> str:
    parts = [municipality.name if municipality else "Townhall", _("news")]
    if filters.topic:
        parts.append(filters.topic.localized_name(language))
    if filters.audience:
        parts.append(str(Audience(filters.audience).label))
    return " – ".join(parts)


@public_page
def feed(request, flavour: str):
    """The Atom or RSS feed of every kind of publication, by topic and audience; kept
    whole without a query string, as the pages are (a new version on publishing)."""
    if flavour not in FLAVOURS:
        raise Http404("No such feed format.")
    filters, language = _filters(request), _language()
    entries = selectors.feed_entries(filters=filters)
    query = filters.query()
    body = feed_document(
        entries,
        flavour=flavour,
        title=_feed_title(filters, language, municipality_for(request)),
        feed_url=request.build_absolute_uri(_with_query(request.path, query)),
        page_url=request.build_absolute_uri(_with_query(reverse("news:news_list"), query)),
        entry_url=_entry_url(request),
        language=language,
    )
    response = HttpResponse(body, content_type=f"{FLAVOURS[flavour]}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


@public_page
def events_ical(request):
    """The iCalendar feed of events, by topic (``onderwerp``); kept whole like the pages."""
    filters, language = _filters(request), _language()
    municipality = municipality_for(request)
    name = _("Events in %(name)s") % {"name": municipality.name if municipality else "Townhall"}
    if filters.topic:
        name = f"{name} – {filters.topic.localized_name(language)}"
    body = calendar_document(
        selectors.calendar_events(filters=filters),
        name=name,
        host=_host(request),
        entry_url=_entry_url(request),
        language=language,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
