"""The demo's seal: a certificate chain made on first use, marked as demo everywhere.

1. The first seal in demo mode (no key configured) asks :func:`demo_chain` for
   the chain under ``TOWNHALL_SEAL["DEMO_DIR"]``.
2. Under a file lock, so two processes started together (the web server and
   the task worker) make one chain, not two: if the three files are there, they
   are used as they are.
3. Otherwise a root "Townhall DEMO root – not a real seal" and a seal
   certificate for "Gemeente <name> (DEMO)" are made with ``cryptography``;
   each file is written beside its final name and renamed into place, the key
   with mode 0600, the root last (its presence marks a complete chain).

Nothing here is trusted outside the demo: a reader's PDF viewer shows the seal
as made by an unknown authority, and the verification page trusts the demo
root only while the demo runs.
"""

import datetime
import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

DEMO_ROOT_NAME = "Townhall DEMO root – not a real seal"
DEMO_ORGANISATION = "Townhall (DEMO)"
KEY_SIZE = 3072
ROOT_YEARS = 20
SEAL_YEARS = 10


@dataclass(frozen=True)
class DemoChain:
    """Where the demo's key, seal certificate and root lie."""

    key_file: Path
    cert_file: Path
    root_file: Path


def demo_organisation(municipality_name: str | None) -> str:
    """The seal's organisation: the municipality's name, marked as demo."""
    if not municipality_name:
        return DEMO_ORGANISATION
    return f"Gemeente {municipality_name} (DEMO)"


def demo_chain(
    directory: Path | str, *, organisation: Callable[[], str] | str = DEMO_ORGANISATION
) -> DemoChain:
    """The demo chain in ``directory``, made there first if it is not complete.

    ``organisation`` (or what it returns, asked only when the chain is made)
    names the seal."""
    directory = Path(directory)
    chain = DemoChain(
        key_file=directory / "seal-key.pem",
        cert_file=directory / "seal-cert.pem",
        root_file=directory / "root-cert.pem",
    )
    if chain.root_file.exists():
        return chain
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not chain.root_file.exists():  # another process may have made it meanwhile
            _chain_make(chain, organisation() if callable(organisation) else organisation)
    return chain


def _chain_make(chain: DemoChain, organisation: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
        ]
    )
    root = certificate_make(
        subject=root_name,
        issuer=root_name,
        public_key=root_key.public_key(),
        issuer_key=root_key,
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365 * ROOT_YEARS),
        ca=True,
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    seal = certificate_make(
        subject=x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, organisation),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            ]
        ),
        issuer=root_name,
        public_key=seal_key.public_key(),
        issuer_key=root_key,
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365 * SEAL_YEARS),
    )
    key_pem = seal_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomically(chain.key_file, key_pem, mode=0o600)
    _write_atomically(chain.cert_file, seal.public_bytes(serialization.Encoding.PEM))
    _write_atomically(chain.root_file, root.public_bytes(serialization.Encoding.PEM))


def certificate_make(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key,
    issuer_key,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    ca: bool = False,
    extensions: tuple[x509.ExtensionType, ...] = (),
) -> x509.Certificate:
    """A certificate for a root (``ca``) or a seal (digital signature and
    non-repudiation, the key usage a PAdES seal asks for)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if subject != issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    for extension in extensions:
        builder = builder.add_extension(
            extension, critical=isinstance(extension, x509.ExtendedKeyUsage)
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write_atomically(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.chmod(partial, mode)  # the umask may have taken bits away
    os.replace(partial, path)
