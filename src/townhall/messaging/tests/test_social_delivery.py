"""Social posts through the outbox, against a real local Mastodon-compatible server:
posted once, retried after 429, 5xx, a time-out and a server that is down, failed
at once on a refusal, and never posted twice."""

import socket
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.demo.fake_mastodon import FakeMastodon
from townhall.messaging.errors import MessagingError
from townhall.messaging.social.delivery import (
    social_post_claim,
    social_post_deliver,
    social_post_send,
    social_posts_sweep,
)
from townhall.messaging.social.models import SocialPost
from townhall.messaging.social.selectors import (
    social_post_counts,
    social_post_page,
    social_posts_for_source,
)
from townhall.messaging.social.services import (
    social_post_cancel,
    social_post_request,
    social_post_retry,
    social_preview,
)

SOURCE = "news.publication:5b0c4c8e-2f0e-4a57-9d1c-0d3c2b9a4e11"
LINK = "https://www.example.be/nieuws/wegenwerken-kerkstraat"


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def accounts(settings, base_url: str, *, timeout=(2.0, 2.0), **options) -> None:
    settings.TOWNHALL_SOCIAL = {
        **settings.TOWNHALL_SOCIAL,
        "ACCOUNTS": {
            "gemeente": {"PLUGIN": "mastodon", "BASE_URL": base_url, "TOKEN": DEMO_MASTODON_TOKEN}
        },
        "TIMEOUT": timeout,
        "RETRY_FIRST": 60,
        "RETRY_MAX": 1800,
        "RETRY_HORIZON": 6 * 3600,
        **options,
    }


@pytest.fixture
def fake(settings):
    server = FakeMastodon()
    with server.serve() as url:
        accounts(settings, url)
        server.url = url
        yield server


def ask(key="publication-1:gemeente", text="Wegenwerken in de Kerkstraat vanaf maandag."):
    return social_post_request(
        account="gemeente",
        text=text,
        link=LINK,
        language="nl",
        source=SOURCE,
        idempotency_key=key,
        actor=None,
    )


def posts_made(fake: FakeMastodon) -> list[dict]:
    return fake.statuses_posted()


def due_now(post: SocialPost) -> None:
    """Move the clock past the post's wait (its next attempt becomes due)."""
    SocialPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_a_post_goes_out_once_with_its_link_language_and_idempotency_key(fake, committed):
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    [status] = posts_made(fake)
    assert post.remote_id == status["id"]
    assert post.remote_url == status["url"]
    assert status["text"] == f"Wegenwerken in de Kerkstraat vanaf maandag.\n\n{LINK}"
    assert status["visibility"] == "public"
    assert status["language"] == "nl"
    # One call only: no version check, no instance look-up.
    assert [(method, path) for method, path, _h in fake.requests] == [("POST", "/api/v1/statuses")]
    assert fake.requests[0][2]["idempotency-key"] == f"townhall-{post.uuid}"
    # Asking again with the same key gives the same post and posts nothing more.
    with committed():
        again = ask()
    assert again.pk == post.pk
    assert len(posts_made(fake)) == 1


@pytest.mark.django_db
def test_429_waits_the_servers_retry_after_then_posts(fake, committed):
    fake.fail_with(429, times=1, retry_after="120")
    before = timezone.now()
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.QUEUED
    assert "429" in post.reason
    assert (
        before + timedelta(seconds=119) <= post.next_attempt_at <= before + timedelta(seconds=125)
    )
    social_post_deliver(post.pk)  # not due yet: nothing happens
    assert len(fake.requests) == 1
    due_now(post)
    social_post_deliver(post.pk)
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert post.attempts == 2
    assert len(posts_made(fake)) == 1
    assert [e.state for e in post.events.all()] == [SocialPost.State.QUEUED]


@pytest.mark.django_db
def test_500_is_retried_with_growing_waits_and_the_same_key(fake, committed):
    fake.fail_with(500, times=2)
    with committed():
        post = ask()
    waits = []
    for _attempt in range(2):
        post.refresh_from_db()
        assert post.state == SocialPost.State.QUEUED
        assert "500" in post.reason
        waits.append(post.next_attempt_at - timezone.now())
        due_now(post)
        social_post_deliver(post.pk)
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert waits[1] > waits[0]  # 1 minute, then 2
    keys = {headers["idempotency-key"] for _m, _p, headers in fake.requests}
    assert keys == {post.remote_idempotency_key}
    assert len(posts_made(fake)) == 1


@pytest.mark.django_db
def test_a_timeout_after_the_request_went_out_is_retried_with_the_same_key(settings, committed):
    fake = FakeMastodon()
    with fake.serve() as url:
        accounts(settings, url, timeout=(2.0, 0.5))
        fake.hang_after_posting(3)
        with committed():
            post = ask()
        post.refresh_from_db()
        assert post.state == SocialPost.State.QUEUED
        assert "did not answer" in post.reason
        assert len(posts_made(fake)) == 1  # it reached the server and was made
        due_now(post)
        social_post_deliver(post.pk)
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    [status] = posts_made(fake)  # the retry got the same status back
    assert post.remote_id == status["id"]


@pytest.mark.django_db
def test_a_server_down_for_an_hour_keeps_the_post_queued_then_it_fails_after_the_limit(
    settings, committed
):
    accounts(settings, closed_port_url(), RETRY_HORIZON=3 * 3600)
    start = timezone.now()
    with freeze_time(start) as clock:
        with committed():
            post = ask()
        waits = []
        while True:
            post.refresh_from_db()
            if post.state != SocialPost.State.QUEUED:
                break
            assert "did not answer" in post.reason
            waits.append(post.next_attempt_at - timezone.now())
            clock.move_to(post.next_attempt_at)
            social_post_deliver(post.pk)
            if timezone.now() - start >= timedelta(hours=1):
                # An hour down: still waiting to try again, nothing lost.
                assert post.state == SocialPost.State.QUEUED
    assert post.state == SocialPost.State.FAILED
    assert post.reason.startswith(f"Gave up after {post.attempts} attempts")
    assert waits == sorted(waits)
    assert waits[0] == timedelta(minutes=1)
    assert max(waits) == timedelta(minutes=30)
    assert timezone.now() - start < timedelta(hours=3)


@pytest.mark.django_db
def test_422_fails_at_once_with_the_servers_message(fake, committed):
    fake.fail_with(422, times=1, error="Validation failed: Text has been posted already")
    with committed():
        post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.FAILED
    assert "Validation failed: Text has been posted already" in post.reason
    assert "422" in post.reason
    assert posts_made(fake) == []


@pytest.mark.django_db
def test_a_wrong_token_fails_with_mastodons_words(settings, committed):
    fake = FakeMastodon(token="another-token")
    with fake.serve() as url:
        accounts(settings, url)
        with committed():
            post = ask()
    post.refresh_from_db()
    assert post.state == SocialPost.State.FAILED
    assert "The access token is invalid" in post.reason


@pytest.mark.django_db
def test_two_workers_claiming_the_same_post_send_it_once(fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task is not run
        post = ask()
    first = social_post_claim(post.pk)
    assert first is not None
    assert social_post_claim(post.pk) is None  # the second worker gets nothing
    social_post_deliver(post.pk)  # nor does a task enqueued twice
    assert fake.requests == []
    social_post_send(first)
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert post.attempts == 1
    assert len(posts_made(fake)) == 1


@pytest.mark.django_db
def test_the_sweeper_takes_back_a_post_a_dead_worker_left_sending(fake, settings, committed):
    settings.TOWNHALL_SOCIAL = {**settings.TOWNHALL_SOCIAL, "SENDING_TIMEOUT": 60}
    post = ask()  # outside committed(): its task is never run ("lost")
    assert social_post_claim(post.pk) is not None  # then the worker dies
    SocialPost.objects.filter(pk=post.pk).update(claimed_at=timezone.now() - timedelta(minutes=5))
    with committed():
        outcome = social_posts_sweep()
    assert outcome == {"taken_back": 1, "requeued": 1}
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT  # the immediate backend ran it
    assert len(posts_made(fake)) == 1


@pytest.mark.django_db
def test_a_text_over_the_limit_is_refused_before_anything_is_queued(fake):
    text = "Lang bericht " * 40  # 520 characters with the link counted as 23
    with pytest.raises(ValidationError) as refused:
        ask(text=text)
    message = refused.value.message_dict["text"][0]
    assert "takes at most 500" in message
    assert SocialPost.objects.count() == 0
    # A long link counts as 23, as Mastodon counts it.
    preview = social_preview(account="gemeente", text="Kort.", link=LINK + "/" + "x" * 200)
    assert preview.length == len("Kort.") + 2 + 23
    assert preview.fits
    assert preview.limit == 500
    assert preview.text.endswith("x" * 200)


@pytest.mark.django_db
def test_an_unknown_account_is_a_clear_error(fake):
    with pytest.raises(MessagingError, match="No social media account is configured as 'x'"):
        social_post_request(
            account="x",
            text="Hallo",
            link="",
            language="nl",
            source=SOURCE,
            idempotency_key="k",
            actor=None,
        )
    assert SocialPost.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_names_the_field(fake):
    with pytest.raises(ValidationError) as refused:
        social_post_request(
            account="gemeente",
            text=" ",
            link="javascript:alert(1)",
            language="xx",
            source=SOURCE,
            idempotency_key="k",
        )
    assert set(refused.value.message_dict) == {"text", "link", "language"}


@pytest.mark.django_db
def test_staff_cancel_a_waiting_post_and_retry_a_failed_one(fake, committed, django_user_model):
    staff = django_user_model.objects.create_user("sofie", password="x")
    fake.fail_with(500, times=1)
    with committed():
        waiting = ask(key="a")
    waiting = social_post_cancel(post=waiting, actor=staff)
    assert waiting.state == SocialPost.State.CANCELLED
    with pytest.raises(MessagingError):
        social_post_cancel(post=waiting, actor=staff)
    fake.fail_with(422, times=1, error="Validation failed")
    with committed():
        failed = ask(key="b", text="Een ander bericht.")
    failed.refresh_from_db()
    assert failed.state == SocialPost.State.FAILED
    with committed():
        retried = social_post_retry(post=failed, actor=staff)
    retried.refresh_from_db()
    assert retried.state == SocialPost.State.SENT
    assert [e.actor for e in retried.events.all()] == [None, staff]
    with pytest.raises(MessagingError):
        social_post_retry(post=retried, actor=staff)
    counts = social_post_counts(source=SOURCE)
    assert counts == {"gemeente": {"queued": 0, "sent": 1, "failed": 0, "cancelled": 1}}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_post_once(settings):
    """Two tasks for one post run in two threads while the server is slow to answer:
    the first claims it and posts, the second finds it taken and sends nothing."""
    fake = FakeMastodon()
    with fake.serve() as url:
        accounts(settings, url)
        # Written without its task (the service would run it at once here).
        post = SocialPost.objects.create(
            account="gemeente", plugin="mastodon", text="Kermis", language="nl", idempotency_key="k"
        )
        fake.hang_after_posting(0.5)
        started = threading.Barrier(2)

        def worker():
            started.wait()
            try:
                social_post_deliver(post.pk)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    post.refresh_from_db()
    assert post.state == SocialPost.State.SENT
    assert post.attempts == 1
    assert len(fake.requests) == 1
    assert len(fake.statuses) == 1


@pytest.mark.django_db
def test_a_post_whose_account_was_removed_fails_with_the_reason(fake, settings):
    post = ask()  # its task is not run: outside committed()
    settings.TOWNHALL_SOCIAL = {**settings.TOWNHALL_SOCIAL, "ACCOUNTS": {}}
    social_post_deliver(post.pk)
    post.refresh_from_db()
    assert post.state == SocialPost.State.FAILED
    assert "No social media account is configured as 'gemeente'" in post.reason


@pytest.mark.django_db
def test_the_selectors_read_once(fake, django_assert_num_queries):
    for n in range(3):
        ask(key=f"k{n}")
    SocialPost.objects.filter(idempotency_key="k0").update(state=SocialPost.State.SENT)
    SocialPost.objects.filter(idempotency_key="k1").update(state=SocialPost.State.SENDING)
    with django_assert_num_queries(1):
        counts = social_post_counts(source=SOURCE)
    assert counts == {"gemeente": {"queued": 2, "sent": 1, "failed": 0, "cancelled": 0}}
    with django_assert_num_queries(1):
        assert len(social_posts_for_source(source=SOURCE)) == 3
    with django_assert_num_queries(1):
        page = social_post_page(params={}, size=2)
    assert len(page) == 2
    assert page.older


@pytest.mark.django_db
def test_the_command_queues_a_post_or_says_why_not(fake, capsys, committed):
    call_command(
        "social_post", "--account", "gemeente", "--text", "Kort.", "--link", LINK, "--preview"
    )
    assert "(Mastodon: 30 characters of at most 500)" in capsys.readouterr().out
    assert SocialPost.objects.count() == 0
    with committed():
        call_command(
            "social_post", "--account", "gemeente", "--text", "Het park is open.", "--link", LINK
        )
    assert "on gemeente: queued." in capsys.readouterr().out
    assert len(posts_made(fake)) == 1
    with pytest.raises(CommandError, match="takes at most 500"):
        call_command("social_post", "--account", "gemeente", "--text", "x" * 501)
    with pytest.raises(CommandError, match="configured: gemeente"):
        call_command("social_post", "--account", "nope", "--text", "Hallo")
