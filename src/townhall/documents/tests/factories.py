"""Issued-document rows for tests that list documents (their files are not needed)."""

import datetime
import hashlib
import uuid

from django.utils import timezone

from townhall.documents.codes import code_digest, code_new
from townhall.documents.models import IssuedDocument


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
