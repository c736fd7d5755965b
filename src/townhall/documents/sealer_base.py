"""What the sealer and the PKCS#11 token's sealer share: the configuration, the loaded
sealer, its error, reading certificates, and running pyHanko where a loop may run.

:mod:`townhall.documents.sealer` loads a sealer from a file or, through
:mod:`townhall.documents.sealer_pkcs11`, from a token; both build on this module,
so neither imports the other back.
"""

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings


def outside_event_loop(function, /, *args, **kwargs):
    """``function(*args, **kwargs)``, where pyHanko may start an event loop of its own.

    pyHanko's synchronous calls run their coroutines with ``asyncio.run``, which
    refuses to start in a thread that already runs a loop (an async view, a test
    after Playwright's sync API); there the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="townhall-seal") as pool:
        return pool.submit(function, *args, **kwargs).result()


class SealerError(Exception):
    """The seal cannot be used; the message says why, for an administrator."""


@dataclass(frozen=True)
class SealConfig:
    """What ``settings.TOWNHALL_SEAL`` asks for, hashable (the sealer's cache key)."""

    key_file: str = ""
    cert_file: str = ""
    chain_file: str = ""
    key_passphrase: str = field(default="", repr=False)
    pkcs11_module: str = ""
    pkcs11_token: str = ""
    pkcs11_key_label: str = ""
    pkcs11_cert_label: str = ""
    pkcs11_pin: str = field(default="", repr=False)
    tsa_url: str = ""
    trust_file: str = ""
    timeout: int = 10
    demo_dir: str = ""
    demo: bool = False

    @classmethod
    def from_settings(cls) -> "SealConfig":
        given = getattr(settings, "TOWNHALL_SEAL", {}) or {}
        return cls(
            **{name.lower(): value for name, value in given.items()},
            demo=getattr(settings, "MODE", "") == "demo",
        )

    @property
    def source(self) -> str:
        """``pkcs11``, ``file``, ``demo``, or ``""`` when nothing seals."""
        if self.pkcs11_module:
            return "pkcs11"
        if self.key_file or self.cert_file:
            return "file"
        return "demo" if self.demo else ""


@dataclass
class Sealer:
    """A loaded signer with the certificates its seals carry."""

    signer: object  # a pyHanko Signer (SimpleSigner or PKCS11Signer)
    certificate: asn1_x509.Certificate
    chain: list
    tsa_url: str
    timeout: int
    source: str
    # What seals and timestamps must chain to (for the revocation data of B-LT).
    trust_roots: list = field(default_factory=list)
    # A PKCS#11 session is not to be shared by threads signing at once.
    lock: threading.Lock = field(default_factory=threading.Lock)
    session: object = None


def certificates_read(path: str, setting: str) -> list[asn1_x509.Certificate]:
    """Every certificate of a PEM or DER file; ``[]`` for an empty setting."""
    if not path:
        return []
    data = file_read(path, setting)
    try:
        if b"-----BEGIN" in data:
            found = x509.load_pem_x509_certificates(data)
        else:
            found = [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise SealerError(f"{setting}: {path} holds no readable certificate ({error}).") from None
    return [
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)) for cert in found
    ]


def file_read(path: str, setting: str) -> bytes:
    """The bytes of the file a setting names; a SealerError that says what to fix."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SealerError(f"{setting}: {path} does not exist.") from None
    except PermissionError:
        raise SealerError(
            f"{setting}: {path} cannot be read by this process (user id {os.getuid()}): "
            "give it read access to the file."
        ) from None
    except OSError as error:
        raise SealerError(f"{setting}: {path} cannot be read ({error.strerror}).") from None


def one_certificate(path: str) -> asn1_x509.Certificate:
    found = certificates_read(path, "TOWNHALL_SEAL_CERT_FILE")
    if len(found) != 1:
        raise SealerError(
            f"TOWNHALL_SEAL_CERT_FILE: {path} holds {len(found)} certificates: put the seal's "
            "own certificate there and the others in TOWNHALL_SEAL_CHAIN_FILE."
        )
    return found[0]
