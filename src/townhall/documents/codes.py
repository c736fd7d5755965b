"""Verification codes of issued documents: random, readable, stored only as a digest.

1. :func:`code_new` draws 140 random bits and writes them as 28 characters of
   Crockford's base32 (digits and capitals without I, L, O and U, so nothing
   reads as another character) in seven groups of four:
   ``7KQ2-M9XA-…``. That is what the QR code's link and the document carry.
2. :func:`code_normalise` reads what a person typed or a link holds: spaces
   and dashes left out, small letters as capitals, and the letters people
   take for digits (O for 0, I and L for 1) as those digits.
3. :func:`code_digest` is the SHA-256 (hex) of the normalised code. The
   issued document stores only that (``IssuedDocument.code_digest``), so the
   table gives nobody a working link, and the verification page looks a code
   up by its digest: an unknown code costs the same lookup as a known one.

Guessing is useless at 140 bits (the page is rate-limited as well).
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 28  # characters of 5 bits: 140 random bits
GROUP = 4
# What people type for a digit of the alphabet.
READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_new() -> str:
    """A new verification code, in groups of four (``XXXX-XXXX-…``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return code_shown(raw)


def code_normalise(code: str) -> str:
    """The code without spaces and dashes, in capitals, O as 0 and I, L as 1."""
    return "".join(code.split()).replace("-", "").upper().translate(READ_AS)


def code_wellformed(code: str) -> bool:
    """Whether ``code`` could be one of ours: 28 characters of the alphabet once normalised."""
    normal = code_normalise(code)
    return len(normal) == LENGTH and all(char in ALPHABET for char in normal)


def code_shown(code: str) -> str:
    """The normalised code in groups of four, as a document prints it."""
    normal = code_normalise(code)
    return "-".join(normal[i : i + GROUP] for i in range(0, len(normal), GROUP))


def code_digest(code: str) -> str:
    """SHA-256 (hex) of the normalised code: what the issued document stores."""
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()
