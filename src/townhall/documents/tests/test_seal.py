"""The seal: every PDF sealed with PAdES, validated by pyHanko's own validation,
and seal_check's verdict on intact, changed, foreign, unsealed and broken files."""

import io
import re

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from townhall.documents.seal import SealCheck, seal_check, seal_pdf
from townhall.documents.seal_demo import DEMO_ROOT_NAME, demo_chain
from townhall.documents.sealer import outside_event_loop
from townhall.documents.tests.pki import chain_make


def pyhanko_status(pdf: bytes, root_file):
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(root_file))])
    return outside_event_loop(validate_pdf_signature, reader.embedded_signatures[0], context)


def test_a_rendered_pdf_is_sealed_with_the_demo_chain_and_pyhanko_validates_it(page_pdf, settings):
    sealed = seal_pdf(page_pdf)

    status = pyhanko_status(sealed, demo_chain(settings.TOWNHALL_SEAL["DEMO_DIR"]).root_file)
    assert status.bottom_line
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["organization_name"] == "Townhall (DEMO)"
    assert status.signing_cert.issuer.native["common_name"] == DEMO_ROOT_NAME
    assert sealed.startswith(page_pdf)  # an incremental update: the rendered bytes stay


def test_seal_check_finds_a_fresh_seal_valid(page_pdf):
    check = seal_check(seal_pdf(page_pdf))

    assert check.status == "valid", check.problem
    assert check.signer == "Townhall (DEMO)"
    assert check.signed_at is not None
    assert check.timestamped is False
    assert check.problem == ""


def test_a_seal_by_file_carries_the_configured_certificate(page_pdf, chain, sealed_by, settings):
    sealed = sealed_by(chain, page_pdf)

    status = pyhanko_status(sealed, chain.chain_file)
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Gemeente Testdorp"
    settings.TOWNHALL_SEAL = chain.settings()
    assert seal_check(sealed) == SealCheck(
        status="valid",
        signer="Gemeente Testdorp",
        signed_at=seal_check(sealed).signed_at,
    )


def test_a_flipped_byte_in_the_signed_range_is_altered(page_pdf):
    sealed = bytearray(seal_pdf(page_pdf))
    # A byte of the page's content stream, inside the signed range.
    position = sealed.index(b"stream") + 20
    sealed[position] ^= 0x01

    check = seal_check(bytes(sealed))

    assert check.status == "altered"
    assert "changed after it was sealed" in check.problem
    assert check.signer == "Townhall (DEMO)"


def test_a_changed_date_in_the_signature_dictionary_is_altered(page_pdf):
    sealed = seal_pdf(page_pdf)
    # pyHanko writes the date's colon escaped: /M (D\07220261203...).
    match = re.search(rb"/M \(D\\072(\d{4})", sealed)
    year = match.group(1)
    changed = sealed.replace(
        match.group(0), match.group(0).replace(year, b"%04d" % (int(year) - 1))
    )

    assert seal_check(changed).status == "altered"


def test_an_annotation_added_after_sealing_is_altered(page_pdf):
    from pyhanko.pdf_utils import generic

    sealed = seal_pdf(page_pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (50, 50, 80, 80)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Niet meer geldig"),
            }
        )
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([annotation])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)

    check = seal_check(output.getvalue())

    assert check.status == "altered"
    assert "added to the file after it was sealed (changes to the document)" in check.problem


def test_bytes_appended_after_the_seal_are_altered(page_pdf):
    check = seal_check(seal_pdf(page_pdf) + b"\n%% appended\n")

    assert check.status == "altered"
    assert "after the sealed end" in check.problem


def test_a_pdf_sealed_by_another_self_signed_key_is_untrusted(page_pdf, tmp_path, sealed_by):
    stranger = chain_make(
        tmp_path / "stranger", organisation="Valse Gemeente", self_signed_only=True
    )
    sealed = sealed_by(stranger, page_pdf)

    check = seal_check(sealed)

    assert check.status == "untrusted"
    assert check.signer == "Valse Gemeente"
    assert "does not chain to our seal's root" in check.problem


def test_a_pdf_sealed_by_another_chain_is_untrusted_until_its_root_is_trusted(
    page_pdf, tmp_path, sealed_by, settings
):
    # After a change of provider, the old chain's root goes into TRUST_FILE.
    old = chain_make(tmp_path / "old", organisation="Gemeente Testdorp")
    sealed = sealed_by(old, page_pdf)
    assert seal_check(sealed).status == "untrusted"

    settings.TOWNHALL_SEAL = {**settings.TOWNHALL_SEAL, "TRUST_FILE": str(old.chain_file)}
    assert seal_check(sealed).status == "valid"


def test_an_unsigned_pdf_is_not_sealed(page_pdf):
    check = seal_check(page_pdf)

    assert check == SealCheck(status="not_sealed", problem="The PDF carries no seal.")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"Dit is een tekst, geen PDF.\n",
        "Attest van woonst".encode("utf-16"),
        bytes(range(256)) * 40,
        b"%PDF-1.7\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    ],
    ids=["empty", "text", "utf-16", "random", "header only", "no xref"],
)
def test_what_is_not_a_readable_pdf_is_unreadable(data):
    check = seal_check(data)

    assert check.status == "unreadable"
    assert check.problem


def test_sealing_and_checking_work_in_a_thread_that_runs_an_event_loop(page_pdf):
    # An async view, or a test after Playwright's sync API: pyHanko's own asyncio.run
    # would refuse to start there.
    import asyncio

    async def in_a_loop():
        return seal_check(seal_pdf(page_pdf))

    check = outside_event_loop(asyncio.run, in_a_loop())

    assert check.status == "valid", check.problem
