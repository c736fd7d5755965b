"""Certificate chains for the seal's tests, made with ``cryptography`` in a folder.

A :class:`Chain` is a root and a seal certificate issued by it (as the demo's),
optionally with a CRL distribution point, and a time-stamping authority's
certificate from the same root; files are written as the settings expect them.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from townhall.documents.seal_demo import certificate_make

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


def name(common_name: str, organisation: str | None = None) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or common_name),
        ]
    )


def key_make():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_key(key, passphrase: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def pem_cert(*certificates) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


@dataclass
class Chain:
    """A root, a seal certificate and key, and their files in ``directory``."""

    directory: Path
    root_key: object
    root: x509.Certificate
    key: object
    cert: x509.Certificate

    @property
    def key_file(self) -> Path:
        return self.directory / "seal-key.pem"

    @property
    def cert_file(self) -> Path:
        return self.directory / "seal-cert.pem"

    @property
    def chain_file(self) -> Path:
        return self.directory / "chain.pem"

    def settings(self, **more) -> dict:
        """``TOWNHALL_SEAL`` for this chain by file."""
        return {
            "KEY_FILE": str(self.key_file),
            "CERT_FILE": str(self.cert_file),
            "CHAIN_FILE": str(self.chain_file),
            "KEY_PASSPHRASE": "",
            "PKCS11_MODULE": "",
            "PKCS11_TOKEN": "",
            "PKCS11_KEY_LABEL": "",
            "PKCS11_CERT_LABEL": "",
            "PKCS11_PIN": "",
            "TSA_URL": "",
            "TRUST_FILE": "",
            "TIMEOUT": 5,
            "DEMO_DIR": str(self.directory / "demo"),
            **more,
        }

    def issue(self, common_name: str, *, key=None, extensions=(), **validity) -> tuple:
        """(key, certificate) of another certificate from this root."""
        key = key or key_make()
        cert = certificate_make(
            subject=name(common_name),
            issuer=self.root.subject,
            public_key=key.public_key(),
            issuer_key=self.root_key,
            not_before=validity.get("not_before", NOW - DAY),
            not_after=validity.get("not_after", NOW + 365 * DAY),
            extensions=extensions,
        )
        return key, cert


def chain_make(
    directory: Path,
    *,
    organisation: str = "Gemeente Testdorp",
    crl_url: str | None = None,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    self_signed_only: bool = False,
) -> Chain:
    """A root and a seal certificate (or one self-signed seal certificate) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    root_key = key_make()
    root_name = name(f"{organisation} test root")
    root = certificate_make(
        subject=root_name,
        issuer=root_name,
        public_key=root_key.public_key(),
        issuer_key=root_key,
        not_before=NOW - DAY,
        not_after=NOW + 3650 * DAY,
        ca=True,
    )
    key = key_make()
    extensions = ()
    if crl_url:
        extensions = (
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
        )
    if self_signed_only:
        root_key, key = key, key
        cert = certificate_make(
            subject=name(organisation),
            issuer=name(organisation),
            public_key=key.public_key(),
            issuer_key=key,
            not_before=not_before or NOW - DAY,
            not_after=not_after or NOW + 365 * DAY,
            ca=False,
        )
        root = cert
    else:
        cert = certificate_make(
            subject=name(organisation),
            issuer=root_name,
            public_key=key.public_key(),
            issuer_key=root_key,
            not_before=not_before or NOW - DAY,
            not_after=not_after or NOW + 365 * DAY,
            extensions=extensions,
        )
    chain = Chain(directory=directory, root_key=root_key, root=root, key=key, cert=cert)
    chain.key_file.write_bytes(pem_key(key))
    chain.key_file.chmod(0o600)
    chain.cert_file.write_bytes(pem_cert(cert))
    chain.chain_file.write_bytes(pem_cert(root))
    return chain


def tsa_extensions() -> tuple:
    return (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),)


def crl_make(chain: Chain, revoked: tuple[x509.Certificate, ...] = ()) -> bytes:
    """A DER CRL of ``chain``'s root, valid for a week, listing ``revoked``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(chain.root.subject)
        .last_update(NOW - DAY)
        .next_update(NOW + 7 * DAY)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(chain.root_key.public_key()),
            critical=False,
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - DAY)
            .build()
        )
    return builder.sign(chain.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
