"""A logging filter that masks anything shaped like a national register number."""

import logging
import re

from stdnum.be import ssn

# 11 digits, optionally written as 85.07.30-033.28 or 850730 033 28.
_CANDIDATE = re.compile(r"(?<!\d)\d{2}[.\s]?\d{2}[.\s]?\d{2}[-.\s]?\d{3}[.\s]?\d{2}(?!\d)")


def mask_national_numbers(text: str) -> str:
    def replace(match: re.Match) -> str:
        return "[national number]" if ssn.is_valid(match.group()) else match.group()

    return _CANDIDATE.sub(replace, text)


class NationalNumberFilter(logging.Filter):
    """Rewrites the record's message so a valid number never reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_national_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
