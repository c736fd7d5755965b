"""A document issued by the issuing service, checked as a holder's landlord would: by the
link of its QR code, by the code printed on it, by its file; then changed, then revoked."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from townhall.accounts.tests.staff import staff_user
from townhall.documents.revocation import document_revoke
from townhall.documents.services import document_issue, verification_url
from townhall.documents.tests.factories import case_for
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.TOWNHALL_PUBLIC_URL = "https://loket.example.org"
    cache.clear()


def test_an_issued_decision_verifies_by_link_code_and_file_until_changed_or_revoked(
    client, django_capture_on_commit_callbacks
):
    municipality_for_tests()
    holder = PersonFactory(given_names="Lotte", family_name="Van den Broeck")
    case = case_for(holder)
    with django_capture_on_commit_callbacks(execute=True):
        document, code = document_issue(
            kind="decision",
            holder=holder,
            case=case,
            language="nl",
            data={"decision": "granted", "message": "Uw aanvraag is in orde."},
        )
    issued = default_storage.open(document.path).read()

    link = verification_url(code)
    assert link.startswith("https://loket.example.org/verifieren/")
    by_link = client.get(urlsplit(link).path)
    assert by_link.status_code == 200
    page = by_link.content.decode()
    assert "This document is genuine" in page
    assert document.number in page
    assert "L. V*****" in page
    assert "Broeck" not in page

    by_code = client.post("/verifieren/", {"code": code})
    assert document.number in by_code.content.decode()

    upload = {"pdf": _file(issued)}
    assert "This document is genuine and unchanged" in _checked(client, upload)

    changed = bytearray(issued)
    changed[changed.index(b"stream") + 20] ^= 0x01
    assert "This file was changed after it was sealed" in _checked(client, {"pdf": _file(changed)})

    document_revoke(document, actor=staff_user("katrien"), reason="Verkeerde beslissing")
    assert "This document was revoked" in client.get(urlsplit(link).path).content.decode()
    assert "This document was revoked" in _checked(client, {"pdf": _file(issued)})


def _file(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("besluit.pdf", bytes(content), content_type="application/pdf")


def _checked(client, upload) -> str:
    response = client.post("/verifieren/bestand/", upload)
    assert response.status_code == 200
    return response.content.decode()
