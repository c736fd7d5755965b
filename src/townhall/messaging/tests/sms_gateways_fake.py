"""Fake SMS providers for tests: real HTTP servers on 127.0.0.1, in a thread.

``FakeSmsGateway("generic")`` answers like a plain JSON SMS API,
``FakeSmsGateway("twilio")`` like Twilio's Messages resource (Basic auth,
form body, 201 with a ``sid``, Twilio's error objects). Each records what it
received, and can be told to answer an error (:meth:`fail_with`) or to answer
only after a delay longer than the client's timeout (:meth:`hang`).
:func:`closed_port_url` gives an address where nothing listens.

Both also sign delivery receipts the way the provider does
(:meth:`receipt_generic`, :meth:`receipt_twilio`), written here independently
of the adapters so the tests do not check the adapters against themselves.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

TWILIO_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def fields(self) -> dict:
        return self.json() if "json" in self.headers.get("content-type", "") else self.form()


@dataclass
class FakeSmsGateway:
    """A provider's API on a random local port; use as a context manager."""

    api: str = "generic"  # "generic" or "twilio"
    account_sid: str = "AC" + "0123456789abcdef" * 2
    auth_token: str = "twilio-test-auth-token"
    invalid_numbers: set[str] = field(default_factory=set)
    received: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._failure: tuple[int, dict] | None = None
        self._hang_seconds = 0.0
        self._release = threading.Event()
        self._lock = threading.Lock()

    # --- controlling the fake ------------------------------------------------
    def fail_with(self, status: int, body: dict | None = None) -> None:
        """Answer every request from now on with ``status`` and ``body``; 0 to recover."""
        self._failure = (status, body or {"message": "Internal error"}) if status else None

    def hang(self, seconds: float) -> None:
        """Wait ``seconds`` before answering (longer than the client's timeout)."""
        self._hang_seconds = seconds

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> "FakeSmsGateway":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format, *args) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    # --- answering ------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        request = ReceivedRequest(
            method=handler.command,
            path=handler.path,
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=handler.rfile.read(length),
        )
        with self._lock:
            self.received.append(request)
            count = len(self.received)
        if self._hang_seconds:
            self._release.wait(self._hang_seconds)
        if self._failure:
            status, answer = self._failure
        elif self.api == "twilio":
            status, answer = self._twilio(request)
        else:
            status, answer = self._generic(request, count)
        payload = json.dumps(answer).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:  # the client gave up waiting
            pass

    def _generic(self, request: ReceivedRequest, count: int) -> tuple[int, dict]:
        """Any path; the number in "to", "msisdn" or "recipient"; the id nested or flat."""
        fields = request.fields()
        number = next((fields[key] for key in ("to", "msisdn", "recipient") if key in fields), "")
        if number in self.invalid_numbers or not E164.match(str(number)):
            return 400, {"message": f"Invalid destination number {number}"}
        message_id = f"gw-{count}"
        return 200, {"messages": [{"id": message_id, "status": "accepted"}], "id": message_id}

    def _twilio(self, request: ReceivedRequest) -> tuple[int, dict]:
        """Twilio's create-Message answers, as documented, for the cases tests need."""
        match = TWILIO_PATH.match(request.path)
        if not match or match["sid"] != self.account_sid:
            return 404, _twilio_error(20404, "The requested resource was not found", 404)
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return 401, _twilio_error(20003, "Authenticate", 401)
        form = request.form()
        to = form.get("To", "")
        if not to:
            return 400, _twilio_error(21604, "A 'To' phone number is required.", 400)
        if to in self.invalid_numbers or not E164.match(to):
            return 400, _twilio_error(21211, f"The 'To' number {to} is not a valid phone number.")
        if not form.get("Body"):
            return 400, _twilio_error(21602, "Message body is required.", 400)
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return 400, _twilio_error(21603, "The 'From' number is required.", 400)
        sid = "SM" + secrets.token_hex(16)
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    # --- receipts, signed as the provider signs them --------------------------
    @staticmethod
    def receipt_generic(
        *, secret: str, fields: dict, stamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """A JSON receipt with X-Timestamp and X-Signature (hex HMAC-SHA256)."""
        body = json.dumps(fields).encode()
        stamp = int(time.time()) if stamp is None else stamp
        signed = f"{stamp}.".encode() + body
        signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": str(stamp),
            "X-Signature": signature,
        }
        return body, headers

    def receipt_twilio(self, *, url: str, fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        """A status callback form with X-Twilio-Signature, as Twilio computes it."""
        data = url
        for name in sorted(fields):
            data += name + fields[name]
        digest = hmac.new(self.auth_token.encode(), data.encode(), hashlib.sha1).digest()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": base64.b64encode(digest).decode(),
        }
        return urlencode(fields).encode(), headers


def _twilio_error(code: int, message: str, status: int = 400) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def closed_port_url() -> str:
    """An address on this machine where nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
