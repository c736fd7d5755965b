"""The electronic seal of every issued document (PAdES), and its check.

Sealing (:func:`seal_pdf`):

1. The configured sealer is loaded once per process (:mod:`townhall.documents.sealer`:
   a key file, a PKCS#11 token, or the demo chain in demo mode).
2. pyHanko adds a signature field "Seal" in an incremental update and signs
   the whole file with the PAdES subfilter (``ETSI.CAdES.detached``).
3. With a time-stamping authority (``TOWNHALL_SEAL_TSA_URL``) the signature
   gets an RFC 3161 timestamp and, in the same revision, the document security
   store with the certificates, CRLs and OCSP answers of the seal's and the
   TSA's chains (PAdES B-LT), fetched from the URLs those certificates name,
   with the configured timeout. One revision: the seal covers the entire file,
   so any byte added later shows.

Checking (:func:`seal_check`) never raises. pyHanko validates the first
signature against the roots of our chain (:func:`townhall.documents.sealer.trust_roots_load`),
with the revocation data the file carries and nothing fetched, and the result
is one of: ``valid``, ``altered`` (the signed bytes changed, or something was
added after sealing), ``untrusted`` (a sound signature, not by our chain),
``not_sealed`` or ``unreadable`` (not a PDF pyHanko can read).
"""

import asyncio
import contextlib
import datetime
import io
import logging
import os
import threading
from dataclasses import dataclass

from townhall.documents.sealer import (
    SealConfig,
    Sealer,
    SealerError,
    outside_event_loop,
    sealer_load,
    trust_roots_load,
)

logger = logging.getLogger(__name__)

FIELD_NAME = "Seal"
# Far beyond any document we issue; a bigger "PDF" is not read at all.
MAX_CHECKED_BYTES = 50 * 1024 * 1024


class SealUnavailable(Exception):
    """No seal can be made now; the message says why (for an administrator)."""


@dataclass(frozen=True)
class SealCheck:
    """What :func:`seal_check` found in a PDF."""

    # "valid" | "altered" | "untrusted" | "not_sealed" | "unreadable"
    status: str
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    problem: str = ""

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


_loaded: dict[tuple[SealConfig, int], Sealer] = {}
_loading = threading.Lock()


def _sealer(config: SealConfig) -> Sealer:
    # Keyed on the process id too: a forked worker opens its own token session.
    key = (config, os.getpid())
    with _loading:
        sealer = _loaded.get(key)
        if sealer is None:
            sealer = _loaded[key] = sealer_load(config)
    return sealer


def sealer_get() -> Sealer:
    """The process's sealer for the current settings; raises :class:`SealUnavailable`."""
    try:
        return _sealer(SealConfig.from_settings())
    except SealerError as error:
        raise SealUnavailable(str(error)) from None


def sealer_forget() -> None:
    """Close the loaded sealers' token sessions and forget them: the next seal loads
    the sealer again (after a token failed, or when the settings changed)."""
    with _loading:
        for (_config, pid), sealer in _loaded.items():
            if pid == os.getpid() and sealer.session is not None:
                with contextlib.suppress(Exception):  # a session the token already dropped
                    sealer.session.close()
        _loaded.clear()


def sealer_problem() -> str | None:
    """None when sealing is configured and usable, else what is wrong (for the system check)."""
    return config_problem(SealConfig.from_settings())


def config_problem(config: SealConfig) -> str | None:
    """:func:`sealer_problem` of ``config`` (the deploy check asks for production's view)."""
    try:
        _sealer(config)
        if not trust_roots_load(config):
            return (
                "The seal's certificate chain has no root to check seals against: "
                "set TOWNHALL_SEAL_CHAIN_FILE to the issuing certificates."
            )
    except SealerError as error:
        return str(error)
    return None


def seal_pdf(pdf: bytes) -> bytes:
    """``pdf`` sealed with the configured sealer (PAdES B-B, or B-LT with a TSA).

    Raises :class:`SealUnavailable` when no seal is configured or it cannot be
    made now (the token or the TSA does not answer), and ValueError when
    ``pdf`` is not a PDF.
    """
    sealer = sealer_get()
    from pyhanko.pdf_utils.misc import PdfError

    try:
        with sealer.lock:
            return outside_event_loop(_sign, sealer, pdf)
    except PdfError as error:
        raise ValueError(f"Not a PDF that can be sealed: {error}") from None
    except SealUnavailable:
        raise
    except Exception as error:
        if sealer.source == "pkcs11":
            sealer_forget()  # the next seal opens the token again
        logger.exception("Sealing failed")
        raise SealUnavailable(
            f"The seal could not be made: {str(error) or type(error).__name__}."
        ) from error


def _sign(sealer: Sealer, pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    timestamper = None
    extra = {}
    if sealer.tsa_url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        timestamper = RequestsHTTPTimeStamper(sealer.tsa_url, timeout=sealer.timeout)
        extra = {
            "embed_validation_info": True,
            "validation_context": ValidationContext(
                trust_roots=sealer.trust_roots,
                other_certs=sealer.chain,
                allow_fetching=True,
                revocation_mode="hard-fail",
                fetcher_backend=RequestsFetcherBackend(per_request_timeout=sealer.timeout),
            ),
            "dss_settings": DSSContentSettings(
                placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
            ),
        }
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        **extra,
    )
    output = signers.sign_pdf(writer, metadata, signer=sealer.signer, timestamper=timestamper)
    return output.getvalue()


def seal_check(pdf: bytes) -> SealCheck:
    """What the seal of ``pdf`` says; never raises, whatever the bytes."""
    try:
        return _check(pdf)
    except Exception as error:  # a reader of hostile bytes fails in countless ways
        logger.info("A PDF could not be checked: %s", type(error).__name__)
        return SealCheck(
            status="unreadable",
            problem=f"The file cannot be read as a PDF ({type(error).__name__}).",
        )


def _check(pdf: bytes) -> SealCheck:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        return SealCheck(status="unreadable", problem="This is not a file.")
    pdf = bytes(pdf)
    if len(pdf) > MAX_CHECKED_BYTES:
        return SealCheck(
            status="unreadable", problem="The file is too large to be a document of ours."
        )
    if b"%PDF-" not in pdf[:1024]:
        return SealCheck(status="unreadable", problem="The file is not a PDF.")
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        reader.root  # noqa: B018 - the catalogue: a PDF that has none is not one
    except Exception as error:  # pyHanko's parser raises many kinds
        return SealCheck(
            status="unreadable",
            problem=f"The PDF cannot be read: {str(error) or type(error).__name__}.",
        )
    try:
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # a signature whose bytes were damaged
        # A signature dictionary was there (its byte range): a seal, broken.
        return SealCheck(
            status="altered" if b"/ByteRange" in pdf else "unreadable",
            problem=f"The seal cannot be read: {str(error) or type(error).__name__}.",
        )
    if not signatures:
        return SealCheck(status="not_sealed", problem="The PDF carries no seal.")
    return _validate(reader, signatures[0])


def _validate(reader, signature) -> SealCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        context = _validation_context(reader)
        status = outside_event_loop(asyncio.run, async_validate_pdf_signature(signature, context))
    except Exception as error:  # a damaged signature breaks the parse
        return SealCheck(
            status="altered",
            problem=f"The seal cannot be read: {str(error) or type(error).__name__}.",
        )
    found = {
        "signer": _signer_name(status.signing_cert),
        "signed_at": _signed_at(status),
        "timestamped": status.timestamp_validity is not None,
    }
    if not status.intact:
        return SealCheck(
            status="altered",
            problem="The document's content changed after it was sealed: its hash no longer "
            "matches the seal.",
            **found,
        )
    if not status.valid:
        return SealCheck(status="altered", problem="The seal's signature is not sound.", **found)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        level = status.modification_level
        if level is None or level == ModificationLevel.NONE:
            what = "bytes after the sealed end of the file"
        elif level == ModificationLevel.LTA_UPDATES:
            what = "validation data or a timestamp"
        else:
            what = "changes to the document"
        return SealCheck(
            status="altered",
            problem=f"Something was added to the file after it was sealed ({what}).",
            **found,
        )
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid):
        return SealCheck(status="altered", problem="The seal's timestamp is damaged.", **found)
    if not status.trusted:
        return SealCheck(status="untrusted", problem=_trust_problem(status), **found)
    if timestamp is not None and not timestamp.trusted:
        return SealCheck(
            status="untrusted",
            problem="The seal's timestamp is by an authority we do not trust "
            "(add its root to TOWNHALL_SEAL_TRUST_FILE).",
            **found,
        )
    return SealCheck(status="valid", **found)


def _validation_context(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext

    kwargs = {
        "trust_roots": trust_roots_load(SealConfig.from_settings()),
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
    }
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**kwargs)
    return store.as_validation_context(kwargs)


def _trust_problem(status) -> str:
    if status.revoked:
        return "The seal's certificate has been revoked."
    name = _signer_name(status.signing_cert) or "an unknown signer"
    return f"The seal is by {name}, whose certificate does not chain to our seal's root."


def _signer_name(certificate) -> str:
    if certificate is None:
        return ""
    subject = certificate.subject.native
    return str(subject.get("organization_name") or subject.get("common_name") or "")


def _signed_at(status) -> datetime.datetime | None:
    timestamp = status.timestamp_validity
    if timestamp is not None and timestamp.timestamp is not None:
        return timestamp.timestamp
    return status.signer_reported_dt
