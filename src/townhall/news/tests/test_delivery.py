"""Delivering a published publication: subscribers and street residents each once, on
their channel and in their language; a crash half-way and a second run send nothing
twice; the social post once; the digests once per period, none when nothing is new."""

import datetime

import pytest
from django.utils import timezone

from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.demo.fake_mastodon import FakeMastodon
from townhall.messaging.models import Message
from townhall.messaging.services import template_texts
from townhall.messaging.social.models import SocialPost
from townhall.news import delivery, digests
from townhall.news.models import DigestSent, Publication, PublicationDelivery
from townhall.news.tests.conftest import alert_fields, published
from townhall.news.tests.test_recipients import subscribe, town  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def alert(writer, town, **fields):  # noqa: F811
    chosen = {
        "topics": [town["road_works"]],
        "streets": [town["kerk"]],
        "channel_email": True,
        "channel_sms": True,
        "sms_text": "Wegenwerken Kerkstraat vanaf maandag.",
        **fields,
    }
    return published(writer, **alert_fields(**chosen))


def messages_of(publication):
    return Message.objects.filter(idempotency_key__startswith=delivery.key_prefix(publication))


def test_an_alert_reaches_subscribers_and_residents_each_once(
    writer,
    town,  # noqa: F811
    committed,
    smtp,
    gateway,
):
    with committed():
        publication = alert(writer, town)
    found = list(messages_of(publication))
    addresses = [m.address for m in found]
    assert len(addresses) == len(set(addresses))
    # An is subscribed ("my street") and lives on the street: one message, by e-mail.
    an = [m for m in found if m.person_id == town["an"].pk]
    assert len(an) == 1
    assert an[0].channel == "email"
    assert {"visitor@example.org", "+32470999999", "all@example.org"} <= set(addresses)
    assert "weekly@example.org" not in addresses  # the digest's
    assert "events@example.org" not in addresses
    pieter = [m for m in found if m.person_id == town["pieter"].pk]
    assert [m.channel for m in pieter] == ["letter"]
    # The subscribers' texts carry their own unsubscribe link as a marker, never the token.
    visitor = next(m for m in found if m.address == "visitor@example.org")
    assert visitor.secret_source["source"] == "news.subscription-unsubscribe"
    assert f"[unsubscribe_link:{visitor.uuid}]" in visitor.body
    assert visitor.subject == "Wegenwerken Kerkstraat"
    sms = next(m for m in found if m.address == "+32470999999")
    assert sms.body.startswith("Wegenwerken Kerkstraat vanaf maandag. http")
    assert sms.queue == "urgent"
    assert {m.state for m in found if m.channel != "letter"} <= {"sent", "delivered"}
    state = PublicationDelivery.objects.get(publication=publication)
    assert state.state == "done"
    assert state.written == len(found)


def test_a_crash_half_way_and_a_second_run_send_nothing_twice(
    writer,
    town,  # noqa: F811
    settings,
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    publication = alert(writer, town)
    PublicationDelivery.objects.get_or_create(publication=publication)
    everyone = list(delivery.recipients_of(publication))
    assert len(everyone) > 3
    templates = delivery.delivery_templates(publication, url=delivery.publication_url(publication))
    state = PublicationDelivery.objects.get(publication=publication)
    # The worker died after its first batch of two.
    texts = {for_subscribers: template_texts(t) for for_subscribers, t in templates.items()}
    delivery._batch_write(publication, state, templates, texts, everyone[:2])
    assert messages_of(publication).count() == 2
    delivery.publication_deliver(publication.pk)
    delivery.publication_deliver(publication.pk)  # a duplicate event: done already
    PublicationDelivery.objects.filter(publication=publication).update(state="preparing")
    delivery.publication_deliver(publication.pk)  # and once more, as a resumed run
    keys = list(messages_of(publication).values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == len(everyone)


def test_a_recipient_in_a_language_the_publication_lacks_gets_dutch(
    writer,
    town,  # noqa: F811
    settings,
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    publication = alert(writer, town, title_fr="Travaux rue de l'Église", summary_fr="Dès lundi.")
    PublicationDelivery.objects.get_or_create(publication=publication)
    delivery.publication_deliver(publication.pk)
    by_address = {m.address: m for m in messages_of(publication)}
    assert by_address["an@example.org"].language == "fr"
    assert by_address["an@example.org"].subject == "Travaux rue de l'Église"
    english = by_address["all@example.org"]  # English, which it is not written in
    assert (english.language, english.subject) == ("nl", "Wegenwerken Kerkstraat")


def test_an_alert_over_the_sms_limit_still_goes_and_the_preview_says_so(
    writer,
    town,  # noqa: F811
    settings,
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    long_text = "Wegenwerken in de Kerkstraat " * 20
    publication = alert(writer, town, sms_text=long_text.strip())
    assert delivery.channels.sms_preview(publication, url="https://x.be/n/1").over_limit
    PublicationDelivery.objects.get_or_create(publication=publication)
    delivery.publication_deliver(publication.pk)
    sms = messages_of(publication).get(address="+32470999999")
    assert sms.body.startswith(long_text.strip())


def test_the_social_post_is_made_once(
    writer,
    town,  # noqa: F811
    settings,
    committed,
):
    server = FakeMastodon()
    with server.serve() as url:
        settings.TOWNHALL_SOCIAL = {
            **settings.TOWNHALL_SOCIAL,
            "ACCOUNTS": {
                "gemeente": {"PLUGIN": "mastodon", "BASE_URL": url, "TOKEN": DEMO_MASTODON_TOKEN}
            },
        }
        with committed():
            publication = alert(writer, town, channel_email=False, channel_sms=False)
            Publication.objects.filter(pk=publication.pk).update(channel_social=True)
        PublicationDelivery.objects.filter(publication=publication).update(state="preparing")
        publication.refresh_from_db()
        with committed():
            delivery.publication_deliver(publication.pk)
        PublicationDelivery.objects.filter(publication=publication).update(state="preparing")
        with committed():
            delivery.publication_deliver(publication.pk)
        posts = SocialPost.objects.filter(source=delivery.delivery_source(publication))
        assert posts.count() == 1
        assert len(server.statuses_posted()) == 1
        assert delivery.publication_url(publication) in str(server.statuses_posted()[0])
        assert not messages_of(publication).exists()  # no e-mail or SMS chosen


def test_a_withdrawn_publication_is_not_delivered(
    writer,
    town,  # noqa: F811
    settings,
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    publication = alert(writer, town)
    PublicationDelivery.objects.get_or_create(publication=publication)
    Publication.objects.filter(pk=publication.pk).update(state="withdrawn")
    delivery.publication_deliver(publication.pk)
    assert not messages_of(publication).exists()
    assert PublicationDelivery.objects.get(publication=publication).state == "cancelled"


def test_digests_go_once_per_period_and_not_when_nothing_is_new(
    writer,
    town,  # noqa: F811
    templates,
    committed,
    smtp,
):
    weekly = town["subs"]["weekly"]
    daily = subscribe("daily@example.org", topics=[town["road_works"]], frequency="daily")
    earlier = timezone.now() - datetime.timedelta(days=1)
    type(weekly).objects.filter(pk__in=[weekly.pk, daily.pk]).update(confirmed_at=earlier)
    monday = timezone.now()
    assert digests.digests_send(frequency="weekly", now=monday, force=True) == 0  # nothing yet
    with committed():
        publication = alert(writer, town)
    later = timezone.now() + datetime.timedelta(minutes=1)
    with committed():
        assert digests.digests_send(frequency="weekly", now=later, force=True) == 1
        assert digests.digests_send(frequency="daily", now=later, force=True) == 1
    with committed():
        assert digests.digests_send(frequency="weekly", now=later, force=True) == 0
        assert digests.digests_send(frequency="daily", now=later, force=True) == 0
    assert DigestSent.objects.filter(subscription=weekly).count() == 1
    mail = Message.objects.get(idempotency_key__startswith=f"news-digest:{weekly.pk}:")
    assert publication.title in mail.body
    assert mail.address == "weekly@example.org"
    assert mail.state == "sent"
    # The next day, nothing new: no digest.
    tomorrow = later + datetime.timedelta(days=1)
    assert digests.digests_send(frequency="daily", now=tomorrow, force=True) == 0


def test_the_feed_is_kept_whole_and_a_new_publication_shows_at_once(
    writer, client, committed, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    with committed():
        published(writer, title="Eerste bericht")
    first = client.get("/nieuws/feed/atom/")
    assert first["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(0):
        again = client.get("/nieuws/feed/atom/")
    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=60"
    with committed():
        published(writer, title="Tweede bericht")
    assert "Tweede bericht" in client.get("/nieuws/feed/atom/").content.decode()


def test_a_scheduled_alert_goes_out_when_its_time_has_come(
    writer,
    town,  # noqa: F811
    committed,
):
    from townhall.news import services

    later = timezone.now() + datetime.timedelta(hours=2)
    fields = alert_fields(
        topics=[town["road_works"]],
        streets=[town["kerk"]],
        channel_email=True,
        ends_at=later + datetime.timedelta(days=1),
    )
    with committed():
        publication = services.publication_create(author=writer, **fields)
        services.publication_publish(publication=publication, actor=writer, publish_at=later)
    assert PublicationDelivery.objects.get(publication=publication).state == "waiting"
    assert not messages_of(publication).exists()
    with committed():
        assert delivery.deliveries_due() == 0  # not yet
    with committed():
        assert delivery.deliveries_due(now=later + datetime.timedelta(minutes=1)) == 1
    # The task itself reads the clock: still early, so it waits again.
    assert not messages_of(publication).exists()
    Publication.objects.filter(pk=publication.pk).update(publish_at=timezone.now())
    with committed():
        delivery.deliveries_due()
    assert messages_of(publication).filter(address="visitor@example.org").count() == 1
