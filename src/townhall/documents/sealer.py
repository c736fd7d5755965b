"""The configured sealer: the municipality's key and certificate, loaded once per process.

1. :class:`SealConfig` reads ``settings.TOWNHALL_SEAL``: a key by file
   (``KEY_FILE`` and ``CERT_FILE``), a key on a PKCS#11 token (``PKCS11_MODULE``
   with the token's label, the key's label and the PIN; the certificate on the
   token or in ``CERT_FILE``), or neither, which in demo mode means the demo
   chain (:mod:`townhall.documents.seal_demo`) and in production no seal.
2. :func:`sealer_load` opens the key and checks what would make every seal
   worthless: a file that is missing or unreadable, a key that does not match
   the certificate (a probe is signed and verified with the certificate's
   public key, the same way for a file and for a token), a certificate that
   has expired or is not valid yet, a token that does not open. Each failure is
   a :class:`SealerError` whose message tells an administrator what to fix.
3. :func:`trust_roots_load` gives the certificates a seal must chain to when it
   is checked: the self-signed ones of the chain (the root), or the chain's
   certificates themselves when it holds no root, plus ``TRUST_FILE``. They are
   read from files only, so the verification page works while a token is away.

The loaded :class:`Sealer` is kept per process and per configuration
(:func:`townhall.documents.seal.sealer_get`); a PKCS#11 session does not
survive a fork, so the cache is keyed on the process id as well.
"""

import asyncio
import datetime
import os

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from townhall.documents.sealer_base import (
    SealConfig,
    Sealer,
    SealerError,
    certificates_read,
    file_read,
    one_certificate,
    outside_event_loop,
)

PROBE = b"townhall: does this key match its certificate?"


def sealer_load(config: SealConfig) -> Sealer:
    """The sealer ``config`` describes, checked; raises :class:`SealerError`."""
    if config.pkcs11_module and config.key_file:
        raise SealerError(
            "Both TOWNHALL_SEAL_KEY_FILE and TOWNHALL_SEAL_PKCS11_MODULE are set: "
            "the seal's key is either a file or on a token, not both."
        )
    if config.tsa_url and not config.tsa_url.startswith(("http://", "https://")):
        raise SealerError(
            f"TOWNHALL_SEAL_TSA_URL must be an http:// or https:// address: {config.tsa_url!r}."
        )
    if config.source == "":
        raise SealerError(
            "No seal is configured: set TOWNHALL_SEAL_KEY_FILE and TOWNHALL_SEAL_CERT_FILE, "
            "or TOWNHALL_SEAL_PKCS11_MODULE with its token, key label and PIN "
            '(docs/operations.md, "Seal").'
        )
    if config.source == "pkcs11":
        from townhall.documents.sealer_pkcs11 import pkcs11_sealer

        sealer = pkcs11_sealer(config)
    else:
        sealer = _file_sealer(_demo_config(config) if config.source == "demo" else config)
    try:
        _check_validity(sealer.certificate)
        _check_key_matches(sealer)
        sealer.trust_roots = trust_roots_load(config)
    except SealerError:
        if sealer.session is not None:
            sealer.session.close()
        raise
    return sealer


def trust_roots_load(config: SealConfig) -> list[asn1_x509.Certificate]:
    """The certificates a seal of ours chains to (empty when none is configured)."""
    if config.source == "demo" and not config.chain_file:
        config = _demo_config(config)
    chain = certificates_read(config.chain_file, "TOWNHALL_SEAL_CHAIN_FILE")
    if config.cert_file:
        chain += certificates_read(config.cert_file, "TOWNHALL_SEAL_CERT_FILE")
    # asn1crypto's self_signed is "yes", "maybe" or "no" (a true string, all three).
    roots = [cert for cert in chain if cert.self_signed in ("yes", "maybe")] or [
        cert for cert in chain if cert.ca
    ]
    extra = certificates_read(config.trust_file, "TOWNHALL_SEAL_TRUST_FILE")
    return [asn1_x509.Certificate.load(cert.dump()) for cert in [*roots, *extra]]


def _demo_config(config: SealConfig) -> SealConfig:
    from dataclasses import replace

    from townhall.documents.seal_demo import demo_chain, demo_organisation

    chain = demo_chain(
        config.demo_dir, organisation=lambda: demo_organisation(_municipality_name())
    )
    return replace(
        config,
        key_file=str(chain.key_file),
        cert_file=str(chain.cert_file),
        chain_file=str(chain.root_file),
    )


def _municipality_name() -> str | None:
    from django.db import DatabaseError

    from townhall.municipality.models import Municipality

    try:
        return Municipality.objects.filter(is_active=True).values_list("name", flat=True).first()
    except DatabaseError:  # not migrated yet: the demo chain names Townhall
        return None


def _file_sealer(config: SealConfig) -> Sealer:
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if not config.key_file or not config.cert_file:
        missing = "TOWNHALL_SEAL_KEY_FILE" if not config.key_file else "TOWNHALL_SEAL_CERT_FILE"
        raise SealerError(
            f"{missing} is not set: a seal by file needs the key and its certificate."
        )
    data = file_read(config.key_file, "TOWNHALL_SEAL_KEY_FILE")
    mode = os.stat(config.key_file).st_mode
    if mode & 0o004:
        raise SealerError(
            f"TOWNHALL_SEAL_KEY_FILE: {config.key_file} can be read by every user of the machine "
            f"(mode {mode & 0o777:o}): chmod 600 it."
        )
    key = _private_key(data, config)
    certificate = one_certificate(config.cert_file)
    chain = certificates_read(config.chain_file, "TOWNHALL_SEAL_CHAIN_FILE")
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    signer = _kept_key_signer_class(signers.SimpleSigner)(
        private_key=key, signing_cert=certificate, signing_key=key_info, cert_registry=store
    )
    return Sealer(
        signer=signer,
        certificate=certificate,
        chain=chain,
        tsa_url=config.tsa_url,
        timeout=config.timeout,
        source=config.source,
    )


def _kept_key_signer_class(simple_signer: type) -> type:
    """pyHanko's SimpleSigner with the key kept loaded.

    SimpleSigner parses the key again for every signature, and ``cryptography``
    checks an RSA key when it loads it (about 150 ms for 3072 bits, 60 times the
    signature); it also signs the size estimate that comes before each seal for
    real. This one loads the key once and answers the estimate with zeros of the
    signature's size."""

    class KeptKeySigner(simple_signer):
        def __init__(self, *, private_key, **kwargs):
            super().__init__(**kwargs)
            self.private_key = private_key

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False):
            if dry_run:
                size = self.private_key.key_size
                return bytes(
                    size // 8
                    if isinstance(self.private_key, rsa.RSAPrivateKey)
                    else 2 * ((size + 7) // 8) + 9
                )
            return self.sign_raw(data, digest_algorithm)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            digest = getattr(hashes, digest_algorithm.upper())()
            if isinstance(self.private_key, rsa.RSAPrivateKey):
                return self.private_key.sign(data, padding.PKCS1v15(), digest)
            return self.private_key.sign(data, ec.ECDSA(digest))

    return KeptKeySigner


def _private_key(data: bytes, config: SealConfig):
    passphrase = config.key_passphrase.encode() or None
    loader = (
        serialization.load_pem_private_key
        if b"-----BEGIN" in data
        else serialization.load_der_private_key
    )
    try:
        key = loader(data, password=passphrase)
    except TypeError:
        message = (
            "is encrypted: set TOWNHALL_SEAL_KEY_PASSPHRASE"
            if passphrase is None
            else "is not encrypted: leave TOWNHALL_SEAL_KEY_PASSPHRASE empty"
        )
        raise SealerError(f"TOWNHALL_SEAL_KEY_FILE: {config.key_file} {message}.") from None
    except (ValueError, UnsupportedAlgorithm):
        reason = (
            "is not a private key, or TOWNHALL_SEAL_KEY_PASSPHRASE is wrong"
            if passphrase
            else "is not a private key (PEM or DER)"
        )
        raise SealerError(f"TOWNHALL_SEAL_KEY_FILE: {config.key_file} {reason}.") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SealerError(
            f"TOWNHALL_SEAL_KEY_FILE: {config.key_file} is neither an RSA nor an EC key."
        )
    return key


def _check_validity(certificate: asn1_x509.Certificate) -> None:
    now = datetime.datetime.now(datetime.UTC)
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    name = certificate.subject.human_friendly
    if now < not_before:
        raise SealerError(
            f"The seal's certificate ({name}) is not valid yet: "
            f"from {not_before:%Y-%m-%d %H:%M} UTC."
        )
    if now >= not_after:
        raise SealerError(
            f"The seal's certificate ({name}) expired on {not_after:%Y-%m-%d}: "
            'install its renewal (docs/operations.md, "Seal").'
        )


def _check_key_matches(sealer: Sealer) -> None:
    """Sign a probe with the key and verify it with the certificate's public key."""
    try:
        signature = outside_event_loop(asyncio.run, sealer.signer.async_sign_raw(PROBE, "sha256"))
    except Exception as error:  # a token's refusal comes in many kinds
        raise SealerError(
            f"The seal's key cannot sign: {str(error) or type(error).__name__}."
        ) from None
    public_key = x509.load_der_x509_certificate(sealer.certificate.dump()).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, PROBE, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, PROBE, ec.ECDSA(hashes.SHA256()))
        else:
            raise SealerError("The seal's certificate has neither an RSA nor an EC key.")
    except InvalidSignature:
        raise SealerError(
            "The seal's key does not match its certificate "
            f"({sealer.certificate.subject.human_friendly}): install the certificate issued "
            "for this key."
        ) from None
