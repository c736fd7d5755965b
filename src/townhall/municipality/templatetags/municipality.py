"""Template filters for the municipality profile."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(obj) -> str:
    """The name of a municipality or department in the current language (Dutch fallback).

    Empty when there is none (no active municipality yet)."""
    if obj is None or obj == "":
        return ""
    return obj.localized_name((get_language() or "nl")[:2])
