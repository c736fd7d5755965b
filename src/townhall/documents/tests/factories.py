"""Issued documents for tests: rows as the issuing service writes them.

:func:`document_issued` (verification, revocation, retention) writes the code's
digest, the PDF's hash and size, a file in the storage when given one, and returns
the code beside it, since only its digest is stored. :func:`issued_document_row`
(lists of a case's documents) needs no file and no code.
"""

import datetime
import hashlib
import itertools
import secrets
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from townhall.accounts.tests.staff import department
from townhall.cases.services import case_open_for_correction
from townhall.documents.codes import code_digest, code_new
from townhall.documents.models import IssuedDocument
from townhall.registry.corrections import CorrectionRequest

_numbers = itertools.count(1)


def document_issued(*, pdf: bytes | None = None, store: bool = False, **fields):
    """An issued document and its verification code: ``(document, code)``.

    ``pdf`` is the file's content (random bytes stand in when the test needs only its
    hash); ``store`` saves it in the default storage under the document's ``path``.
    Any field of :class:`IssuedDocument` can be given.
    """
    content = pdf if pdf is not None else secrets.token_bytes(64)
    code = fields.pop("code", None) or code_new()
    issued_at = fields.pop("issued_at", None) or timezone.now()
    values = {
        "number": f"DOC-{issued_at:%Y}-{next(_numbers):06d}-{secrets.token_hex(2).upper()}",
        "kind": "certificate_of_residence",
        "language": "nl",
        "holder_name": "Jan Peeters",
        "issuer": "Gemeente Testgem",
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "retain_until": timezone.localdate(issued_at) + datetime.timedelta(days=730),
        **fields,
    }
    path = values.pop("path", "")
    if store:
        name = f"documents/tests/{secrets.token_hex(8)}.pdf"
        path = default_storage.save(name, ContentFile(content))
    document = IssuedDocument.objects.create(
        code_digest=code_digest(code), issued_at=issued_at, path=path, **values
    )
    return document, code


def case_for(person, department_code: str = "citizens_affairs"):
    """A case of ``person`` (a correction's, the simplest to open) that ``department_code``
    handles."""
    handler = department(department_code)
    correction = CorrectionRequest.objects.create(
        person=person, item_key="family_name", item_label="Family name", remark="Typo"
    )
    case = case_open_for_correction(correction_request_id=correction.pk)
    case.department = handler
    case.save(update_fields=["department"])
    return case


def issued_document_row(*, case=None, holder=None, kind="parking_permit", **fields):
    """A row as document_issue writes it, with a unique number and no file behind it."""
    number = f"TEST-D-{uuid.uuid4().hex[:12].upper()}"
    return IssuedDocument.objects.create(
        number=number,
        kind=kind,
        language="nl",
        holder=holder,
        holder_name=holder.full_name if holder else "",
        case=case,
        issuer="Testdorp",
        code_digest=code_digest(code_new()),
        sha256=hashlib.sha256(number.encode()).hexdigest(),
        size=1000,
        path=f"documents/test/{uuid.uuid4().hex}.pdf",
        retain_until=timezone.localdate() + datetime.timedelta(days=365),
        **fields,
    )
