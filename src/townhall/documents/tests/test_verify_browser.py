"""The verification page in a real browser at phone and desktop width, with axe-core: by
code (typed and by the QR code's link), by the file chosen, and by the file dropped on
the page."""

import base64
import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from townhall.documents.seal import seal_pdf
from townhall.documents.tests.factories import document_issued
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP = """([content, name]) => {
  const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
  const dropped = new DataTransfer();
  dropped.items.add(new File([bytes], name, { type: "application/pdf" }));
  return dropped;
}"""


def _sealed(pdf: bytes) -> bytes:
    """Seal outside the test's thread, where Playwright's event loop runs (pyHanko's
    signing starts one of its own)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(seal_pdf, pdf).result()


def _drop(page, content: bytes, name: str = "attest.pdf") -> None:
    """Drop a file on the file's section, as a visitor drags it from their folder."""
    dropped = page.evaluate_handle(DROP, [base64.b64encode(content).decode(), name])
    page.dispatch_event("#by-file", "dragenter", {"dataTransfer": dropped})
    page.dispatch_event("#by-file", "drop", {"dataTransfer": dropped})


def test_the_verification_page_by_code_and_by_file_is_accessible(
    page, live_server, page_pdf, tmp_path
):
    cache.clear()
    municipality_for_tests()
    sealed = _sealed(page_pdf)
    document, code = document_issued(pdf=sealed, holder_name="Jan Peeters")
    start = live_server.url + "/verifieren/"

    assert page.goto(start).status == 200
    assert_no_axe_violations_at_every_width(page, "the verification page")

    page.get_by_label("Verification code").fill("1234-5678")
    page.get_by_role("button", name="Check the code").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "a malformed code")

    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check the code").click()
    main = page.locator("main").inner_text()
    assert "This document is genuine" in main
    assert document.number in main
    assert "J. P*****" in main
    assert code not in page.url  # a typed code stays out of the address
    assert_no_axe_violations_at_every_width(page, "a genuine document by code")

    assert page.goto(f"{live_server.url}/verifieren/{code}/").status == 200  # the QR link
    assert "This document is genuine" in page.locator("main").inner_text()

    chosen = tmp_path / "attest.pdf"
    chosen.write_bytes(sealed)
    page.goto(start)
    page.get_by_label("The PDF file of the document").set_input_files(str(chosen))
    page.get_by_role("button", name="Check the file").click()
    assert "This document is genuine and unchanged" in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "a genuine file")

    page.goto(start)
    expect(page.locator("[data-drop-hint]")).to_be_visible()  # said only where dropping works
    changed = bytearray(sealed)
    changed[changed.index(b"stream") + 20] ^= 0x01
    with page.expect_navigation():
        _drop(page, bytes(changed))
    assert "This file was changed after it was sealed" in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "an altered file, dropped")

    page.goto(start)
    with page.expect_navigation():
        _drop(page, b"Geen PDF, maar tekst.\n", name="brief.txt")
    assert "This file is not a PDF" in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "a file that is not a PDF")


def test_an_unknown_code_and_a_revoked_document_are_accessible(page, live_server):
    cache.clear()
    municipality_for_tests()
    revoked_at = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 0))
    _document, code = document_issued(revoked_at=revoked_at, revocation_reason="x")

    assert page.goto(f"{live_server.url}/verifieren/{code}/").status == 200
    assert "This document was revoked" in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "a revoked document")

    unknown = "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    assert page.goto(f"{live_server.url}/verifieren/{unknown}/").status == 404
    assert "We found no document with this code" in page.locator("main").inner_text()
    assert_no_axe_violations_at_every_width(page, "an unknown code")
