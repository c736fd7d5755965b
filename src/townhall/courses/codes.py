"""The cancellation code of a registration: random, read out by phone, stored hashed."""

import hashlib
import hmac
import secrets

from django.conf import settings

# Letters and digits that cannot be mistaken for one another when read out by phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def code_new() -> str:
    """A random cancellation code, ``ABCD-EFGH``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def code_hash(code: str) -> str:
    """The keyed hash of a code as stored; spaces, dashes and case do not matter."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    key = hashlib.sha256(f"townhall.courses.code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()
