"""Mobile numbers: checked before any gateway sees them, masked wherever they are shown.

An exception message or a log line carries ``+32470****56``, never the whole
number (data protection): :func:`number_masked` and :func:`reason_masked`.
"""

import phonenumbers
from django.utils.translation import gettext

from townhall.messaging.errors import PermanentFailure

# Types that can never receive an SMS. FIXED_LINE_OR_MOBILE and UNKNOWN pass:
# the gateway has the last word on those.
_NOT_FOR_SMS = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
}


def number_masked(number: str) -> str:
    """``+32470123456`` -> ``+32470****56``: enough to tell numbers apart, not to dial."""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:6]}****{number[-2:]}"


def reason_masked(reason: str, *, number: str) -> str:
    """A provider's reason with any echo of ``number`` masked, cut to a readable length."""
    masked = number_masked(number)
    digits = number.lstrip("+")
    for form in sorted({number, digits, _national(number)} - {""}, key=len, reverse=True):
        reason = reason.replace(form, masked)
    return reason[:300]


def mobile_number_checked(number: str) -> str:
    """``number`` in E.164 if it can receive an SMS; else :class:`PermanentFailure`."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise PermanentFailure(
            gettext("%(number)s is not a valid phone number in international format.")
            % {"number": number_masked(number)}
        )
    if phonenumbers.number_type(parsed) in _NOT_FOR_SMS:
        raise PermanentFailure(
            gettext("%(number)s is not a mobile number.") % {"number": number_masked(number)}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _national(number: str) -> str:
    try:
        return str(phonenumbers.parse(number, None).national_number)
    except phonenumbers.NumberParseException:
        return ""
