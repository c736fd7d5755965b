"""A small OpenID provider over real HTTP, for testing the relying party against it.

It answers as FAS does, on 127.0.0.1 and a free port, in a background thread:

1. ``/.well-known/openid-configuration`` names the endpoints and RS256;
2. ``/jwks`` publishes the public half of its RSA key;
3. ``/authorize`` sends the browser straight back to the ``redirect_uri`` with a
   code and the ``state`` it received (no one to pick: the person "is" whoever
   the scenario says), remembering the nonce and the PKCE challenge per code;
4. ``/token`` checks the client's credentials, the code (once only), the
   ``redirect_uri`` and the PKCE ``code_verifier`` (S256), then returns an ID
   token made as a real provider makes it, then tampered with as the current
   :class:`Scenario` asks; what it refuses is kept in ``refusals``;
5. ``/userinfo`` answers a bearer access token it issued.
"""

import base64
import functools
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "townhall-test"
CLIENT_SECRET = "client-secret-known-to-both-sides-0123456789"
NATIONAL_NUMBER = "85073003328"
KEY_ID = "signing-key-1"

# How the ID token is signed; every one but "good" is an attack.
SIGNINGS = (
    "good",
    "other-key-same-kid",  # an attacker's key, announced as the provider's
    "other-key-other-kid",
    "other-key-no-kid",
    "payload-modified",  # signed, then the national number swapped
    "alg-none",
    "hs256-client-secret",  # HMAC with the client secret (it is no RS256)
    "hs256-public-key",  # the classic confusion: the public key as HMAC secret
)


@dataclass
class Scenario:
    """How the next sign-in goes. ``claims`` are laid over the normal ones; None removes one."""

    claims: dict = field(default_factory=dict)
    signing: str = "good"
    authorize_error: str = ""  # e.g. "access_denied": the person cancelled
    token_status: int = 200  # 500: the token endpoint fails
    id_token: bool = True
    token_extra: dict = field(default_factory=dict)  # other members of the token response
    algorithms: list = field(default_factory=lambda: ["RS256"])  # what discovery advertises


@functools.cache
def provider_key() -> RSAKey:
    """The provider's signing key, made once per test process: a 2048-bit key takes
    about a tenth of a second, and the site's client forgets the keys it fetched
    between tests (``oidc_clients_reset``), so a key per provider would check nothing more."""
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig"})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: dict) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


class FakeProvider:
    def __init__(self):
        self.key = provider_key()
        self.scenario = Scenario()
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.authorization_requests: list[dict] = []
        self.refusals: list[str] = []
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.provider = self
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        # shutdown() waits for the loop to look again: half a second by default, per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> "FakeProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": self.scenario.algorithms,
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def claims_for(self, grant: dict) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "nonce": grant["nonce"],
            "sub": "fas-subject-0001",
            "egovNRN": NATIONAL_NUMBER,
            "givenName": "Jan",
            "surname": "Peeters",
        }
        claims.update(self.scenario.claims)
        return {name: value for name, value in claims.items() if value is not None}

    def id_token(self, claims: dict) -> str:
        signing = self.scenario.signing
        header = {"alg": "RS256", "typ": "JWT", "kid": KEY_ID}
        if signing == "good":
            return jwt.encode(header, claims, self.key)
        if signing.startswith("other-key"):
            other = RSAKey.generate_key(2048)
            if signing == "other-key-other-kid":
                header["kid"] = "signing-key-2"
            elif signing == "other-key-no-kid":
                del header["kid"]
            return jwt.encode(header, claims, other)
        if signing == "payload-modified":
            head, _payload, signature = jwt.encode(header, claims, self.key).split(".")
            return f"{head}.{b64json({**claims, 'egovNRN': '85073112305'})}.{signature}"
        if signing == "alg-none":
            return f"{b64json({'alg': 'none', 'typ': 'JWT'})}.{b64json(claims)}."
        secret = {
            "hs256-client-secret": CLIENT_SECRET.encode(),
            "hs256-public-key": self.key.as_pem(private=False),
        }[signing]
        signing_input = (
            f"{b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': KEY_ID})}.{b64json(claims)}"
        )
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(signature)}"

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        """The token endpoint's answer to ``form``: (status, JSON)."""
        self.token_requests += 1
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            client_id, client_secret = (unquote(part) for part in pair.split(":", 1))
        if client_id != CLIENT_ID or not hmac.compare_digest(client_secret or "", CLIENT_SECRET):
            return self.refuse(401, "invalid_client", "wrong client credentials")
        if form.get("grant_type") != "authorization_code":
            return self.refuse(400, "unsupported_grant_type", "not an authorization code")
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None:
            return self.refuse(400, "invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self.refuse(400, "invalid_grant", "redirect_uri differs")
        challenge = b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if not hmac.compare_digest(challenge, grant["code_challenge"]):
            return self.refuse(400, "invalid_grant", "PKCE code_verifier does not match")
        if self.scenario.token_status != 200:
            return self.scenario.token_status, {}
        claims = self.claims_for(grant)
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = claims
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300}
        if self.scenario.id_token:
            body["id_token"] = self.id_token(claims)
        return 200, {**body, **self.scenario.token_extra}

    def refuse(self, status: int, error: str, why: str) -> tuple[int, dict]:
        self.refusals.append(why)
        return status, {"error": error, "error_description": why}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet: pytest shows what fails
        pass

    def do_GET(self):
        provider = self.server.provider
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            self.send_json(200, provider.discovery())
        elif url.path == "/jwks":
            self.send_json(200, {"keys": [provider.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            self.authorize(provider, query)
        elif url.path == "/userinfo":
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = provider.access_tokens.get(bearer)
            self.send_json(200 if claims else 401, claims or {"error": "invalid_token"})
        else:
            self.send_json(404, {"error": "not_found"})

    def authorize(self, provider, query):
        provider.authorization_requests.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            provider.refusals.append("bad authorization request")
            return self.send_json(400, {"error": "invalid_request"})
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            provider.refusals.append("no PKCE S256 challenge")
            return self.send_json(400, {"error": "invalid_request"})
        answer = {"state": query.get("state", "")}
        if provider.scenario.authorize_error:
            answer["error"] = provider.scenario.authorize_error
        else:
            answer["code"] = code = secrets.token_urlsafe(24)
            provider.codes[code] = {
                "nonce": query.get("nonce"),
                "code_challenge": query["code_challenge"],
                "redirect_uri": query.get("redirect_uri"),
            }
        self.send_response(302)
        self.send_header("Location", f"{query.get('redirect_uri')}?{urlencode(answer)}")
        self.end_headers()

    def do_POST(self):
        if urlsplit(self.path).path != "/token":
            return self.send_json(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length", 0))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        status, body = self.server.provider.token(form, self.headers.get("Authorization", ""))
        if status >= 500:
            return self.send_text(status, "Internal Server Error")
        self.send_json(status, body)

    def send_json(self, status: int, body: dict) -> None:
        self.send_text(status, json.dumps(body), "application/json")

    def send_text(self, status: int, text: str, content_type: str = "text/plain") -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
