"""The editorial flow and the checks of a publication (news.services), and sanitising."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from townhall.accounts.tests.staff import staff_user
from townhall.news import events, services
from townhall.news.models import Publication, PublicationStateChange
from townhall.news.rendering import markdown_html, plain_text
from townhall.news.tests.conftest import alert_fields, event_fields, published

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def messages_of(error: ValidationError) -> dict:
    return {field: list(messages) for field, messages in error.message_dict.items()}


def test_script_and_event_attributes_are_stripped_from_titles_and_shown_as_text_in_bodies(
    writer,
):
    publication = services.publication_create(
        author=writer,
        title='<script>alert("x")</script>Wegen <b onmouseover="steal()">dicht</b>',
        summary="<img src=x onerror=alert(1)>Kort",
        body=(
            '<script>alert("x")</script>\n\n'
            "[klik](javascript:alert(1)) en [site](https://www.example.org)\n\n"
            '<a href="https://x.test" onclick="steal()">a</a>'
        ),
        audiences=["residents"],
    )
    assert publication.title == "Wegen dicht"
    assert publication.summary == "Kort"
    html = publication.body_html
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "[klik](javascript:alert(1))" in html
    assert '<a href="https://www.example.org" rel="noopener noreferrer">site</a>' in html
    assert '<a href="https://x.test"' not in html  # raw HTML is text, never a tag


def test_the_allowlist_drops_tags_attributes_and_schemes_outside_it():
    assert markdown_html("# Kop\n\n**vet**") == "<h2>Kop</h2>\n<p><strong>vet</strong></p>"
    assert "<img" not in markdown_html("![beeld](https://x.test/a.png)")  # not in the list
    assert "href" not in markdown_html("[x](data:text/html;base64,PHNjcmlwdD4=)")
    assert "href" not in markdown_html("[x](vbscript:msgbox)")
    assert plain_text("  a\x00 &amp;\n b ") == "a & b"


def test_a_missing_alternative_text_is_refused_with_a_clear_message(writer):
    image = SimpleUploadedFile("beeld.png", PNG, content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.publication_create(
            author=writer, title="Met beeld", image=image, audiences=["residents"]
        )
    assert messages_of(refused.value)["image_alt"] == [
        "Describe the image in Dutch for someone who cannot see it."
    ]
    assert not Publication.objects.exists()


def test_a_language_with_a_title_needs_its_own_alternative_text(writer):
    image = SimpleUploadedFile("beeld.png", PNG, content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.publication_create(
            author=writer,
            title="Met beeld",
            title_fr="Avec image",
            image=image,
            image_alt="Een speeltuin",
            audiences=["residents"],
        )
    assert list(messages_of(refused.value)) == ["image_alt_fr"]


def test_expiry_before_publishing_and_an_event_ending_before_it_starts_are_refused(writer):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.publication_create(
            author=writer,
            title="Te vroeg weg",
            publish_at=now + datetime.timedelta(days=2),
            expires_at=now + datetime.timedelta(days=1),
            audiences=["residents"],
        )
    assert messages_of(refused.value)["expires_at"] == [
        "The publication must stay online until after it is published."
    ]
    fields = event_fields()
    fields["ends_at"] = fields["starts_at"] - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        services.publication_create(author=writer, audiences=["residents"], **fields)
    assert messages_of(refused.value)["ends_at"] == ["The event cannot end before it starts."]
    with pytest.raises(ValidationError) as refused:
        services.publication_create(
            author=writer, audiences=["residents"], **alert_fields(ends_at=None)
        )
    assert messages_of(refused.value)["ends_at"] == ["Say until when the alert holds."]


def test_an_unknown_audience_is_refused(writer):
    with pytest.raises(ValidationError):
        services.publication_create(author=writer, title="X", audiences=["aliens"])


def test_the_flow_keeps_every_state_change_with_who_and_when(
    writer, django_capture_on_commit_callbacks
):
    publication = services.publication_create(
        author=writer, title="Nieuw zwembad", audiences=["residents", "visitors"]
    )
    services.publication_submit(publication=publication, actor=writer)
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    events.publication_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publication = services.publication_publish(publication=publication, actor=writer)
    finally:
        events.publication_published.disconnect(receiver)
    assert publication.state == Publication.State.PUBLISHED
    assert publication.publish_at <= timezone.now()
    assert [event.data for event in received] == [
        {
            "publication": publication.pk,
            "slug": "nieuw-zwembad",
            "kind": "news",
            "urgent": False,
            "scheduled": False,
        }
    ]
    services.publication_withdraw(publication=publication, actor=writer)
    changes = PublicationStateChange.objects.filter(publication=publication)
    assert [(c.from_state, c.to_state) for c in changes] == [
        ("", "draft"),
        ("draft", "review"),
        ("review", "published"),
        ("published", "withdrawn"),
    ]
    assert {c.changed_by for c in changes} == {writer}
    with pytest.raises(ValidationError):
        services.publication_withdraw(publication=publication, actor=writer)


def test_nothing_is_sent_when_the_publishing_rolls_back(writer, django_capture_on_commit_callbacks):
    publication = services.publication_create(author=writer, title="Terug", audiences=["residents"])
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    events.publication_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    services.publication_publish(publication=publication, actor=writer)
                    raise RuntimeError("roll back")
            except RuntimeError:
                pass
    finally:
        events.publication_published.disconnect(receiver)
    assert received == []
    assert callbacks == []


def test_publishing_needs_the_permission(writer, municipality):
    publication = services.publication_create(author=writer, title="Nee", audiences=["residents"])
    clerk = staff_user("katrien")
    with pytest.raises(PermissionDenied):
        services.publication_publish(publication=publication, actor=clerk)
    publication.refresh_from_db()
    assert publication.state == Publication.State.DRAFT


def test_a_scheduled_publication_keeps_its_time(writer):
    later = timezone.now() + datetime.timedelta(days=1)
    publication = services.publication_create(
        author=writer, title="Later", publish_at=later, audiences=["residents"]
    )
    publication = services.publication_publish(publication=publication, actor=writer)
    assert publication.publish_at == later


def test_the_french_text_or_the_dutch_one(writer):
    publication = published(writer, title="Markt", title_fr="Marché", summary="Op zaterdag")
    assert publication.text_with_language("title", "fr") == ("Marché", "fr")
    assert publication.text("summary", "fr") == ""  # the French version has no summary
    assert publication.text_with_language("title", "en") == ("Markt", "nl")
    assert publication.languages == ["nl", "fr"]


def test_slugs_stay_unique_and_avoid_the_pages_of_their_own(writer):
    first = services.publication_create(author=writer, title="Feed", audiences=["residents"])
    second = services.publication_create(author=writer, title="Feed", audiences=["residents"])
    assert (first.slug, second.slug) == ("feed-2", "feed-3")
