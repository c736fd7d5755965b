"""The website's news, events, calendar and publication pages, their feeds and iCalendar."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from townhall.news import services
from townhall.news.tests.conftest import alert_fields, event_fields, published

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def json_ld_of(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert found, "the page has no JSON-LD"
    return json.loads(found.group(1))


def test_the_news_page_shows_published_news_and_alerts_only(client, writer, road_works):
    published(writer, title="Nieuwe speeltuin", summary="In het park")
    published(writer, **alert_fields(title="Kerkstraat dicht"))
    services.publication_create(author=writer, title="Nog een concept", audiences=["residents"])
    gone = published(writer, title="Ingetrokken bericht")
    services.publication_withdraw(publication=gone, actor=writer)
    published(writer, **event_fields())
    response = client.get(reverse("news:news_list"))
    assert response.status_code == 200
    titles = [p.shown_title for p in response.context["page"]]
    assert titles == ["Kerkstraat dicht", "Nieuwe speeltuin"]
    text = response.content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in text
    assert 'rel="alternate" type="application/rss+xml"' in text


def test_lists_filter_by_topic_and_audience(client, writer, road_works):
    published(writer, title="Werken", topics=[road_works], audiences=["residents"])
    published(writer, title="Voor bedrijven", audiences=["businesses"])
    url = reverse("news:news_list")
    by_topic = client.get(url, {"onderwerp": "road-works"}).context["page"]
    assert [p.title for p in by_topic] == ["Werken"]
    by_audience = client.get(url, {"doelgroep": "businesses"}).context["page"]
    assert [p.title for p in by_audience] == ["Voor bedrijven"]
    assert client.get(url, {"onderwerp": "no-such-topic"}).status_code == 404
    assert client.get(url, {"doelgroep": "aliens"}).status_code == 404
    assert client.get(url, {"older": "garbage~x", "doelgroep": "\x00"}).status_code == 404


def test_a_publication_page_has_news_article_json_ld(client, writer):
    publication = published(writer, title="Nieuwe <speeltuin>", summary="In het park")
    response = client.get(reverse("news:publication", args=[publication.slug]))
    assert response.status_code == 200
    data = json_ld_of(response)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Nieuwe"  # the tag was stripped when saved
    assert data["url"].endswith(f"/nieuws/{publication.slug}/")


def test_a_script_in_a_title_cannot_close_the_json_ld(client, writer):
    publication = published(
        writer, title="a</script><script>alert(1)</script>", summary="x</script>"
    )
    response = client.get(reverse("news:publication", args=[publication.slug]))
    text = response.content.decode()
    assert text.count("</script>") == 1
    assert json_ld_of(response)["description"] == "x"


def test_an_event_page_has_event_json_ld_and_a_calendar_file(client, writer):
    event = published(writer, **event_fields())
    response = client.get(reverse("news:publication", args=[event.slug]))
    data = json_ld_of(response)
    assert data["@type"] == "Event"
    assert data["location"]["name"] == "Kasteelpark, Ingelmunster"
    assert data["organizer"]["name"] == "Cultuurraad"
    assert data["offers"] == {
        "@type": "Offer",
        "price": "5.00",
        "priceCurrency": "EUR",
        "url": data["url"],
    }
    assert data["isAccessibleForFree"] is False
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    ics = client.get(reverse("news:publication_ics", args=[event.slug]))
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["UID"]) == f"{event.uuid}@testserver"
    assert item.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert item.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert item.decoded("DTSTART").tzinfo is not None
    assert "DTSTAMP" in item
    assert str(item["LOCATION"]) == "Kasteelpark, Ingelmunster"
    assert str(item["URL"]).endswith(f"/nieuws/{event.slug}/")


def test_a_withdrawn_publication_answers_gone(client, writer):
    publication = published(writer, title="Weg")
    services.publication_withdraw(publication=publication, actor=writer)
    response = client.get(reverse("news:publication", args=[publication.slug]))
    assert response.status_code == 410
    assert "This publication is no longer online" in response.content.decode()
    draft = services.publication_create(author=writer, title="Concept", audiences=["residents"])
    assert client.get(reverse("news:publication", args=[draft.slug])).status_code == 404
    assert client.get(reverse("news:publication", args=["no-such"])).status_code == 404


def test_an_expired_or_scheduled_publication_is_not_shown(client, writer):
    now = timezone.now()
    later = services.publication_create(
        author=writer,
        title="Morgen",
        publish_at=now + datetime.timedelta(days=1),
        audiences=["residents"],
    )
    services.publication_publish(publication=later, actor=writer)
    assert client.get(reverse("news:publication", args=[later.slug])).status_code == 404
    assert list(client.get(reverse("news:news_list")).context["page"]) == []


def test_a_french_page_of_a_dutch_only_publication_says_it_is_in_dutch(client, writer):
    publication = published(writer, title="Alleen Nederlands", summary="Kort")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(reverse("news:publication", args=[publication.slug]))
    assert response.status_code == 200
    assert response.context["falls_back"] is True
    assert response.context["written_language"] == "nl"
    assert '<h1 lang="nl">Alleen Nederlands</h1>' in response.content.decode()
    translated = published(writer, title="Markt", title_fr="Marché")
    response = client.get(reverse("news:publication", args=[translated.slug]))
    assert response.context["falls_back"] is False
    assert response.context["title"] == "Marché"


def test_the_feeds_parse_back_and_answer_404_for_an_unknown_topic(client, writer, road_works):
    published(writer, title="Werken", topics=[road_works], body="**Let op**")
    published(writer, title="Ander nieuws")
    atom = client.get(reverse("news:feed", args=["atom"]), {"onderwerp": "road-works"})
    assert atom["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)  # noqa: S314 - our own feed, made in this test
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Werken"]
    assert entries[0].find(f"{ATOM}category").get("term") == "road-works"
    assert "<strong>Let op</strong>" in entries[0].findtext(f"{ATOM}content")
    rss = client.get(reverse("news:feed", args=["rss"]), {"doelgroep": "residents"})
    items = ET.fromstring(rss.content).findall("channel/item")  # noqa: S314 - our own feed
    assert sorted(i.findtext("title") for i in items) == ["Ander nieuws", "Werken"]
    assert client.get(reverse("news:feed", args=["atom"]), {"onderwerp": "x"}).status_code == 404
    assert client.get(reverse("news:feed", args=["rss"]), {"doelgroep": "x"}).status_code == 404
    assert client.get(reverse("news:feed", args=["json"])).status_code == 404


def test_the_events_ical_feed_filters_by_topic(client, writer, road_works):
    published(writer, **event_fields(title="Concert"))
    published(writer, **event_fields(title="Werfbezoek", topics=[road_works]))
    response = client.get(reverse("news:events_ical"), {"onderwerp": "road-works"})
    calendar = Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Werfbezoek"]
    everything = Calendar.from_ical(client.get(reverse("news:events_ical")).content)
    assert len(everything.walk("VEVENT")) == 2
    assert client.get(reverse("news:events_ical"), {"onderwerp": "x"}).status_code == 404


def test_the_events_page_and_the_month_calendar(client, writer):
    event = published(writer, **event_fields(title="Kermis"))
    response = client.get(reverse("news:events_list"))
    assert [p.title for p in response.context["page"]] == ["Kermis"]
    day = timezone.localtime(event.starts_at).date()
    month = f"{day.year:04d}-{day.month:02d}"
    response = client.get(reverse("news:events_calendar"), {"maand": month})
    assert response.status_code == 200
    days = {d["date"]: d["events"] for week in response.context["weeks"] for d in week}
    assert [e.title for e in days[day]] == ["Kermis"]
    assert response.context["days_with_events"][0]["date"] == day
    unreadable = client.get(reverse("news:events_calendar"), {"maand": "13-2026<x>"})
    assert unreadable.status_code == 200
    assert unreadable.context["understood"] is False
    assert client.get(reverse("news:events_calendar"), {"maand": "9999-01"}).status_code == 200
    assert client.get(reverse("news:events_calendar"), {"maand": "²⁰²⁶-¹²"}).status_code == 200
    assert client.get(reverse("news:events_list"), {"onderwerp": "a\x00b"}).status_code == 404


def test_current_alerts_show_on_the_home_page(client, writer):
    published(writer, **alert_fields(title="Storm op komst"))
    response = client.get(reverse("portal:home"))
    assert "Storm op komst" in response.content.decode()


def test_the_public_pages_read_few_queries(client, writer, django_assert_max_num_queries):
    for n in range(30):
        published(writer, title=f"Bericht {n}")
        published(writer, **event_fields(title=f"Activiteit {n}"))
    client.get(reverse("portal:home"))  # the municipality's profile is cached from here on
    with django_assert_max_num_queries(3):
        response = client.get(reverse("news:news_list"), {"doelgroep": "residents"})
    assert len(response.context["page"]) == 20
    with django_assert_max_num_queries(3):
        client.get(reverse("news:events_list"), {"doelgroep": "residents"})
    with django_assert_max_num_queries(3):
        client.get(reverse("news:feed", args=["atom"]), {"doelgroep": "residents"})


def test_an_event_within_one_day_names_the_day_once(client, writer):
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    start += datetime.timedelta(days=3)
    one_day = published(writer, **event_fields(starts_at=start, ends_at=start.replace(hour=16)))
    page = client.get(reverse("news:publication", args=[one_day.slug])).content.decode()
    assert re.search(r"14:00–16:00</dd>", page)
    two_days = published(
        writer,
        **event_fields(title="Kermis", starts_at=start, ends_at=start + datetime.timedelta(days=1)),
    )
    page = client.get(reverse("news:publication", args=[two_days.slug])).content.decode()
    assert re.search(r"14:00 – \w+ \d+ \w+ \d{4}, 14:00</dd>", page)
