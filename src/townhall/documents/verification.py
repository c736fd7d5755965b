"""The public verification of an issued document, by its code (/verifieren/<code>/).

1. Whoever holds the document (a school, a landlord, the police) opens the link of
   its QR code, or types the code printed on it. Every try counts against the
   client's address (:data:`LOOKUPS_PER_CLIENT`) before anything is looked up; over
   the limit the page answers 429 and says when to try again.
2. A code that cannot be one of ours (wrong length, letters outside the alphabet,
   anything longer than :data:`CODE_INPUT_MAX`) is not looked up: it is "not found",
   as an unknown code is.
3. A well-formed code is looked up by its digest (``selectors.document_by_code``):
   one query on a unique index, whether the document exists, is valid or was
   revoked. Unknown answers 404 "not found"; a valid or revoked document 200 with
   its facts (:func:`document_facts`): kind, number, issue date, issuer, the
   holder's name masked, the SHA-256 of the PDF, revoked with its date, and
   whether the file is still kept.
4. Each look-up is logged by its outcome and the first characters of the code's
   digest, never the code itself (which opens the page) nor the client's address.

The reason of a revocation is never shown: staff write it for the register, and
it may say something about the holder. A file check (the PDF dropped on the page)
is :mod:`townhall.documents.file_check`.
"""

import logging
import unicodedata
from dataclasses import dataclass

from django.utils import timezone

from townhall.accounts.rate_limits import RateLimit
from townhall.documents.codes import code_digest, code_wellformed
from townhall.documents.models import IssuedDocument

logger = logging.getLogger(__name__)

# Thirty look-ups per client address per quarter of an hour: a school's secretariat
# checking a pile of certificates gets through, an enumeration of codes does not
# (and at 140 random bits it would be useless anyway).
LOOKUPS_PER_CLIENT = RateLimit("document-verify-client", limit=30, window=15 * 60)
# What a field or a link may hold before it is refused unread (a code with its dashes
# and a few spaces is 34 characters).
CODE_INPUT_MAX = 64
# The digest's characters a log line keeps: enough to tell look-ups apart, far too
# few to find the code again.
DIGEST_LOGGED = 8
MASK_STARS = 5

FOUND, REVOKED, UNKNOWN, MALFORMED = "found", "revoked", "unknown", "malformed"

# Words that start a family name when they follow a given name: "An Van den Broeck",
# "Luc De Smet", "Marie du Bois". Without one, the family name is the last word.
FAMILY_NAME_PARTICLES = frozenset(
    {
        "van",
        "vande",
        "vanden",
        "vander",
        "de",
        "den",
        "der",
        "d'",
        "du",
        "des",
        "le",
        "la",
        "ten",
        "ter",
        "'t",
        "t'",
        "op",
        "in",
        "von",
        "di",
        "da",
        "del",
        "della",
        "dos",
        "el",
    }
)


def code_usable(code: str) -> bool:
    """Whether ``code`` (from a link or a field) could be a verification code of ours."""
    return isinstance(code, str) and len(code) <= CODE_INPUT_MAX and code_wellformed(code)


def _first_letter(word: str) -> str:
    for char in unicodedata.normalize("NFC", word):
        if char.isalnum():
            return char.upper()
    return ""


def holder_name_masked(name: str) -> str:
    """The holder's name as the verification page shows it: the first given name's
    initial and the family name's first letter, then always :data:`MASK_STARS` stars
    ("Jan Peeters" and "Jan Pieter Van den Broeck" read "J. P*****" and "J. V*****").

    Enough to see that the document is about the person in front of you, nothing
    more: the stars never tell the length of the name, and no second given name,
    particle or letter is shown. "" for a document without a holder's name.
    """
    words = (name or "").split()
    if not words:
        return ""
    stars = "*" * MASK_STARS
    given, rest = _first_letter(words[0]), words[1:]
    if not rest:  # one word: a name alone, shown as a family name
        return f"{given}{stars}"
    start = next(
        (index for index, word in enumerate(rest) if word.lower() in FAMILY_NAME_PARTICLES),
        len(rest) - 1,
    )
    family = next((letter for word in rest[start:] if (letter := _first_letter(word))), "")
    return f"{given}. {family}{stars}" if given else f"{family}{stars}"


@dataclass(frozen=True)
class DocumentFacts:
    """What the verification page tells about an issued document, and nothing more."""

    number: str
    kind: str
    issued_at: object
    issuer: str
    holder: str  # masked
    sha256: str
    pages: int
    revoked_at: object  # None while valid
    file_kept: bool
    purged_at: object  # None while the file is kept

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def document_facts(document: IssuedDocument, *, kind_label: str) -> DocumentFacts:
    """The facts of ``document`` the public may read (never the revocation's reason, the
    holder's full name, national number or address)."""
    return DocumentFacts(
        number=document.number,
        kind=kind_label,
        issued_at=timezone.localtime(document.issued_at),
        issuer=document.issuer,
        holder=holder_name_masked(document.holder_name),
        sha256=document.sha256,
        pages=document.pages,
        revoked_at=timezone.localtime(document.revoked_at) if document.revoked_at else None,
        file_kept=bool(document.path) and document.purged_at is None,
        purged_at=document.purged_at,
    )


def outcome_of(document: IssuedDocument | None) -> str:
    if document is None:
        return UNKNOWN
    return REVOKED if document.revoked_at is not None else FOUND


def lookup_log(*, how: str, outcome: str, digest: str = "") -> None:
    """Log one look-up: how it came (``code``, ``file``), its outcome and a few
    characters of the code's or file's digest; never the code, a name or an address."""
    logger.info(
        "Document verification by %s: %s%s",
        how,
        outcome,
        f" (digest {digest[:DIGEST_LOGGED]}…)" if digest else "",
    )


def lookup_digest(code: str) -> str:
    """The digest of a usable code, for :func:`lookup_log`."""
    return code_digest(code) if code_usable(code) else ""
