"""The municipality's branding: colour rules (WCAG 2.1 contrast) and its logo as the
PDF renderer takes it (a ``data:`` URI: the renderer fetches no file or URL)."""

import base64
import mimetypes


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """Relative luminance of a ``#rrggbb`` colour as WCAG 2.1 defines it."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """Contrast ratio between two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/gif", "image/webp"}


def logo_data_uri(municipality) -> str:
    """The municipality's logo as a ``data:`` URI, or "" (none, unreadable, too large)."""
    logo = municipality.logo if municipality else None
    if not logo:
        return ""
    kind = mimetypes.guess_type(logo.name)[0]
    if kind not in LOGO_TYPES:
        return ""
    try:
        with logo.open("rb") as file:
            content = file.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    if len(content) > LOGO_MAX_BYTES:
        return ""
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"
