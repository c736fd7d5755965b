"""The news pages in a real browser, at phone and desktop width, with axe-core: the
public lists, the calendar and a publication page; the back office's list, form and
previews. At 320 px no page is wider than the window (WCAG 1.4.10 Reflow).

It lives with the back office's tests because it walks both: the back office may use
the news app's test fixtures, the news app may not use the back office's."""

import pytest
from django.test import Client
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.backoffice.tests.test_messaging_browser import carry_session
from townhall.news import services
from townhall.news.models import NewsTopic
from townhall.news.tests.conftest import alert_fields, event_fields, published
from townhall.tests.accessibility import HEIGHT, axe_reports_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def writer(municipality):
    return staff_of("communication", "Communicatie", "pieter")


@pytest.fixture
def publications(writer):
    # The topic is seeded by a migration; a transactional test's flush removes it.
    road_works = NewsTopic.objects.get_or_create(
        code="road-works", defaults={"name": "Wegenwerken"}
    )[0]
    news = published(
        writer,
        title="Nieuwe speeltuin in het park",
        summary="Open vanaf zaterdag.",
        body="## Wat is er?\n\nEen **glijbaan** en [meer](https://www.example.org).",
        topics=[road_works],
    )
    event = published(writer, **event_fields(title="Zomerconcert in het Kasteelpark"))
    alert = published(writer, **alert_fields(sms_text="Kerkstraat dicht. " * 20))
    draft = services.publication_create(author=writer, title="Concept", audiences=["residents"])
    return {"news": news, "event": event, "alert": alert, "draft": draft}


def _walk(page, live_server, urls) -> list[str]:
    failures = []
    for url in urls:
        page.set_viewport_size({"width": 320, "height": HEIGHT})
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        wider = page.evaluate("() => document.documentElement.scrollWidth")
        if wider > 321:
            failures.append(f"{url} is {wider} px wide at 320 px")
        failures += axe_reports_at_every_width(page, url)
    return failures


def test_the_public_pages_pass_axe_and_reflow(page, live_server, publications):
    event = publications["event"]
    month = event.starts_at.strftime("%Y-%m")
    urls = [
        reverse("news:news_list"),
        reverse("news:news_list") + "?onderwerp=road-works&doelgroep=residents",
        reverse("news:events_list"),
        reverse("news:events_calendar") + f"?maand={month}",
        reverse("news:publication", args=[publications["news"].slug]),
        reverse("news:publication", args=[event.slug]),
        reverse("news:publication", args=[publications["alert"].slug]),
        reverse("portal:home"),
    ]
    failures = _walk(page, live_server, urls)
    assert not failures, "\n\n".join(failures)


def test_the_calendar_lists_the_days_on_a_phone(page, live_server, publications):
    event = publications["event"]
    page.set_viewport_size({"width": 375, "height": HEIGHT})
    page.goto(
        live_server.url
        + reverse("news:events_calendar")
        + f"?maand={event.starts_at.strftime('%Y-%m')}"
    )
    assert not page.locator("table.calendar").is_visible()
    assert page.get_by_role("link", name="Zomerconcert in het Kasteelpark").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    assert page.locator("table.calendar").is_visible()


def test_the_back_office_pages_pass_axe_and_reflow(page, live_server, writer, publications):
    client = Client()
    sign_in_verified(client, writer)
    carry_session(page, live_server, client)
    alert = publications["alert"]
    preview = reverse("backoffice:news_publication_preview", args=[alert.pk])
    urls = [
        reverse("backoffice:news_publications"),
        reverse("backoffice:news_publication_new") + "?kind=event",
        reverse("backoffice:news_publication", args=[alert.pk]),
        reverse("backoffice:news_publication", args=[publications["draft"].pk]),
        *(preview + f"?kanaal={channel}" for channel in ("website", "email", "sms", "social")),
        reverse("backoffice:news_publication_reach", args=[alert.pk]),
    ]
    failures = _walk(page, live_server, urls)
    assert not failures, "\n\n".join(failures)
