"""A real SMTP server on 127.0.0.1 for the messaging tests (aiosmtpd), never the network."""

import contextlib
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from townhall.messaging.templates import templates_load


@dataclass
class SmtpSink:
    """Records every message the server accepted; can refuse addresses or answer 4xx."""

    received: list = field(default_factory=list)
    refuse: dict = field(default_factory=dict)  # address -> "550 ..." or "451 ..."
    delay: float = 0.0  # seconds to wait in RCPT, as a slow server would
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            time.sleep(self.delay)
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(parsed)
        return "250 Message accepted for delivery"

    def restart(self) -> None:
        """Start a new server on the same port (the old one "went down")."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> list:
        return [m for m in self.received if address in str(m["To"])]


# aiosmtpd logs every connection at INFO from its own thread, sometimes after
# pytest closed the captured stream ("I/O operation on closed file").
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A running SMTP server; Django's SMTP backend points at it."""
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    sink.controller = controller
    sink.port = port
    yield sink
    with contextlib.suppress(AssertionError):  # already stopped: the server "went down"
        sink.controller.stop()


@pytest.fixture
def templates(db):
    return {t.code: t for t in templates_load()}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what waits for the commit (enqueued tasks) at the
    end of the block, as a real commit would; the test's own transaction stays open."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
