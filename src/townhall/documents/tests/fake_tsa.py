"""A time-stamping authority and a CRL server on 127.0.0.1, at the HTTP level.

The TSA answers RFC 3161 requests (``application/timestamp-query``) with
pyHanko's :class:`DummyTimeStamper`, signing with a TSA certificate of the
test chain; ``GET /root.crl`` serves the root's CRL. The seal reaches both
through its real HTTP clients (requests), as it would a real TSA and the CRL
of a certificate authority."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization


class FakeAuthority:
    """The server; set ``timestamper`` and ``crl`` before the seal asks."""

    def __init__(self):
        self.timestamper = None
        self.crl = b""
        self.requests: list[str] = []
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                authority.requests.append(f"POST {self.path}")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/tsa" or authority.timestamper is None:
                    self.send_error(404)
                    return
                request = tsp.TimeStampReq.load(body)
                answer = authority.timestamper.request_tsa_response(request).dump()
                self._send(answer, "application/timestamp-reply")

            def do_GET(self):
                authority.requests.append(f"GET {self.path}")
                if self.path != "/root.crl" or not authority.crl:
                    self.send_error(404)
                    return
                self._send(authority.crl, "application/pkix-crl")

            def _send(self, data: bytes, content_type: str):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def tsa_from(self, key, certificate, *chain):
        """Time-stamp with ``key`` and ``certificate`` (cryptography objects)."""
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        der = serialization.Encoding.DER
        self.timestamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(der)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            certs_to_embed=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain],
        )
