"""The webhook plugin against a real local receiver: signed JSON, the Idempotency-Key,
2xx posted, 429 and 5xx retried, any other answer failed with the receiver's text."""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from townhall.messaging.social.delivery import social_post_deliver
from townhall.messaging.social.models import SocialPost
from townhall.messaging.social.services import social_post_request

SECRET = "webhook-test-secret"


class Receiver:
    """Answers the queued (status, body, headers) in turn, then 200; records every POST."""

    def __init__(self):
        self.answers: list[tuple[int, bytes, dict]] = []
        self.received: list[tuple[dict, bytes]] = []

    @contextmanager
    def serve(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status, answer, headers = (
                    receiver.answers.pop(0)
                    if receiver.answers
                    else (200, b'{"id": "w-1", "url": "https://social.example/p/w-1"}', {})
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/post"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def receiver(settings, monkeypatch):
    monkeypatch.setenv("TOWNHALL_TEST_WEBHOOK_SECRET", SECRET)
    fake = Receiver()
    with fake.serve() as url:
        settings.TOWNHALL_SOCIAL = {
            **settings.TOWNHALL_SOCIAL,
            "ACCOUNTS": {
                "brug": {
                    "PLUGIN": "webhook",
                    "URL": url,
                    "SECRET_ENV": "TOWNHALL_TEST_WEBHOOK_SECRET",
                    "MAX_LENGTH": 300,
                }
            },
            "TIMEOUT": (2.0, 2.0),
        }
        yield fake


def ask(text="Het recyclagepark is zaterdag gesloten."):
    return social_post_request(
        account="brug",
        text=text,
        link="https://www.example.be/nieuws/recyclagepark",
        language="fr",
        source="news.publication:1",
        idempotency_key="publication-1:brug",
    )


@pytest.mark.django_db
def test_the_webhook_gets_signed_json_with_the_idempotency_key(receiver, committed):
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert post.remote_id == "w-1"
    assert post.remote_url == "https://social.example/p/w-1"
    [(headers, body)] = receiver.received
    assert json.loads(body) == {
        "id": str(post.uuid),
        "text": "Het recyclagepark is zaterdag gesloten.",
        "link": "https://www.example.be/nieuws/recyclagepark",
        "language": "fr",
        "source": "news.publication:1",
    }
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-townhall-signature"] == f"sha256={expected}"
    assert headers["idempotency-key"] == post.remote_idempotency_key


@pytest.mark.django_db
def test_a_non_2xx_answer_fails_the_post_with_the_receivers_text(receiver, committed):
    receiver.answers.append((400, b"text is not allowed here", {}))
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.FAILED
    assert "400 text is not allowed here" in post.reason


@pytest.mark.django_db
def test_429_and_503_are_retried(receiver, committed):
    receiver.answers += [(429, b"slow down", {"Retry-After": "30"}), (503, b"maintenance", {})]
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.QUEUED
    assert "429" in post.reason
    for expected in ("503 maintenance", None):
        SocialPost.objects.filter(pk=post.pk).update(next_attempt_at=None)
        social_post_deliver(post.pk)
        post.refresh_from_db()
        if expected:
            assert post.state == SocialPost.State.QUEUED
            assert expected in post.reason
    assert post.state == SocialPost.State.SENT
    assert len({headers["idempotency-key"] for headers, _b in receiver.received}) == 1


@pytest.mark.django_db
def test_the_webhooks_own_limit_is_checked_before_queueing(receiver):
    with pytest.raises(ValidationError, match="takes at most 300"):
        ask(text="x" * 290)
    assert receiver.received == []
