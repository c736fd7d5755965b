"""Template filters of the catalogue."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def product_title(product) -> str:
    """The product's title in the page's language (Dutch when it has none)."""
    return product.text("title", (get_language() or "nl")[:2])
