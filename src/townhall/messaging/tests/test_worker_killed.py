"""A real task worker killed in the middle of a broadcast: nothing lost, nothing sent twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection

from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.delivery import messages_sweep
from townhall.messaging.models import Message, MessageTemplate
from townhall.messaging.templates import template_activate, template_text_save
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import AddressFactory, PersonFactory, street_pk

RECIPIENTS = 40


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker(smtp_port: int, tmp_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TOWNHALL_TASKS_BACKEND": "database",
        "TOWNHALL_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "TOWNHALL_VAR_DIR": str(tmp_path),
    }
    command = [
        sys.executable, "-m", "townhall", "db_worker", "--queue-name", "bulk",
        "--interval", "0.1", "--no-reload", "--no-startup-delay", "-v", "0",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_broadcast_loses_nothing_and_sends_nothing_twice(
    smtp, settings, tmp_path
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "urgent", "bulk"],
        }
    }
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "CHUNK_SIZE": RECIPIENTS}
    municipality_for_tests()
    template = MessageTemplate.objects.create(
        code="notice", name="Notice", kind="announcement", topic="alerts"
    )
    for channel in ("email", "sms", "letter"):
        for language in ("nl", "fr", "en"):
            template_text_save(
                template=template, channel=channel, language=language, subject="S", body="B"
            )
    template_activate(template=template)
    for index in range(RECIPIENTS):
        PersonFactory(
            email=f"r{index}@example.org",
            domicile=AddressFactory(street_name="Werfstraat", postcode="8770"),
        )
    # A slow server: each message takes 50 ms before the server accepts it.
    smtp.delay = 0.05

    broadcast = broadcast_send(
        template=template, selection=Selection(street=street_pk("Werfstraat"))
    )
    worker = _worker(smtp.port, tmp_path)
    try:
        assert _wait_for(lambda: len(smtp.received) >= 5), "the worker never started sending"
        worker.send_signal(signal.SIGKILL)  # no clean-up, as in a crash or an OOM kill
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    states = Counter(broadcast.messages.values_list("state", flat=True))
    assert states["sent"] < RECIPIENTS, "the worker finished before it was killed"
    assert states["sending"] >= 1  # claimed by the dead worker, not handed over

    # The sweeper takes them back (here at once; normally after SENDING_TIMEOUT)...
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "SENDING_TIMEOUT": 0}
    assert messages_sweep()["taken_back"] == states["sending"]
    # ...and a new worker finishes the job.
    worker = _worker(smtp.port, tmp_path)
    try:
        assert _wait_for(
            lambda: broadcast.messages.filter(state=Message.State.SENT).count() == RECIPIENTS
        ), Counter(broadcast.messages.values_list("state", flat=True))
    finally:
        worker.terminate()
        worker.wait(timeout=10)

    received = Counter(str(m["To"]) for m in smtp.received)
    assert len(received) == RECIPIENTS  # nothing lost
    # Nothing sent twice, but for the window docs/architecture.md names ("Exactly once,
    # and where it stops"): the one message the server accepted just before the kill,
    # whose "sent" the worker could not commit, goes again, with the same Message-ID,
    # so the copy is recognisable. A fresh-clone CI run hit that window once.
    twice = [address for address, count in received.items() if count > 1]
    assert len(twice) <= 1
    assert max(received.values()) <= 2
    for address in twice:
        ids = {m["Message-ID"] for m in smtp.received if str(m["To"]) == address}
        assert len(ids) == 1
