"""Texts of a definition in one language: a string, or ``{"nl": ..., "fr": ..., "en": ...}``."""

from typing import Any

from django.utils.translation import get_language

FALLBACK = "nl"


def text_in(value: Any, language: str | None = None) -> str:
    """The text for the page's language, else Dutch (every definition has Dutch)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    language = (language or get_language() or FALLBACK)[:2]
    return value.get(language) or value.get(FALLBACK) or ""
