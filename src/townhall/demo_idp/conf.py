"""Settings of the demo identity provider (django-oauth-toolkit in OIDC mode).

Redirect URIs: the application registers the relying party's callback on the
loopback hosts only (``127.0.0.1``, ``[::1]`` and ``localhost``, without a
port). django-oauth-toolkit compares scheme, host, path and query exactly and
skips the port only for ``http`` loopback URIs (RFC 8252 section 7.3;
``ALLOW_LOCALHOST_LOOPBACK`` extends that to ``localhost``), so the demo works
on any port and nothing else is accepted: no wildcards, no other hosts.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils.translation import gettext_lazy as _

KEY_FILE = "demo-idp-signing-key.pem"


def signing_key_pem(var_dir: Path) -> str:
    """The RSA key that signs ID tokens; made on first use, readable by the owner only."""
    path = Path(var_dir) / KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Write aside, then link into place: a second process starting at the
        # same moment keeps whichever key got there first, never half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".demo-idp-key-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text()


def demo_idp_settings(var_dir: Path) -> dict:
    """``OAUTH2_PROVIDER``; the RSA signing key is made once and kept in ``var/``."""
    return {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": signing_key_pem(var_dir),
        "OAUTH2_VALIDATOR_CLASS": "townhall.demo_idp.validators.DemoValidator",
        "SCOPES": {
            "openid": _("Sign in"),
            "profile": _("Your name, e-mail address and language"),
            "egovnrn": _("Your national register number"),
        },
        "DEFAULT_SCOPES": ["openid"],
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "PKCE_REQUIRED": True,
        # Loopback callbacks on any port, nothing else (see the module docstring).
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
        "ALLOW_URI_WILDCARDS": False,
        "ALLOW_LOCALHOST_LOOPBACK": True,
        # RFC 9700: refuse what a relying party should never need.
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
        "ID_TOKEN_EXPIRE_SECONDS": 300,
    }
