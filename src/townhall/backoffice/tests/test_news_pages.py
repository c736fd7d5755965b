"""News, events and alerts in the back office: the list, writing, the previews, the flow."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.news_forms import DATETIME_FORMAT
from townhall.backoffice.tests.conftest import staff_of
from townhall.news import services
from townhall.news.models import NewsTopic, Publication
from townhall.news.tests.test_services import PNG
from townhall.registry.tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def when(delta: datetime.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime(DATETIME_FORMAT)


def news_data(**changes) -> dict:
    data = {
        "kind": "news",
        "title": "Nieuwe speeltuin",
        "summary": "In het park",
        "body": "Kom **kijken**.",
        "audiences": ["residents"],
        "accessibility": "unknown",
        "attendance": "offline",
        "is_free": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_draft_is_written_submitted_and_published(client, communication):
    response = client.post(reverse("backoffice:news_publication_new"), news_data())
    assert response.status_code == 302, response.context["form"].errors
    publication = Publication.objects.get()
    assert publication.state == Publication.State.DRAFT
    assert publication.body_html == "<p>Kom <strong>kijken</strong>.</p>"
    state = reverse("backoffice:news_publication_state", args=[publication.pk])
    client.post(state, {"action": "submit"})
    client.post(state, {"action": "publish"})
    publication.refresh_from_db()
    assert publication.state == Publication.State.PUBLISHED
    assert client.get(reverse("news:publication", args=[publication.slug])).status_code == 200
    page = client.get(reverse("backoffice:news_publication", args=[publication.pk]))
    assert [c.to_state for c in page.context["history"]] == ["draft", "review", "published"]


def test_a_missing_alt_text_is_refused_with_a_clear_message(client, communication):
    image = SimpleUploadedFile("speeltuin.png", PNG, content_type="image/png")
    response = client.post(reverse("backoffice:news_publication_new"), news_data(image_file=image))
    assert response.status_code == 200
    assert response.context["form"].errors["image_alt"] == [
        "Describe the image in Dutch for someone who cannot see it."
    ]
    assert 'class="error-summary"' in response.content.decode()
    assert not Publication.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, communication):
    fake = SimpleUploadedFile("beeld.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(
        reverse("backoffice:news_publication_new"),
        news_data(image_file=fake, image_alt="Een speeltuin"),
    )
    assert "image_file" in response.context["form"].errors
    assert not Publication.objects.exists()


def test_an_image_with_its_alt_text_is_kept(client, communication):
    image = SimpleUploadedFile("speeltuin.png", PNG, content_type="image/png")
    response = client.post(
        reverse("backoffice:news_publication_new"),
        news_data(image_file=image, image_alt="Kinderen op een glijbaan"),
    )
    assert response.status_code == 302, response.context["form"].errors
    publication = Publication.objects.get()
    assert publication.image.name.startswith("news/")
    publication.image.delete(save=False)


def test_expiry_before_publishing_and_an_event_ending_before_it_starts_are_refused(
    client, communication
):
    response = client.post(
        reverse("backoffice:news_publication_new"),
        news_data(
            publish_at=when(datetime.timedelta(days=2)),
            expires_at=when(datetime.timedelta(days=1)),
        ),
    )
    assert response.context["form"].errors["expires_at"] == [
        "The publication must stay online until after it is published."
    ]
    response = client.post(
        reverse("backoffice:news_publication_new"),
        news_data(
            kind="event",
            place="Zaal De Wieke",
            starts_at=when(datetime.timedelta(days=2)),
            ends_at=when(datetime.timedelta(days=1)),
        ),
    )
    assert response.context["form"].errors["ends_at"] == ["The event cannot end before it starts."]
    response = client.post(
        reverse("backoffice:news_publication_new"), news_data(starts_at="morgen")
    )
    assert "starts_at" in response.context["form"].errors
    assert not Publication.objects.exists()


def test_an_alert_over_the_sms_limit_is_warned_before_publishing(client, communication):
    response = client.post(
        reverse("backoffice:news_publication_new"),
        news_data(
            kind="alert",
            title="Waterleiding stuk",
            ends_at=when(datetime.timedelta(days=1)),
            sms_text="Opgelet: " + "de waterleiding in de Kerkstraat is stuk ê " * 10,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    publication = Publication.objects.get()
    page = client.get(reverse("backoffice:news_publication", args=[publication.pk]))
    sms = page.context["sms"]
    assert sms.over_limit
    assert sms.length.encoding == "UCS-2"
    assert "an SMS of the municipality may have at most 2 parts" in page.content.decode()
    preview = client.get(
        reverse("backoffice:news_publication_preview", args=[publication.pk]), {"kanaal": "sms"}
    )
    assert "may have at most 2 parts" in preview.content.decode()
    short = services.publication_update(
        publication=publication, actor=communication, sms_text="Water stuk in de Kerkstraat."
    )
    page = client.get(reverse("backoffice:news_publication", args=[short.pk]))
    assert not page.context["sms"].over_limit
    assert "may have at most" not in page.content.decode()


def test_the_preview_of_each_channel(client, communication):
    publication = services.publication_create(
        author=communication,
        title="Markt",
        title_fr="Marché",
        summary="Op zaterdag",
        body="Met **kaas**.",
        audiences=["residents"],
        channel_email=True,
    )
    url = reverse("backoffice:news_publication_preview", args=[publication.pk])
    website = client.get(url, {"kanaal": "website", "taal": "fr"})
    assert website.context["website_title"] == "Marché"
    email = client.get(url, {"kanaal": "email"}).context["email"]
    assert email["subject"] == "Markt"
    assert email["text"].startswith("Op zaterdag\n\nMet kaas.\n\nhttp://testserver/nieuws/markt/")
    social = client.get(url, {"kanaal": "social"}).context["social"]
    assert social.endswith("http://testserver/nieuws/markt/")
    assert len(social) <= 500
    assert client.get(url, {"kanaal": "<script>", "taal": "xx"}).status_code == 200


def test_without_the_permission_the_answer_is_403(client, municipality):
    clerk = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, clerk)
    writer = staff_of("communication", "Communicatie", "sofie")
    publication = services.publication_create(author=writer, title="X", audiences=["residents"])
    for url in (
        reverse("backoffice:news_publications"),
        reverse("backoffice:news_publication_new"),
        reverse("backoffice:news_publication", args=[publication.pk]),
        reverse("backoffice:news_publication_preview", args=[publication.pk]),
    ):
        assert client.get(url).status_code == 403, url
    state = reverse("backoffice:news_publication_state", args=[publication.pk])
    assert client.post(state, {"action": "publish"}).status_code == 403


def test_writing_without_publishing(client, municipality):
    """A writer who may edit but not publish gets 403 for publishing, not a published page."""
    writer = staff_of("environment", "Omgeving", "wouter")
    writer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="news",
            codename__in=["view_publication", "add_publication", "change_publication"],
        )
    )
    sign_in_verified(client, writer)
    publication = services.publication_create(author=writer, title="Y", audiences=["residents"])
    state = reverse("backoffice:news_publication_state", args=[publication.pk])
    assert client.post(state, {"action": "submit"}).status_code == 302
    assert client.post(state, {"action": "publish"}).status_code == 403
    publication.refresh_from_db()
    assert publication.state == Publication.State.REVIEW


def test_the_list_is_a_keyset_page_filtered_by_state_and_kind(
    client, communication, django_assert_num_queries
):
    for n in range(55):
        services.publication_create(
            author=communication, title=f"Bericht {n}", audiences=["residents"]
        )
    url = reverse("backoffice:news_publications")
    client.get(url)
    # The session, the user, their second factor, their permissions (user and group),
    # and one page of publications, however many.
    with django_assert_num_queries(6):
        response = client.get(url, {"state": "draft", "kind": "news"})
    assert len(response.context["page"]) == 50
    assert "state=draft" in response.context["older_url"]
    older = client.get(url + response.context["older_url"])
    assert len(older.context["page"]) == 5
    assert client.get(url, {"state": "published"}).context["page"].items == []
    assert client.get(url, {"state": "x" * 500, "older": "nonsense"}).status_code == 200


def test_editing_keeps_topics_and_streets_and_shows_the_change_at_once(client, communication):
    street = AddressFactory(street_name="Kerkstraat").street
    topic = NewsTopic.objects.get(code="road-works")
    publication = services.publication_create(
        author=communication,
        title="Werken",
        audiences=["residents"],
        topics=[topic],
        streets=[street],
    )
    services.publication_publish(publication=publication, actor=communication)
    page = client.get(reverse("backoffice:news_publication", args=[publication.pk]))
    form = page.context["form"]
    data = {
        name: value
        for name, value in (
            (name, form[name].value()) for name in form.fields if name != "image_file"
        )
        if value not in (None, False, "")
    }
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data["title"] = "Werken in de Kerkstraat"
    data["topics"] = [t.pk if hasattr(t, "pk") else t for t in data["topics"]]
    data["streets"] = [s.pk if hasattr(s, "pk") else s for s in data["streets"]]
    response = client.post(reverse("backoffice:news_publication", args=[publication.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    publication.refresh_from_db()
    assert publication.title == "Werken in de Kerkstraat"
    assert list(publication.topics.all()) == [topic]
    assert list(publication.streets.all()) == [street]
    public = client.get(reverse("news:publication", args=[publication.slug]))
    assert "Werken in de Kerkstraat" in public.content.decode()
