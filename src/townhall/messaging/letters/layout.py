"""What goes on a letter (brief): the letter, its letterhead, and their HTML.

:class:`Letter` and :class:`Letterhead` are plain frozen data, so a batch can be
handed to worker processes without touching the database there. The HTML of a
chunk of letters is rendered with Django's template engine, one letter at a
time in the letter's own language; WeasyPrint lays the chunk out as one
document (see :mod:`townhall.messaging.letters.render`).
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext

from townhall.languages import INTERFACE

LETTER_LANGUAGES = INTERFACE
TEMPLATE = "messaging/letters/letter.html"
# The envelope window holds six lines (see letter.css): the name and five more.
MAX_ADDRESS_LINES = 6
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Letterhead:
    """The sender's block at the top of a letter, in one language (briefhoofd)."""

    name: str
    street_line: str
    postcode_line: str
    place: str
    email: str
    phone: str
    website: str = ""
    enterprise_number: str = ""
    colour: str = "#1d4f91"

    @classmethod
    def from_municipality(cls, municipality, language: str) -> "Letterhead":
        """The letterhead of ``municipality`` with its name in ``language``.

        The place is the postal place name of the municipality's own postcode
        (a deelgemeente can differ from the municipality's name).
        """
        postcode = municipality.postcodes.filter(code=municipality.postcode).first()
        place = postcode.place_name if postcode else municipality.name
        number = municipality.enterprise_number
        if len(number) == 10:
            number = f"{number[:4]}.{number[4:7]}.{number[7:]}"
        return cls(
            name=municipality.localized_name(language),
            street_line=f"{municipality.street} {municipality.house_number}",
            postcode_line=f"{municipality.postcode} {place}",
            place=place,
            email=municipality.email,
            phone=municipality.phone,
            website=municipality.website,
            enterprise_number=number,
            colour=municipality.primary_colour,
        )


@dataclass(frozen=True)
class Letter:
    """One paper letter to one recipient; ``body`` is plain text, never HTML."""

    reference: str
    language: str
    recipient_name: str
    address_lines: tuple[str, ...]
    subject: str
    body: str
    date: datetime.date


def letter_problem(letter: Letter) -> str | None:
    """Why ``letter`` cannot be printed and posted, or None when it can."""
    if letter.language not in LETTER_LANGUAGES:
        known = ", ".join(LETTER_LANGUAGES)
        return f"letter {letter.reference}: unknown language {letter.language!r} ({known})"
    lines = [line for line in letter.address_lines if line.strip()]
    if not lines:
        return f"letter {letter.reference} has no address: it cannot be posted"
    if len(lines) + 1 > MAX_ADDRESS_LINES:
        return (
            f"letter {letter.reference}: the name and {len(lines)} address lines do not fit "
            f"the envelope window ({MAX_ADDRESS_LINES} lines at most)"
        )
    return None


def page_label_parts() -> tuple[str, str, str]:
    """The translated "Page x of y" split around its two numbers.

    The numbers come from CSS (a per-letter page counter and the letter's page
    count), so the words around them are handed to CSS as three strings.
    """
    label = gettext("Page %(page)s of %(pages)s")
    before, _, rest = label.partition("%(page)s")
    middle, _, after = rest.partition("%(pages)s")
    return before, middle, after


def letter_html(letter: Letter, letterhead: Letterhead, *, number: int, pages: int) -> str:
    """One letter as an ``<article>``, in the letter's language.

    ``number`` makes the article's id (to count its pages after layout);
    ``pages`` is its page count as far as known (1 before the first layout).
    """
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(letter.body.strip())]
    with translation.override(letter.language):
        before, middle, after = page_label_parts()
        context = {
            "letter": letter,
            "letterhead": letterhead,
            "number": number,
            "pages": pages,
            "page_before": before,
            "page_middle": middle,
            "page_after": after,
            "address_lines": [line for line in letter.address_lines if line.strip()],
            "date": formats.date_format(letter.date, "j F Y"),
            "paragraphs": paragraphs,
            "greets": not _formula(paragraphs[0]),
            "closes": len(paragraphs) < 2 or not _formula(paragraphs[-1]),
        }
        return render_to_string(TEMPLATE, context)


def _formula(paragraph: str) -> bool:
    """Whether a paragraph is a greeting or a closing the writer put in themselves
    ("Beste An," / "Met vriendelijke groeten,"): a short first line ending in a
    comma. Then the letter does not add its own, so nobody is greeted twice."""
    first_line = paragraph.splitlines()[0].strip() if paragraph else ""
    return first_line.endswith(",") and len(first_line) <= 60


def chunk_html(
    letters: Sequence[Letter],
    letterheads: dict[str, Letterhead],
    pages: Sequence[int] | None = None,
) -> str:
    """The HTML document of a chunk of letters, each starting on a new page."""
    articles = "".join(
        letter_html(
            letter,
            letterheads[letter.language],
            number=index,
            pages=pages[index] if pages else 1,
        )
        for index, letter in enumerate(letters)
    )
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{articles}</body></html>'
