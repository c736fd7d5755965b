"""A local fake of the association register's public API, at the HTTP level.

It answers what the connector (``townhall.registry.connectors.verenigingsregister``)
asks, in the register's shape:

- ``GET /v1/verenigingen/{vCode}``: the detail, 404 for an unknown or removed vCode;
- ``GET /v1/verenigingen/detail/all``: every detail, one JSON document per line;
- 401 when the ``vr-api-key`` header is not the fake's key.

:meth:`FakeVerenigingsregister.answer` is the whole behaviour; two ways serve it:
:meth:`serve` on a random local port in a thread (the tests), and the demo's
own Django at ``/demo/verenigingsregister/`` (:func:`townhall.demo.views.verenigingsregister`),
which needs no extra process in ``make demo``. Tests make it misbehave with
:meth:`fail_with`, :meth:`answer_raw` and :meth:`hang`.
"""

import json
import socket
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from townhall.conf import DEMO_VERENIGINGSREGISTER_API_KEY

KEY_HEADER = "vr-api-key"
DETAIL_PREFIX = "/v1/verenigingen/"
FEED_PATH = "/v1/verenigingen/detail/all"
JSON = "application/json"


def association_detail(
    vcode: str,
    name: str,
    *,
    short_name: str = "",
    status: str = "Actief",
    activities: tuple[tuple[str, str], ...] = (),
    address: dict | None = None,
    contacts: tuple[tuple[str, str], ...] = (),
    changed_on: str = "2026-11-30",
) -> dict:
    """A detail document as the register writes it (the fields the connector reads)."""
    locations = []
    if address:
        line = (
            f"{address['straatnaam']} {address['huisnummer']}, "
            f"{address['postcode']} {address['gemeente']}"
        )
        locations.append(
            {
                "locatietype": "Correspondentie",
                "isPrimair": True,
                "adresvoorstelling": line,
                "adres": {"busnummer": "", "land": "België", **address},
            }
        )
    return {
        "@context": "https://publiek.verenigingen.vlaanderen.be/v1/contexten/publiek/detail-vereniging-context.json",
        "vereniging": {
            "vCode": vcode,
            "verenigingstype": {"code": "FV", "naam": "Feitelijke vereniging"},
            "naam": name,
            "korteNaam": short_name,
            "status": status,
            "startdatum": "2019-09-01",
            "hoofdactiviteitenVerenigingsloket": [
                {"code": code, "naam": label} for code, label in activities
            ],
            "locaties": locations,
            "contactgegevens": [
                {"contactgegeventype": kind, "waarde": value, "isPrimair": index == 0}
                for index, (kind, value) in enumerate(contacts)
            ],
        },
        "metadata": {"datumLaatsteAanpassing": changed_on},
    }


def _problem(status: int, detail: str) -> tuple[int, str, bytes]:
    body = {"type": "urn:be:vlaanderen:vr:problem", "status": status, "detail": detail}
    return status, "application/problem+json", json.dumps(body).encode()


class FakeVerenigingsregister:
    """The register's public API over ``details`` (vCode -> detail document)."""

    def __init__(
        self, details: Mapping[str, dict], *, api_key: str = DEMO_VERENIGINGSREGISTER_API_KEY
    ):
        self.details = details
        self.api_key = api_key
        self.removed: set[str] = set()
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers in lower case)
        self._failure: tuple[int, str, bytes] | None = None
        self._hang_seconds = 0.0
        self._release = threading.Event()

    # --- making it misbehave ----------------------------------------------------
    def fail_with(self, status: int) -> None:
        """Answer every request with this HTTP status from now on; 0 to recover."""
        self._failure = _problem(status, "Er is een fout opgetreden.") if status else None

    def answer_raw(self, body: bytes, content_type: str = JSON) -> None:
        """Answer every request with 200 and this body (garbage, a wrong shape)."""
        self._failure = (200, content_type, body)

    def hang(self, seconds: float) -> None:
        """Wait this long before answering (longer than the client's timeout)."""
        self._hang_seconds = seconds

    # --- the behaviour ------------------------------------------------------------
    def answer(self, path: str, headers: Mapping[str, str]) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of ``path``."""
        headers = {name.lower(): value for name, value in headers.items()}
        self.requests.append((path, headers))
        if self._hang_seconds:
            self._release.wait(self._hang_seconds)
        if headers.get(KEY_HEADER) != self.api_key:
            return _problem(401, "Ongeldige of ontbrekende API-sleutel.")
        if self._failure:
            return self._failure
        path = path.split("?", 1)[0]
        if path == FEED_PATH:
            lines = [
                json.dumps(detail)
                for vcode, detail in self.details.items()
                if vcode not in self.removed
            ]
            return 200, "application/x-ndjson", ("\n".join(lines) + "\n").encode()
        vcode = path[len(DETAIL_PREFIX) :] if path.startswith(DETAIL_PREFIX) else ""
        detail = self.details.get(vcode) if vcode not in self.removed else None
        if detail is None:
            return _problem(404, "De gevraagde vereniging werd niet gevonden.")
        return 200, JSON, json.dumps(detail).encode()

    # --- serving it on a local port -----------------------------------------------
    @contextmanager
    def serve(self):
        """Serve on 127.0.0.1 at a free port; yields the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = fake.answer(self.path, dict(self.headers.items()))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting
                    pass

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


def closed_port_url() -> str:
    """An address on this machine where nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
