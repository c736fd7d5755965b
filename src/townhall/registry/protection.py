"""Protection of national register numbers: keyed hash, encryption at rest, masking.

A number is stored twice: as an HMAC-SHA256 keyed hash (to look it up without
knowing it) and encrypted with Fernet (to show it to someone entitled to, which
is logged). It never goes into a URL, a log line or an unmasked list.

What pages show instead is the mask: a four-letter fingerprint of the keyed
hash (``***-KXMT``) that tells numbers apart at a glance but contains no digit
of the number and cannot be computed from a number without the hash key, so
it narrows nothing (docs/standards.md, "Masked national numbers").
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# The derived key is defined with the production rules, which must recognise it
# without importing this app (townhall.conf sits below every app).
from townhall.conf import key_derived_from_secret
from townhall.registry.identifiers import compact_person_number


def national_number_hash(number: str) -> str:
    """The keyed hash under which a national register or bis number is looked up."""
    key = settings.NATIONAL_NUMBER_HASH_KEY.encode()
    return hmac.new(key, compact_person_number(number).encode(), hashlib.sha256).hexdigest()


# Consonants only: no digit to mistake for one of the number, no vowel to spell a word,
# no I/L/O/Q to misread. 18**4 = 104,976 fingerprints.
MASK_ALPHABET = "BCDFGHJKMNPRSTVWXZ"
MASK_LENGTH = 4
MASK_PREFIX = "***-"


def national_number_mask(number_hash: str) -> str:
    """The form shown for a number: a fingerprint of its keyed hash, no digit of the number.

    Derived from the stored hash alone, so existing rows are re-masked without
    decrypting anything; the same number gives the same mask until the hash key
    changes (``rehash_national_numbers`` re-masks then).
    """
    value = int(number_hash, 16)
    letters = []
    for _position in range(MASK_LENGTH):
        value, index = divmod(value, len(MASK_ALPHABET))
        letters.append(MASK_ALPHABET[index])
    return MASK_PREFIX + "".join(letters)


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys or (key_derived_from_secret(secret_key),)])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """Encrypt with the first of ``FIELD_ENCRYPTION_KEYS``."""
    return _cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt with whichever of ``FIELD_ENCRYPTION_KEYS`` encrypted ``token``."""
    return _cipher().decrypt(token.encode()).decode()


def reencrypt(token: str, *, old_keys: tuple[str, ...] = ()) -> str:
    """The same value encrypted with the first key; how old keys are retired.

    ``old_keys`` also decrypt, without being configured (a key derived from a
    former ``SECRET_KEY``). Raises ``cryptography.fernet.InvalidToken`` when no
    key opens ``token``.
    """
    configured = tuple(settings.FIELD_ENCRYPTION_KEYS) or (
        key_derived_from_secret(settings.SECRET_KEY),
    )
    return _fernet((*configured, *old_keys), "").rotate(token.encode()).decode()
