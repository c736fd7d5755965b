"""Checking the PDF itself, dropped on the verification page (/verifieren/bestand/).

1. The page takes a PDF of at most 10 MB (:mod:`townhall.documents.forms`) and
   counts the try against the client's address, in the look-ups and in the file
   checks (:data:`FILE_CHECKS_PER_CLIENT`: validating a seal costs more than a
   look-up by code). The file is read in memory and never stored.
2. :func:`file_check` computes the SHA-256 of the bytes, looks up the document
   issued as exactly that file (``selectors.document_by_sha256``), and validates
   the seal with :func:`townhall.documents.seal.seal_check`, whatever the hash
   said, so every file costs the same work.
3. The verdict says which of these it is (:data:`VERDICTS`):

   - the file is one we issued, unchanged (the hash matches): **genuine**, or
     **revoked** when staff revoked it since; its facts as by code;
   - no document was issued as this file, and its seal is
     - intact and ours: **sealed but not issued** (a test or a sample document,
       or one issued by another installation with the same seal);
     - broken: **altered** after it was sealed (a byte changed, pages added,
       an update appended);
     - not ours: **not our seal** (sealed by someone else, or a certificate the
       municipality does not trust);
     - absent: **not sealed** (made elsewhere, or re-saved by a program that
       dropped the seal: a copy "printed to PDF" loses it);
   - the PDF cannot be read: **unreadable**.

A file that is not a PDF at all is refused by the form before any of this.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from townhall.accounts.rate_limits import RateLimit
from townhall.documents.models import IssuedDocument
from townhall.documents.seal import SealCheck, seal_check
from townhall.documents.selectors import document_by_sha256

# Ten file checks per client address per quarter of an hour (each also counts as a
# look-up): a seal's validation costs a tenth of a second of processor time or more.
FILE_CHECKS_PER_CLIENT = RateLimit("document-verify-file-client", limit=10, window=15 * 60)

GENUINE = "genuine"
REVOKED = "revoked"
SEALED_NOT_ISSUED = "sealed_not_issued"
ALTERED = "altered"
NOT_OURS = "not_ours"
NOT_SEALED = "not_sealed"
UNREADABLE = "unreadable"

# The seal's status (townhall.documents.seal) -> the verdict, for a file we never issued.
_BY_SEAL = {
    "valid": SEALED_NOT_ISSUED,
    "altered": ALTERED,
    "untrusted": NOT_OURS,
    "not_sealed": NOT_SEALED,
    "unreadable": UNREADABLE,
}


@dataclass(frozen=True)
class Verdict:
    """What the page says about a file: a title, an explanation, and whether it holds."""

    title: object
    text: object
    holds: bool


VERDICTS = {
    GENUINE: Verdict(
        _("This document is genuine and unchanged"),
        _("The municipality issued exactly this file: not one byte changed since it was sealed."),
        True,
    ),
    REVOKED: Verdict(
        _("This document was revoked"),
        _(
            "The municipality issued exactly this file, but revoked it since: it is no "
            "longer valid."
        ),
        False,
    ),
    SEALED_NOT_ISSUED: Verdict(
        _("The seal is intact, but we did not issue this file"),
        _(
            "The file carries the municipality's seal, unchanged, but no document was "
            "issued as this file. It may be a test or a sample document. Do not accept it "
            "as a document of the municipality."
        ),
        False,
    ),
    ALTERED: Verdict(
        _("This file was changed after it was sealed"),
        _(
            "The seal no longer matches the content: someone changed the file after the "
            "municipality sealed it. Do not accept it. Ask the holder for the original, or "
            "type the code printed on it."
        ),
        False,
    ),
    NOT_OURS: Verdict(
        _("This file is not sealed by the municipality"),
        _(
            "The file carries a seal or signature, but not the municipality's. Do not "
            "accept it as a document of the municipality."
        ),
        False,
    ),
    NOT_SEALED: Verdict(
        _("This file has no seal"),
        _(
            "Every document the municipality issues is sealed. This file has no seal: it "
            "was made elsewhere, or re-saved or printed to PDF by a program that dropped "
            "the seal. Ask the holder for the original file, or type the code printed on "
            "it."
        ),
        False,
    ),
    UNREADABLE: Verdict(
        _("This PDF cannot be read"),
        _(
            "The file starts as a PDF, but it is damaged or incomplete, so its seal cannot "
            "be checked. Download the document again and check that file."
        ),
        False,
    ),
}


@dataclass(frozen=True)
class FileCheck:
    """The outcome of one file check."""

    verdict: str
    sha256: str
    document: IssuedDocument | None
    seal: SealCheck

    @property
    def explained(self) -> Verdict:
        return VERDICTS[self.verdict]


def file_check(pdf: bytes) -> FileCheck:
    """Check ``pdf`` (the whole file): the document issued as it, and its seal. One
    query, the look-up by hash (the seal's check reads no table)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    document = document_by_sha256(sha256)
    seal = seal_check(pdf)
    if document is not None:
        verdict = REVOKED if document.revoked_at is not None else GENUINE
    else:
        verdict = _BY_SEAL.get(seal.status, UNREADABLE)
    return FileCheck(verdict=verdict, sha256=sha256, document=document, seal=seal)
