"""How long an SMS is: encoding, units and segments (3GPP TS 23.038, GSM 03.38).

A text that uses only the GSM 7-bit default alphabet and its extension table
travels as GSM-7: 160 septets in one SMS, 153 per segment once concatenated
(the user data header takes the rest). Each character of the extension table
(``€ [ ] { } ~ ^ \\ |`` and form feed) costs two septets, an escape and the
character, and carriers never split that pair over two segments: a pair that
would straddle a boundary moves whole to the next segment, so the first
segment then carries 152 septets.

Any other character (``ê``, ``ë``, ``ç``, ``’``, an emoji) switches the whole
text to UCS-2: 70 UTF-16 code units in one SMS, 67 per segment. A character
outside the Basic Multilingual Plane (most emoji) takes two code units, a
surrogate pair, which is likewise never split.

An empty text counts as one segment of zero units, as a gateway bills it;
:func:`~townhall.messaging.sms.failover.sms_send` refuses to send it.
"""

from dataclasses import dataclass

# The basic table in code order 0x00-0x7F, without the escape at 0x1B.
# 0x09 is the capital Ç (the small ç is not in the alphabet).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}  # (single SMS, per concatenated segment)


@dataclass(frozen=True)
class SmsLength:
    """The encoding, size and segment count of one text."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # 160/70 for a single SMS, 153/67 once concatenated
    remaining: int  # units still free in the last segment


def sms_length(text: str) -> SmsLength:
    """Count ``text`` as a carrier does; see the module docstring for the rules."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        encoding = GSM7
        widths = [2 if char in GSM7_EXTENSION else 1 for char in text]
    else:
        encoding = UCS2
        widths = [2 if ord(char) > 0xFFFF else 1 for char in text]
    single, per_segment = _LIMITS[encoding]
    units = sum(widths)
    if units <= single:
        return SmsLength(encoding, units, 1, single, single - units)
    segments, used = 1, 0
    for width in widths:
        if used + width > per_segment:  # never split an escape pair or a surrogate pair
            segments, used = segments + 1, 0
        used += width
    return SmsLength(encoding, units, segments, per_segment, per_segment - used)
