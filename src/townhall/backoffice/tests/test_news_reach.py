"""A publication's reach in the back office (counts per channel, pinned queries), the
preview's count of recipients per channel and language, and 403 without the permission."""

import pytest
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.messaging.models import Message
from townhall.news import delivery, services
from townhall.news.models import PublicationDelivery
from townhall.news.tests.conftest import alert_fields, topic
from townhall.news.tests.test_recipients import subscribe
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(communication, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    road_works = topic("road-works")
    home = AddressFactory(street_name="Kerkstraat", house_number="3")
    PersonFactory(domicile=home, email="", mobile="+32470000002", language="nl")
    subscribe("one@example.org", topics=[road_works])
    subscribe("two@example.org", topics=[road_works], language="fr")
    subscribe("+32470999998", channel="sms", topics=[road_works])
    fields = alert_fields(
        topics=[road_works], streets=[home.street_id], channel_email=True, channel_sms=True
    )
    return services.publication_create(author=communication, **fields)


def test_the_preview_counts_recipients_per_channel_and_language(client, alert):
    url = reverse("backoffice:news_publication_preview", args=[alert.pk])
    audience = client.get(url, {"kanaal": "email"}).context["audience"]
    assert audience.total == 4
    assert audience.per_channel == {"email": 2, "sms": 2}
    assert audience.per_language == {"nl": 3, "fr": 1}
    page = client.get(url, {"kanaal": "sms"}).content.decode()
    assert "4 recipients" in page
    assert "one@example.org" not in page  # a count, never names or addresses


def test_the_reach_page_counts_per_channel_in_a_fixed_number_of_queries(
    client, communication, alert, django_assert_num_queries
):
    services.publication_publish(publication=alert, actor=communication)
    PublicationDelivery.objects.get_or_create(publication=alert)
    delivery.publication_deliver(alert.pk)
    messages = Message.objects.filter(idempotency_key__startswith=delivery.key_prefix(alert))
    first = messages.filter(channel="email").first()
    Message.objects.filter(pk=first.pk).update(state="delivered")
    Message.objects.filter(channel="sms", pk__in=messages).update(state="failed")
    url = reverse("backoffice:news_publication_reach", args=[alert.pk])
    client.get(url)
    # Session, user, second factor, permissions (user, group), the publication with
    # its topics and streets, its delivery, the grouped count of its messages and the
    # grouped count of its posts: however many messages.
    with django_assert_num_queries(11):
        response = client.get(url)
    rows = {row.channel: row for row in response.context["reach"].channels}
    assert (rows["email"].queued, rows["email"].delivered) == (1, 1)
    assert (rows["sms"].failed, rows["sms"].total) == (2, 2)
    assert rows["letter"].total == 0
    assert "Opened: not measured" in response.content.decode()


def test_without_the_permission_the_reach_page_answers_403(client, alert):
    clerk = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, clerk)
    url = reverse("backoffice:news_publication_reach", args=[alert.pk])
    assert client.get(url).status_code == 403
