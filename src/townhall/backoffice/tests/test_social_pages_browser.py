"""The social media posts and the demo's Mastodon page in a real browser, at phone and
desktop width, with axe-core."""

import pytest
from django.test import Client
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.backoffice.tests.test_messaging_browser import carry_session
from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.messaging.social.models import SocialPost
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_of(state, n, **fields):
    return SocialPost.objects.create(
        account="gemeente",
        plugin="mastodon",
        text=f"Bericht {n}: de kermis begint zaterdag op het marktplein.",
        link="https://www.example.be/nieuws/kermis",
        language="nl",
        idempotency_key=f"key-{n}",
        state=state,
        **fields,
    )


def test_the_social_posts_and_the_cancel_question_are_accessible(page, live_server, municipality):
    post_of(SocialPost.State.FAILED, 1, attempts=7, reason="Gave up after 7 attempts: 503")
    post_of(SocialPost.State.SENT, 2, remote_url="https://mastodon.example/@gemeente/1")
    waiting = post_of(SocialPost.State.QUEUED, 3)
    client = Client()
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    carry_session(page, live_server, client)
    page.goto(live_server.url + reverse("backoffice:messaging_social"))
    assert page.locator("h1").inner_text() == "Social media posts"
    assert_no_axe_violations_at_every_width(page, "the social media posts")
    page.goto(live_server.url + reverse("backoffice:messaging_social_cancel", args=[waiting.uuid]))
    assert_no_axe_violations_at_every_width(page, "the question before cancelling a post")
    page.get_by_role("button", name="Yes, cancel the post").click()
    waiting.refresh_from_db()
    assert waiting.state == SocialPost.State.CANCELLED
    assert_no_axe_violations_at_every_width(page, "the posts after cancelling one")


def test_the_demo_mastodon_page_is_accessible(page, live_server, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    Client().post(
        "/demo/mastodon/api/v1/statuses",
        {"status": "De kermis begint zaterdag.\n\nhttps://www.example.be/nieuws/kermis"},
        headers={"Authorization": f"Bearer {DEMO_MASTODON_TOKEN}"},
    )
    page.goto(live_server.url + "/demo/mastodon/")
    assert "De kermis begint zaterdag." in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "the demo Mastodon page")
