"""The demo's fake Mastodon server, served by the demo's own Django at /demo/mastodon/:
the API the ``mastodon`` account posts to, and the page that shows what was posted."""

import pytest
from django.test import Client

from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.messaging.social.models import SocialPost
from townhall.messaging.social.services import social_post_request

API = "/demo/mastodon/api/v1/statuses"
BEARER = {"Authorization": f"Bearer {DEMO_MASTODON_TOKEN}"}


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db
def test_the_demo_serves_mastodons_statuses_api_and_lists_the_posts(client):
    key = {**BEARER, "Idempotency-Key": "k-1"}
    first = client.post(API, {"status": "Hallo iedereen", "language": "nl"}, headers=key)
    assert first.status_code == 200
    status = first.json()
    assert status["visibility"] == "public"
    again = client.post(API, {"status": "Hallo iedereen"}, headers=key)
    assert again.json()["id"] == status["id"]  # the same key: the same status
    assert client.get(f"{API}/{status['id']}", headers=BEARER).json()["text"] == ("Hallo iedereen")
    assert client.get(f"{API}/1", headers=BEARER).status_code == 404
    assert client.post(API, {"status": "Zonder sleutel"}).status_code == 401
    refused = client.post(API, {"status": "x" * 501}, headers=BEARER)
    assert refused.status_code == 422
    assert "character limit" in refused.json()["error"]
    page = client.get("/demo/mastodon/")
    assert page.status_code == 200
    assert page.content.decode().count("Hallo iedereen") == 1
    assert f'id="status-{status["id"]}"' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_demo_account_posts_to_the_fake_over_http(live_server, settings):
    settings.TOWNHALL_SOCIAL = {
        **settings.TOWNHALL_SOCIAL,
        "ACCOUNTS": {
            "mastodon": {
                "PLUGIN": "mastodon",
                "BASE_URL": f"{live_server.url}/demo/mastodon",
                "TOKEN": DEMO_MASTODON_TOKEN,
            }
        },
    }
    post = social_post_request(
        account="mastodon",
        text="Het gemeentehuis is maandag gesloten.",
        link="https://www.example.be/nieuws/gesloten",
        language="nl",
        source="news.publication:demo",
        idempotency_key="demo-1",
    )
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert post.remote_url.endswith(f"#status-{post.remote_id}")
    page = Client().get("/demo/mastodon/").content.decode()
    assert "Het gemeentehuis is maandag gesloten." in page
    assert "https://www.example.be/nieuws/gesloten" in page
