"""A local Mastodon-compatible server, at the HTTP level, for the demo and the tests.

It answers the part of Mastodon's API that Townhall's ``mastodon`` plugin uses,
in Mastodon's shape:

- ``POST /api/v1/statuses`` (form or JSON ``status``, ``visibility``,
  ``language``): 401 without the right ``Authorization: Bearer`` token, 422 for
  an empty text or one over 500 characters (a URL counting as 23), else 200
  with the new status. The ``Idempotency-Key`` header is honoured: the same key
  (per token) returns the status made the first time, as Mastodon does.
- ``GET /api/v1/statuses/{id}``: the status, or 404.

:meth:`FakeMastodon.answer` is the whole behaviour; two ways serve it:
:meth:`FakeMastodon.serve` on a random local port in a thread (the tests), and
the demo's own Django at ``/demo/mastodon/`` (:func:`townhall.demo.views.mastodon_api`),
which keeps the statuses in a file under ``var/`` so the demo page
(``/demo/mastodon/``) lists what was posted. Tests make it misbehave with
:meth:`fail_with` (any status, with ``Retry-After``, for the next N requests),
:meth:`hang` (no answer in time) and :meth:`hang_after_posting` (the status is
made, the answer comes too late: the client times out after the request went out).
"""

import fcntl
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

from townhall.conf import DEMO_MASTODON_TOKEN
from townhall.messaging.social.channels import mastodon_length

STATUSES = "/api/v1/statuses"
JSON = "application/json; charset=utf-8"
LIMIT = 500
USERNAME = "gemeente"

Answer = tuple[int, str, bytes, dict[str, str]]


def _error(status: int, text: str, headers: dict[str, str] | None = None) -> Answer:
    return status, JSON, json.dumps({"error": text}).encode(), headers or {}


class FakeMastodon:
    """Mastodon's statuses API for one account with ``token``.

    ``web_url`` is where the statuses' ``url`` points (the demo page). With
    ``state_file`` the statuses are kept in that JSON file (the demo, where each
    request builds a new fake); without, in memory (the tests).
    """

    def __init__(
        self,
        *,
        token: str = DEMO_MASTODON_TOKEN,
        web_url: str = "http://127.0.0.1/demo/mastodon/",
        state_file: Path | None = None,
    ) -> None:
        self.token = token
        self.web_url = web_url
        self.state_file = state_file
        self.statuses: list[dict] = []
        self.keys: dict[str, str] = {}  # Idempotency-Key -> status id
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        self._lock = threading.Lock()
        self._failures: list[Answer] = []
        self._failure_always: Answer | None = None
        self._hang_seconds = 0.0
        self._hang_after_posting = 0.0
        self._release = threading.Event()

    # --- making it misbehave ------------------------------------------------------
    def fail_with(
        self, status: int, *, times: int | None = None, retry_after: str = "", error: str = ""
    ) -> None:
        """Answer ``status`` to the next ``times`` requests (None: every one until
        ``fail_with(0)``), with a ``Retry-After`` header when given."""
        if not status:
            self._failures, self._failure_always = [], None
            return
        headers = {"Retry-After": retry_after} if retry_after else {}
        answer = _error(status, error or "Something went wrong.", headers)
        if times is None:
            self._failure_always = answer
        else:
            self._failures = [answer] * times

    def hang(self, seconds: float) -> None:
        """Wait this long before doing anything (longer than the client's timeout)."""
        self._hang_seconds = seconds

    def hang_after_posting(self, seconds: float) -> None:
        """Make the status, then wait this long before answering (once)."""
        self._hang_after_posting = seconds

    # --- the behaviour ------------------------------------------------------------------
    def answer(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """(status, content type, body, extra headers) for one request."""
        headers = {name.lower(): value for name, value in headers.items()}
        path = path.split("?", 1)[0].rstrip("/")
        with self._lock:
            self.requests.append((method, path, headers))
            failure = self._failures.pop(0) if self._failures else self._failure_always
        if self._hang_seconds:
            self._release.wait(self._hang_seconds)
        if headers.get("authorization", "") != f"Bearer {self.token}":
            return _error(401, "The access token is invalid")
        if failure:
            return failure
        if method == "POST" and path == STATUSES:
            return self._post(headers, body)
        if method == "GET" and path.startswith(STATUSES + "/"):
            with self._state(write=False) as state:
                found = [s for s in state["statuses"] if s["id"] == path.rsplit("/", 1)[1]]
            if not found:
                return _error(404, "Record not found")
            return 200, JSON, json.dumps(found[0]).encode(), {}
        return _error(404, "Record not found")

    def _post(self, headers: dict[str, str], body: bytes) -> Answer:
        if "json" in headers.get("content-type", ""):
            try:
                fields = json.loads(body or b"{}")
            except ValueError:
                return _error(400, "Malformed JSON")
            fields = fields if isinstance(fields, dict) else {}
        else:
            fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        text = str(fields.get("status") or "")
        if not text.strip():
            return _error(422, "Validation failed: Text can't be blank")
        if mastodon_length(text) > LIMIT:
            return _error(422, f"Validation failed: Text character limit of {LIMIT} exceeded")
        key = headers.get("idempotency-key", "")
        with self._state() as state:
            known = state["keys"].get(key) if key else None
            if known is not None:
                status = next(s for s in state["statuses"] if s["id"] == known)
            else:
                status = self._status(len(state["statuses"]) + 1, text, fields)
                state["statuses"].append(status)
                if key:
                    state["keys"][key] = status["id"]
        if self._hang_after_posting:
            seconds, self._hang_after_posting = self._hang_after_posting, 0.0
            self._release.wait(seconds)
        return 200, JSON, json.dumps(status).encode(), {}

    def _status(self, number: int, text: str, fields: Mapping) -> dict:
        status_id = str(110_000_000_000_000_000 + number)
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
        account_url = f"{self.web_url}#{USERNAME}"
        return {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": str(fields.get("visibility") or "public"),
            "language": str(fields.get("language") or "") or None,
            "uri": f"{self.web_url}#status-{status_id}",
            "url": f"{self.web_url}#status-{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "content": paragraphs,
            "text": text,
            "reblog": None,
            "application": {"name": "Townhall", "website": None},
            "account": {
                "id": "1",
                "username": USERNAME,
                "acct": USERNAME,
                "display_name": "Gemeente (demo)",
                "url": account_url,
            },
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    @contextmanager
    def _state(self, *, write: bool = True) -> Iterator[dict]:
        """The statuses and keys, from the file (and back to it) when there is one."""
        if self.state_file is None:
            with self._lock:
                yield {"statuses": self.statuses, "keys": self.keys}
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.state_file.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = json.loads(self.state_file.read_text(encoding="utf-8"))
            except (FileNotFoundError, ValueError):
                state = {"statuses": [], "keys": {}}
            yield state
            if write:
                self.state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    def statuses_posted(self) -> list[dict]:
        """Every status made, newest first."""
        with self._state(write=False) as state:
            return list(reversed(state["statuses"]))

    # --- serving it on a local port -----------------------------------------------
    @contextmanager
    def serve(self):
        """Serve on 127.0.0.1 at a free port; yields the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, content_type, answer, extra = fake.answer(
                    self.command, self.path, dict(self.headers.items()), body
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(answer)))
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the client gave up waiting
                    pass

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format, *args) -> None:  # keep output clean
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            self._release.set()
            server.shutdown()
            server.server_close()
