"""A logging filter that masks anything shaped like a national register number."""

import logging
import re

from stdnum.be import ssn

# 11 digits, optionally written as 85.07.30-033.28 or 850730 033 28.
_CANDIDATE = re.compile(r"(?<!\d)\d{2}[.\s]?\d{2}[.\s]?\d{2}[-.\s]?\d{3}[.\s]?\d{2}(?!\d)")
_NOT_A_DIGIT = re.compile(r"\D")
MASK = "[national number]"


def mask_national_numbers(text: str) -> str:
    """Replace every valid national register or bis number in ``text``; other numbers stay."""

    def replace(match: re.Match) -> str:
        digits = _NOT_A_DIGIT.sub("", match.group())
        return MASK if ssn.is_valid(digits) else match.group()

    return _CANDIDATE.sub(replace, text)


class NationalNumberFilter(logging.Filter):
    """Rewrites the record's message so a valid number never reaches a handler.

    The text of an attached exception is masked too: exception messages often
    repeat the input that caused them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_national_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the masked text is what they print.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_national_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_national_numbers(record.stack_info)
        return True
