"""seal_check never raises, whatever the bytes: broken, truncated, forged and
random files each get a verdict, and no changed copy of a seal passes as valid."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from townhall.documents.seal import SealCheck, seal_check, seal_pdf

VERDICTS = {"valid", "altered", "untrusted", "not_sealed", "unreadable"}


@pytest.fixture(scope="module")
def sealed(page_pdf) -> bytes:
    return seal_pdf(page_pdf)


def contents_span(pdf: bytes) -> tuple[int, int]:
    """Where the signature's /Contents hex string lies (outside the signed range)."""
    match = re.search(rb"/Contents <([0-9a-fA-F]+)>", pdf)
    return match.start(1), match.end(1)


def test_a_truncated_seal_is_unreadable_or_altered(sealed):
    for cut in (len(sealed) // 4, len(sealed) // 2, len(sealed) - 40):
        check = seal_check(sealed[:cut])
        assert check.status in {"unreadable", "altered", "not_sealed"}, cut


def test_a_broken_cross_reference_is_handled(sealed):
    broken = re.sub(rb"startxref\s+\d+", b"startxref\n999999999", sealed)

    check = seal_check(broken)

    assert check.status in {"unreadable", "altered"}
    assert check.problem


def handwritten_pdf(*objects: bytes) -> bytes:
    """A PDF of ``objects`` (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_page_tree_claiming_a_billion_pages_is_handled():
    forged = handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 999999999 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    )

    check = seal_check(forged)

    assert check.status == "not_sealed"


def test_a_page_tree_that_contains_itself_is_handled():
    forged = handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [2 0 R] >> >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R /FT /Sig /Kids [2 0 R] >>",
    )

    assert seal_check(forged).status in {"not_sealed", "unreadable"}


def test_a_signature_field_pointing_nowhere_is_handled():
    forged = handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /FT /Sig /T (Seal) /V 9 0 R >>",
        b"<< /ByteRange [0 10 20 30] /Contents <00> /Type /Sig >>",
    )

    assert seal_check(forged).status in {"not_sealed", "unreadable", "altered"}


def test_a_seal_whose_signature_is_garbage_is_altered(sealed):
    start, end = contents_span(sealed)
    garbage = sealed[:start] + b"ab" * ((end - start) // 2) + sealed[end:]

    check = seal_check(garbage)

    assert check.status == "altered"
    assert check.problem.startswith("The seal cannot be read")


def test_values_that_are_not_bytes_are_unreadable():
    assert seal_check(None).status == "unreadable"
    assert seal_check("%PDF-1.7 een tekst").status == "unreadable"


def test_a_file_larger_than_any_document_is_not_read():
    check = seal_check(b"%PDF-1.7\n" + b"0" * (51 * 1024 * 1024))

    assert check == SealCheck(
        status="unreadable", problem="The file is too large to be a document of ours."
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_raise(data):
    assert seal_check(data).status in VERDICTS
    assert seal_check(b"%PDF-1.7\n" + data).status in VERDICTS


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_a_changed_byte_of_a_seal_never_passes_as_valid(sealed, position, flip):
    position %= len(sealed)
    changed = bytearray(sealed)
    changed[position] ^= flip

    check = seal_check(bytes(changed))

    assert check.status in VERDICTS
    start, end = contents_span(sealed)
    if not start <= position < end:  # the signed range: every byte counts
        assert check.status != "valid", position
