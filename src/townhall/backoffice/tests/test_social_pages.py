"""The back office's social media posts: the list, trying a failed post again and
cancelling one that waits, for the communication role only."""

import pytest
from django.urls import reverse

from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.demo.fake_mastodon import FakeMastodon
from townhall.messaging.social.models import SocialPost

LIST = reverse("backoffice:messaging_social")


def post_of(state, n=1, **fields):
    return SocialPost.objects.create(
        account="gemeente",
        plugin="mastodon",
        text=f"Bericht {n} over de kermis",
        link="https://www.example.be/nieuws/kermis",
        language="nl",
        idempotency_key=f"key-{n}",
        state=state,
        **fields,
    )


@pytest.fixture
def fake(settings):
    server = FakeMastodon()
    with server.serve() as url:
        settings.TOWNHALL_SOCIAL = {
            **settings.TOWNHALL_SOCIAL,
            "ACCOUNTS": {
                "gemeente": {"PLUGIN": "mastodon", "BASE_URL": url, "TOKEN": DEMO_MASTODON_TOKEN}
            },
        }
        yield server


@pytest.mark.django_db
def test_communication_sees_the_posts_with_their_state_and_reason(
    client, communication, django_assert_num_queries
):
    post_of(SocialPost.State.FAILED, 1, reason="Mastodon 'gemeente' refused the post: 422 Nee")
    post_of(SocialPost.State.SENT, 2, remote_url="https://mastodon.example/@gemeente/1")
    post_of(SocialPost.State.QUEUED, 3)
    client.get(LIST)
    # session, user, second-factor device, permissions (user and group), the posts
    with django_assert_num_queries(6):
        page = client.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert "422 Nee" in html
    assert "https://mastodon.example/@gemeente/1" in html
    assert html.count('type="submit">') >= 1  # the failed one can be tried again
    assert (
        reverse(
            "backoffice:messaging_social_cancel",
            args=[SocialPost.objects.get(idempotency_key="key-3").uuid],
        )
        in html
    )


@pytest.mark.django_db
def test_the_list_pages_by_keyset(client, communication):
    for n in range(30):
        post_of(SocialPost.State.SENT, n)
    first = client.get(LIST).content.decode()
    assert "Bericht 29 " in first
    assert "Bericht 4 " not in first
    assert "?older=" in first


@pytest.mark.django_db
def test_a_failed_post_is_tried_again_and_posted(
    client, communication, fake, django_capture_on_commit_callbacks
):
    post = post_of(SocialPost.State.FAILED, reason="Gave up")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("backoffice:messaging_social_retry", args=[post.uuid]))
    assert answer.status_code == 302
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert len(fake.statuses_posted()) == 1
    assert post.events.get().actor == communication
    # Trying a sent post again says why not and changes nothing.
    answer = client.post(
        reverse("backoffice:messaging_social_retry", args=[post.uuid]), follow=True
    )
    assert "Only a failed or cancelled post can be tried again." in answer.content.decode()


@pytest.mark.django_db
def test_cancelling_asks_first(client, communication):
    post = post_of(SocialPost.State.QUEUED)
    url = reverse("backoffice:messaging_social_cancel", args=[post.uuid])
    question = client.get(url)
    assert question.status_code == 200
    assert "Yes, cancel the post" in question.content.decode()
    client.post(url)  # an old form without "confirming" asks again
    post.refresh_from_db()
    assert post.state == SocialPost.State.QUEUED
    client.post(url, {"confirming": "1"})
    post.refresh_from_db()
    assert post.state == SocialPost.State.CANCELLED


@pytest.mark.django_db
def test_citizens_affairs_may_not_open_the_posts(client, citizens_affairs):
    post = post_of(SocialPost.State.FAILED)
    assert client.get(LIST).status_code == 403
    assert (
        client.post(reverse("backoffice:messaging_social_retry", args=[post.uuid])).status_code
        == 403
    )


@pytest.mark.django_db
def test_without_the_second_factor_the_page_sends_to_sign_in(client):
    answer = client.get(LIST)
    assert answer.status_code == 302
