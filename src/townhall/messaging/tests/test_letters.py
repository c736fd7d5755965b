"""The print batch of paper letters: one PDF, in order, addresses in the window."""

import dataclasses
import datetime
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from townhall.messaging.letters import Letter, Letterhead, letters_render_pdf
from townhall.municipality.tests.factories import municipality_for_tests

MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT = 297 * MM
# The address area of letter.css, in mm from the sheet's top-left corner.
WINDOW = {"left": 100, "top": 40, "width": 90, "height": 29}
# Where the window of the envelope can come when the sheet moves in it.
WIDEST_WINDOW = {"left": 90, "top": 29.5, "right": 200, "bottom": 79.5}
LETTERHEAD = Letterhead(
    name="Testdorp",
    street_line="Dorpsplein 1",
    postcode_line="9999 Testdorp",
    place="Testdorp",
    email="info@testdorp.example.org",
    phone="+32 50 00 00 00",
    website="https://www.testdorp.example.org",
    enterprise_number="0207.451.227",
)
LETTERHEADS = {
    "nl": LETTERHEAD,
    "fr": dataclasses.replace(LETTERHEAD, name="Village-Test"),
}
# The most the window holds: the name and five lines.
FULL_ADDRESS = (
    "Residentie Ter Beke",
    "Appartement 3B",
    "Kerkstraat 3 bus 12",
    "8760 Meulebeke",
    "BELGIË",
)
LONG_BODY = "\n\n".join(f"Paragraphe {n}. " + "Un texte assez long. " * 40 for n in range(1, 6))


def letter(number: int, language: str = "nl", **changes) -> Letter:
    fields = {
        "reference": f"TH-2026-{number:06d}",
        "language": language,
        "recipient_name": f"Resident {number}",
        "address_lines": (f"Kerkstraat {number}", "8760 Meulebeke"),
        "subject": f"Subject {number}",
        "body": f"Body of letter {number}.\n\nSecond paragraph of letter {number}.",
        "date": datetime.date(2026, 12, 1),
    }
    return Letter(**(fields | changes))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Three letters in two languages; the French one runs over two pages."""
    letters = [
        letter(1, "nl", body="Beste <b>bewoner</b> & <script>alert(1)</script>\nTweede regel."),
        letter(2, "fr", body=LONG_BODY),
        letter(3, "nl", address_lines=FULL_ADDRESS),
    ]
    path = tmp_path_factory.mktemp("letters") / "batch.pdf"
    pages = letters_render_pdf(letters=letters, letterhead_for=LETTERHEADS, path=path, processes=1)
    return pages, PdfReader(path)


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def positioned(page) -> list[tuple[str, float, float, float]]:
    """(text, x mm from the left, baseline mm from the top, font size pt) of each run."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x / MM, (A4_HEIGHT - y) / MM, round(size * abs(cm[0]), 1)))

    page.extract_text(visitor_text=visit)
    return runs


def page_label(language: str, page: int, pages: int) -> str:
    with translation.override(language):
        return gettext("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}


def test_batch_is_one_pdf_with_the_letters_in_order(batch):
    pages, reader = batch

    assert pages == len(reader.pages) == 4
    on_page = [re.findall(r"TH-2026-00000(\d)", text) for text in texts(reader)]
    assert [set(numbers) for numbers in on_page] == [{"1"}, {"2"}, {"2"}, {"3"}]
    first, second, third, fourth = texts(reader)
    assert "Resident 1" in first
    assert "Subject 1" in first
    assert "Paragraphe 1." in second
    assert "Paragraphe 5." in third
    assert "Resident 3" in fourth
    assert "Second paragraph of letter 3." in fourth


def test_a_longer_letter_counts_its_own_pages(batch):
    _, reader = batch
    first, second, third, fourth = texts(reader)

    assert page_label("fr", 1, 2) in second
    assert page_label("fr", 2, 2) in third
    # A one-page letter needs no page number; its reference is under the date.
    assert page_label("nl", 1, 1) not in first
    assert page_label("nl", 1, 1) not in fourth
    # A continuation page carries the reference, not the letterhead or address.
    assert "TH-2026-000002" in third
    assert "Kerkstraat 2" not in third


def test_letter_speaks_its_language(batch):
    _, reader = batch
    first, second, *_ = texts(reader)

    assert "Testdorp, 1 december 2026" in first
    assert "Testdorp, 1 décembre 2026" in second
    assert "Village-Test" in second
    assert "Village-Test" not in first


@pytest.mark.parametrize(
    ("page", "lines"),
    [(0, ("Resident 1", "Kerkstraat 1", "8760 Meulebeke")), (3, ("Resident 3", *FULL_ADDRESS))],
)
def test_address_sits_in_the_envelope_window(batch, page, lines):
    _, reader = batch
    address = [run for run in positioned(reader.pages[page]) if run[0] in lines]

    assert [run[0] for run in address] == list(lines)
    for text, x, baseline, size in address:
        assert WINDOW["left"] <= x < WINDOW["left"] + WINDOW["width"], text
        # Liberation Sans rises 0.905 em above the baseline and falls 0.212 em below.
        top, bottom = baseline - 0.905 * size / MM, baseline + 0.212 * size / MM
        assert top >= WINDOW["top"], text
        assert bottom <= WINDOW["top"] + WINDOW["height"], text
        assert size >= 10, text


@pytest.mark.parametrize(
    ("page", "lines"),
    [(0, ("Resident 1", "Kerkstraat 1", "8760 Meulebeke")), (3, ("Resident 3", *FULL_ADDRESS))],
)
def test_nothing_else_shows_through_the_window(batch, page, lines):
    """Nothing but the address where the window can come, the sheet moving as it may."""
    _, reader = batch
    for text, x, baseline, size in positioned(reader.pages[page]):
        if text in lines:
            continue
        # A generous width estimate: 0.6 em a character.
        right = x + len(text) * 0.6 * size / MM
        top = baseline - size / MM
        overlaps = (
            x < WIDEST_WINDOW["right"]
            and right > WIDEST_WINDOW["left"]
            and top < WIDEST_WINDOW["bottom"]
            and baseline > WIDEST_WINDOW["top"]
        )
        assert not overlaps, text


def test_body_is_text_not_html(batch):
    _, reader = batch
    first = texts(reader)[0]

    assert "Beste <b>bewoner</b> & <script>alert(1)</script>" in first
    assert "Tweede regel." in first


def test_body_text_is_readable(batch):
    _, reader = batch
    body = [size for text, _, _, size in positioned(reader.pages[3]) if "letter 3" in text]

    assert len(body) == 2
    assert min(body) >= 11


def test_two_processes_give_the_same_pages_as_one(tmp_path):
    letters = [letter(n, "fr" if n % 2 else "nl") for n in range(1, 6)]
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"

    pages_one = letters_render_pdf(
        letters=letters, letterhead_for=LETTERHEADS, path=one, processes=1
    )
    pages_two = letters_render_pdf(
        letters=letters, letterhead_for=LETTERHEADS.__getitem__, path=two, processes=2
    )

    assert pages_one == pages_two == 5
    assert texts(PdfReader(one)) == texts(PdfReader(two))


def test_empty_batch_is_refused(tmp_path):
    path = tmp_path / "batch.pdf"
    with pytest.raises(ValueError, match="needs at least one letter"):
        letters_render_pdf(letters=[], letterhead_for=LETTERHEADS, path=path)
    assert not path.exists()


def test_letter_without_address_is_refused_by_reference(tmp_path):
    path = tmp_path / "batch.pdf"
    letters = [letter(1), letter(2, address_lines=()), letter(3, address_lines=(" ",))]

    with pytest.raises(ValueError, match="has no address") as error:
        letters_render_pdf(letters=letters, letterhead_for=LETTERHEADS, path=path)

    message = str(error.value)
    assert "TH-2026-000002 has no address" in message
    assert "TH-2026-000003 has no address" in message
    assert "TH-2026-000001" not in message
    assert not path.exists()


def test_address_too_long_for_the_window_is_refused(tmp_path):
    lines = tuple(f"line {n}" for n in range(6))
    with pytest.raises(ValueError, match="TH-2026-000001: the name and 6 address lines"):
        letters_render_pdf(
            letters=[letter(1, address_lines=lines)],
            letterhead_for=LETTERHEADS,
            path=tmp_path / "batch.pdf",
        )


def test_missing_letterhead_is_refused(tmp_path):
    with pytest.raises(ValueError, match="No letterhead for the language 'fr'"):
        letters_render_pdf(
            letters=[letter(1, "fr")],
            letterhead_for={"nl": LETTERHEAD},
            path=tmp_path / "batch.pdf",
        )


@pytest.mark.django_db
def test_letterhead_from_the_municipality_profile():
    municipality = municipality_for_tests()
    municipality.enterprise_number = "0207451227"
    municipality.website = "https://www.testdorp.example.org"

    dutch = Letterhead.from_municipality(municipality, "nl")
    french = Letterhead.from_municipality(municipality, "fr")

    assert dutch.name == "Testdorp"
    assert french.name == "Village-Test"
    assert dutch.street_line == "Dorpsplein 1"
    assert dutch.postcode_line == "9999 Testdorp"
    assert dutch.place == "Testdorp"
    assert dutch.enterprise_number == "0207.451.227"
    assert dutch.colour == municipality.primary_colour


def test_a_text_with_its_own_greeting_and_closing_is_not_greeted_twice():
    from townhall.messaging.letters.layout import letter_html

    letter = Letter(
        reference="TH-2026-000009",
        language="nl",
        recipient_name="Stijn Vanhoutte",
        address_lines=("Oostmolenstraat 3", "8770 Ingelmunster"),
        subject="Wegenwerken",
        body="Beste Stijn,\n\nDe straat is dicht.\n\nMet vriendelijke groeten,\nDe gemeente",
        date=datetime.date(2026, 11, 29),
    )
    html = letter_html(letter, LETTERHEAD, number=1, pages=1)

    assert html.count("Beste") == 1
    assert html.count("groeten") == 1
    # Without them, the letter greets and closes itself.
    plain = letter_html(
        dataclasses.replace(letter, body="De straat is dicht."), LETTERHEAD, number=1, pages=1
    )
    assert "Beste Stijn Vanhoutte," in plain
    assert "Met vriendelijke groeten," in plain
