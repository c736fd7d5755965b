"""Fixtures of the documents tests: a small real PDF, and certificate chains."""

from pathlib import Path

import pytest

from townhall.documents.tests.pki import chain_make
from townhall.pdf import pdf_render

PAGE = """<html lang="nl"><body><h1>Attest van woonst</h1>
<p>Jan Peeters woont in de Kerkstraat 1, 8770 Ingelmunster.</p></body></html>"""


@pytest.fixture(scope="session")
def page_pdf(tmp_path_factory) -> bytes:
    """A one-page PDF from the project's renderer."""
    stylesheet = tmp_path_factory.mktemp("css") / "page.css"
    stylesheet.write_text("@page { size: A4; margin: 2cm } body { font-family: sans-serif }")
    return pdf_render(PAGE, stylesheet=stylesheet)


@pytest.fixture(scope="session")
def chain(tmp_path_factory):
    """A root and a seal certificate by file (not the demo's)."""
    return chain_make(Path(tmp_path_factory.mktemp("chain")))


@pytest.fixture
def sealed_by(settings):
    """Seal with ``chain``'s settings: ``sealed_by(chain, pdf)``."""
    from townhall.documents.seal import seal_pdf

    def seal(chain, pdf: bytes, **more) -> bytes:
        kept = settings.TOWNHALL_SEAL
        settings.TOWNHALL_SEAL = chain.settings(**more)
        try:
            return seal_pdf(pdf)
        finally:
            settings.TOWNHALL_SEAL = kept

    return seal
