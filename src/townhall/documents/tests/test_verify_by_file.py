"""The public verification page by file: the PDF dropped on it, sealed for real, and every
bad file (changed, re-saved, not ours, not sealed, not a PDF, empty, too large)."""

import io
import logging

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from townhall.documents.file_check import (
    ALTERED,
    FILE_CHECKS_PER_CLIENT,
    GENUINE,
    NOT_OURS,
    NOT_SEALED,
    REVOKED,
    SEALED_NOT_ISSUED,
    file_check,
)
from townhall.documents.forms import MAX_FILE_SIZE
from townhall.documents.seal import seal_pdf
from townhall.documents.tests.factories import document_issued
from townhall.documents.tests.pki import chain_make
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db

CHECK = "/verifieren/bestand/"


@pytest.fixture(autouse=True)
def _fresh():
    municipality_for_tests()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def sealed(page_pdf):
    """One sealed PDF for the module (a seal costs a tenth of a second or more)."""
    return seal_pdf(page_pdf)


def _drop(client, content: bytes, name: str = "attest.pdf", **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(CHECK, {"pdf": upload}, **extra)


def _page(response) -> str:
    return response.content.decode()


def _flipped(pdf: bytes) -> bytes:
    changed = bytearray(pdf)
    changed[changed.index(b"stream") + 20] ^= 0x01  # inside the page's content stream
    return bytes(changed)


def _with_an_incremental_update(pdf: bytes) -> bytes:
    """An annotation added after sealing, the way a PDF editor saves a change."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (50, 50, 80, 80)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Geldig tot 2099"),
            }
        )
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([note])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _resaved(pdf: bytes) -> bytes:
    """The file opened and saved again by another program (pypdf writes it anew)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- What the file is ----------------------------------------------------------------


def test_the_issued_file_is_genuine_and_unchanged(client, sealed):
    document, _code = document_issued(pdf=sealed, holder_name="Jan Peeters")

    response = _drop(client, sealed)

    assert response.status_code == 200
    page = _page(response)
    assert "This document is genuine and unchanged" in page
    assert document.number in page
    assert "J. P*****" in page
    assert document.sha256 in page
    assert "Intact: the municipality" in page
    assert "Townhall (DEMO)" in page  # who sealed it
    assert response["Cache-Control"] == "no-store"


def test_a_revoked_file_says_revoked_with_its_date(client, sealed):
    document_issued(pdf=sealed, revoked_at=timezone.now(), revocation_reason="Overleden")

    response = _drop(client, sealed)

    assert response.status_code == 200
    page = _page(response)
    assert "This document was revoked" in page
    assert "Overleden" not in page


def test_a_flipped_byte_is_altered(client, sealed):
    document_issued(pdf=sealed)

    response = _drop(client, _flipped(sealed))

    assert response.status_code == 200
    page = _page(response)
    assert "This file was changed after it was sealed" in page
    assert "Broken: the file changed after it was sealed" in page
    assert "This document is genuine" not in page


def test_an_update_appended_after_sealing_is_altered(client, sealed):
    document_issued(pdf=sealed)

    response = _drop(client, _with_an_incremental_update(sealed))

    assert "This file was changed after it was sealed" in _page(response)


def test_a_resaved_file_is_told_apart_and_never_genuine(client, sealed):
    document_issued(pdf=sealed)
    resaved = _resaved(sealed)

    checked = file_check(resaved)
    page = _page(_drop(client, resaved))

    # pypdf keeps the signature's dictionary but writes every byte anew: the signed
    # ranges no longer hold what was signed, so the seal is broken, and the page says
    # so (a program that drops the seal instead gets "no seal", below).
    assert checked.verdict == ALTERED
    assert checked.document is None
    assert "This file was changed after it was sealed" in page
    assert "genuine" not in page


def test_a_file_with_our_seal_that_we_never_issued_is_said_so(client, page_pdf):
    other = seal_pdf(page_pdf)  # sealed again: another signature, another file

    response = _drop(client, other)

    page = _page(response)
    assert file_check(other).verdict == SEALED_NOT_ISSUED
    assert "The seal is intact, but we did not issue this file" in page


def test_a_file_sealed_by_another_key_is_not_our_seal(client, page_pdf, tmp_path, sealed_by):
    stranger = chain_make(
        tmp_path / "stranger", organisation="Valse Gemeente", self_signed_only=True
    )
    forged = sealed_by(stranger, page_pdf)

    response = _drop(client, forged)

    assert file_check(forged).verdict == NOT_OURS
    page = _page(response)
    assert "This file is not sealed by the municipality" in page
    assert "Valse Gemeente" in page  # who did seal it


def test_an_unsealed_pdf_has_no_seal(client, page_pdf):
    response = _drop(client, page_pdf)

    assert file_check(page_pdf).verdict == NOT_SEALED
    assert "This file has no seal" in _page(response)


def test_a_damaged_pdf_cannot_be_read(client):
    damaged = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"

    response = _drop(client, damaged)

    assert response.status_code == 200
    assert "This PDF cannot be read" in _page(response)


def test_the_verdicts_of_the_file_check_itself(sealed):
    document, _code = document_issued(pdf=sealed)
    assert file_check(sealed).verdict == GENUINE
    assert file_check(sealed).document == document
    document.revoked_at = timezone.now()
    document.save()
    assert file_check(sealed).verdict == REVOKED
    assert file_check(_flipped(sealed)).verdict == ALTERED


def test_a_purged_document_still_verifies_by_its_file(client, sealed):
    document_issued(pdf=sealed, path="", purged_at=timezone.now())

    page = _page(_drop(client, sealed))

    assert "This document is genuine and unchanged" in page
    assert "no longer keeps the file" in page


def test_a_file_check_runs_one_query(client, sealed, django_assert_num_queries):
    document_issued(pdf=sealed)
    client.get("/verifieren/")  # the layout's municipality is cached from here

    with django_assert_num_queries(1):  # the look-up by hash
        assert _drop(client, sealed).status_code == 200
    with django_assert_num_queries(1):
        assert _drop(client, _flipped(sealed)).status_code == 200


# --- What the page refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"Dit is een tekst, geen PDF.\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b"PK\x03\x04zip"],
    ids=["text", "png", "zip"],
)
def test_what_is_not_a_pdf_is_refused_on_the_field(client, content):
    response = _drop(client, content, name="attest.pdf")

    assert response.status_code == 400
    assert "This file is not a PDF" in _page(response)


def test_an_empty_file_is_refused(client):
    response = _drop(client, b"")

    assert response.status_code == 400
    assert "This file is empty" in _page(response)


def test_no_file_at_all_is_asked_for(client):
    response = client.post(CHECK, {})

    assert response.status_code == 400
    assert "Choose the PDF file of the document" in _page(response)


def test_a_get_of_the_file_address_leads_back_to_the_page(client):
    response = client.get(CHECK)

    assert response.status_code == 302
    assert response["Location"] == "/verifieren/"


def test_a_file_over_the_limit_is_refused_with_a_413_page(client):
    big = b"%PDF-1.7\n" + b"0" * (MAX_FILE_SIZE + 200 * 1024)

    response = _drop(client, big)

    assert response.status_code == 413
    page = _page(response)
    assert "This file is too large" in page
    assert "10 MB" in page


def test_a_file_just_over_the_limit_in_a_small_body_is_refused_on_the_field(client):
    # Under the body's limit (the form's parts take room), over the file's.
    just = b"%PDF-1.7\n" + b"0" * (MAX_FILE_SIZE + 1)

    response = _drop(client, just)

    assert response.status_code == 400
    assert "the page checks files of at most 10" in _page(response)


def test_text_parts_over_djangos_limit_get_the_413_page_even_with_the_csrf_check_on(settings):
    # With a real browser's request (CSRF enforced), Django's middleware would read the
    # body first and answer 400 for RequestDataTooBig; townhall.post_limits refuses it
    # before that check and this page says why.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    browser = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n", content_type="application/pdf")

    response = browser.post(CHECK, {"pdf": upload, "note": "x" * 4096})

    assert response.status_code == 413
    assert "This file is too large" in _page(response)


def test_a_file_sent_from_another_site_is_refused_by_the_csrf_check(page_pdf):
    # A cross-site form cannot use up a visitor's tries: without the page's token, 403.
    browser = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("a.pdf", page_pdf, content_type="application/pdf")

    assert browser.post(CHECK, {"pdf": upload}).status_code == 403


def test_too_many_file_checks_get_a_429(client, page_pdf):
    for _try in range(FILE_CHECKS_PER_CLIENT.limit):
        assert _drop(client, page_pdf).status_code == 200

    response = _drop(client, page_pdf)

    assert response.status_code == 429
    assert "You checked too many documents in a short time" in _page(response)


def test_a_file_check_is_logged_by_its_verdict_without_personal_data(client, sealed, caplog):
    document, code = document_issued(pdf=sealed, holder_name="Jan Peeters")

    with caplog.at_level(logging.INFO):
        _drop(client, sealed)
        _drop(client, b"geen pdf")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Document verification by file: genuine (digest " in logged
    assert "Document verification by file: refused" in logged
    assert "Peeters" not in logged
    assert code not in logged
    assert document.sha256 not in logged  # a prefix only
