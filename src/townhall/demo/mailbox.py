"""The demo mailbox: e-mail sent in the demo is kept on disk, not delivered.

``DemoMailboxBackend`` writes each message as an ``.eml`` file in
``var/demo-mailbox/``; the demo-only page ``/demo/mailbox/`` lists them, so a
newcomer sees what residents would receive without any mail server.
"""

import email
import email.policy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def mailbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-mailbox"


class DemoMailboxBackend(BaseEmailBackend):
    """Django e-mail backend that stores messages in the demo mailbox."""

    def send_messages(self, email_messages):
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = folder / f"{stamp}-{abs(hash(message.subject)) % 10**8:08d}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class MailboxMessage:
    name: str
    to: str
    subject: str
    sent_at: datetime
    body: str


def mailbox_messages(limit: int = 100) -> list[MailboxMessage]:
    """The newest messages first."""
    folder = mailbox_dir()
    if not folder.exists():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [_read(path) for path in paths]


def mailbox_message(name: str) -> MailboxMessage | None:
    path = mailbox_dir() / name
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        return None
    return _read(path)


def _read(path: Path) -> MailboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = parsed.get_body(preferencelist=("plain", "html"))
    return MailboxMessage(
        name=path.name,
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        sent_at=datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone()),
        body=part.get_content() if part else "",
    )
