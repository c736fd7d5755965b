"""Issuing a document: read what it states, print it, seal it, number it, keep it.

:func:`document_issue` does it in one transaction (the caller's, or its own):

1. The kind (:mod:`townhall.documents.kinds`) reads what the document states
   from the registers through the prefill service, or from the case; it refuses
   (:class:`~townhall.documents.kinds.NotCertifiable`) what it cannot certify.
2. A number from eforms' counter (``ING-D-2026-000001``: the municipality's
   reference prefix, at most four letters of it, and ``-D``, six characters at
   most, the counter's limit) and a new verification code (:mod:`~townhall.documents.codes`).
3. The template of the kind, in the holder's language, with the municipality's
   branding and signatory, the number, the issue date, the verification address
   and its QR code, is rendered to PDF (:mod:`townhall.pdf`) and sealed
   (:func:`townhall.documents.seal.seal_pdf`). A seal that cannot be made
   refuses the whole issue (:class:`DocumentRefused`): no row, no file.
4. The row keeps the SHA-256, size and page count of exactly the sealed bytes,
   the code's digest (never the code), and the retention date of its kind.
5. **The file is written once the transaction commits** (``on_commit``), under
   a random name chosen before: a rollback anywhere, also of a case's
   transaction around a workflow action after the document was made, leaves
   neither a row nor a file, so no orphan PDF with personal data lies in the
   storage. A storage that fails after the commit is logged as an error (the
   row then names a file that is not there, and the download says so); the
   other order would leave files nobody knows of after every rollback.
6. A staff member who issues (a workflow button) reads the holder's register
   data through it: that is written to the holder's access log. The system
   issuing for a resident who asked (straight through) is the resident's own
   request, not a staff read.
7. ``document_issued`` goes out after the commit.
"""

import hashlib
import logging
import uuid
from functools import partial
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from townhall.documents import kinds as kind_registry
from townhall.documents.codes import code_digest, code_new
from townhall.documents.events import document_issued
from townhall.documents.kinds import DocumentKind, NotCertifiable, UnknownKind
from townhall.documents.models import IssuedDocument
from townhall.documents.seal import SealUnavailable, seal_pdf
from townhall.eforms.submissions import reference_next
from townhall.languages import interface_language
from townhall.messaging.letters.layout import Letterhead
from townhall.municipality.branding import logo_data_uri
from townhall.municipality.selectors import municipality_get_active
from townhall.pdf import pdf_layout

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).parent / "templates" / "documents" / "pdf" / "document.css"
# The counter's prefix holds six characters at most: four of the municipality's and "-D".
NUMBER_SUFFIX = "-D"


class DocumentRefused(Exception):
    """Nothing was issued; the message says why, in words for a person."""


def number_prefix(municipality) -> str:
    """The documents' counter prefix: ``ING-D`` for the reference prefix ``ING``."""
    return f"{municipality.reference_prefix[:4]}{NUMBER_SUFFIX}"


def verification_url(code: str) -> str:
    """The public address that checks a document by its code (what the QR code holds)."""
    path = reverse("documents:verify", args=[code])
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}"


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI (the only kind the renderer fetches)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


def kind_get(code: str) -> DocumentKind:
    try:
        return kind_registry.register[code]
    except UnknownKind as error:
        raise DocumentRefused(
            _("Townhall knows no document of the kind %(kind)s.") % {"kind": code}
        ) from error


def document_html(
    *, kind, facts, number, code, issued_at, municipality, language, in_batch=False
) -> str:
    """The document's HTML, as the renderer takes it; ``in_batch`` for one the municipality
    issued of its own accord in a print batch (nobody asked for it)."""
    url = verification_url(code)
    with translation.override(language):
        return render_to_string(
            kind.template,
            {
                "language": language,
                "kind": kind,
                "title": str(kind.label),
                "facts": facts.values,
                "holder_name": facts.holder_name,
                "number": number,
                "issued_at": timezone.localtime(issued_at),
                "letterhead": Letterhead.from_municipality(municipality, language),
                "logo": logo_data_uri(municipality),
                "colour": municipality.primary_colour,
                "accent": municipality.accent_colour,
                "place": municipality.localized_name(language),
                "signatory_name": municipality.signatory_name,
                "signatory_title": municipality.signatory_title_in(language),
                "code": code,
                "verification_url": url,
                "qr": qr_data_uri(url),
                "demo": settings.DEMO_MODE,
                "in_batch": in_batch,
            },
        )


def _render(**what) -> tuple[bytes, int]:
    """The document as PDF bytes (before the seal) and its number of pages."""
    return pdf_of(document_html(**what))


def pdf_of(html: str) -> tuple[bytes, int]:
    """A document's HTML as PDF bytes (before the seal) and its number of pages."""
    layout = pdf_layout(html, stylesheet=STYLESHEET)
    return layout.write_pdf(), len(layout.pages)


def _file_write(path: str, content: bytes, document_pk: int) -> None:
    """After the commit: write the sealed PDF under the name its row names."""
    try:
        saved = default_storage.save(path, ContentFile(content))
    except OSError:
        logger.exception("The file of issued document %s could not be written", document_pk)
        return
    if saved != path:  # the storage chose another name (it had one of that name)
        IssuedDocument.objects.filter(pk=document_pk).update(path=saved)


def _access_logged(*, actor, holder, kind, number) -> None:
    if actor is None or holder is None or not getattr(actor, "is_staff", False):
        return
    from townhall.registry.services import access_log_record

    access_log_record(
        actor=actor,
        person=holder,
        action="view",
        purpose=_("issuing %(kind)s %(number)s") % {"kind": kind.label, "number": number},
    )


@transaction.atomic
def document_issue(
    *, kind: str, holder, case=None, language: str, actor=None, data: dict | None = None
) -> tuple[IssuedDocument, str]:
    """Issue a document of ``kind`` for ``holder`` (a Person, or None for a kind that
    needs none), optionally for ``case``; the row and its one-time verification code.

    Raises :class:`DocumentRefused` (nothing issued) for an unknown kind, what the
    kind needs and was not given, data that cannot be certified
    (:class:`NotCertifiable`, a subclass's message kept) or a seal that cannot be made.
    """
    document_kind = kind_get(kind)
    missing = document_kind.missing(holder=holder, case=case)
    if missing:
        raise DocumentRefused(missing)
    municipality = municipality_get_active()
    if municipality is None:
        raise DocumentRefused(_("Set up the municipality first: it issues the documents."))
    language = interface_language(language)
    try:
        with translation.override(language):
            facts = document_kind.facts(
                holder=holder, case=case, data=data or {}, municipality=municipality
            )
    except NotCertifiable as refused:
        raise DocumentRefused(str(refused)) from refused
    issued_at = timezone.now()
    number = reference_next(prefix=number_prefix(municipality), year=issued_at.year)
    code = code_new()
    pdf, pages = _render(
        kind=document_kind,
        facts=facts,
        number=number,
        code=code,
        issued_at=issued_at,
        municipality=municipality,
        language=language,
    )
    try:
        sealed = seal_pdf(pdf)
    except SealUnavailable as error:
        logger.error("No document issued: the seal is unavailable (%s)", error)
        raise DocumentRefused(
            _("The document cannot be sealed now, so nothing was issued. Try again later.")
        ) from error
    path = f"documents/{issued_at:%Y}/{uuid.uuid4().hex}.pdf"
    document = IssuedDocument(
        number=number,
        kind=document_kind.code,
        language=language,
        holder=holder,
        holder_name=facts.holder_name[:200],
        case=case,
        issued_at=issued_at,
        issued_by=actor,
        issuer=_issuer(municipality, language),
        code_digest=code_digest(code),
        sha256=hashlib.sha256(sealed).hexdigest(),
        size=len(sealed),
        pages=pages,
        path=path,
        retain_until=document_kind.retain_until(timezone.localdate(issued_at)),
    )
    # The fields' own checks; the unique ones are the database's (the number comes from a
    # locked counter, the code is random), not three more queries on every issue.
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    _access_logged(actor=actor, holder=holder, kind=document_kind, number=number)
    transaction.on_commit(partial(_file_write, path, sealed, document.pk), robust=True)
    document_issued.send_on_commit(
        subject_id=document.pk,
        document=document.pk,
        number=number,
        kind=document_kind.code,
        holder=holder.pk if holder is not None else None,
        case=case.pk if case is not None else None,
    )
    return document, code


def _issuer(municipality, language: str) -> str:
    """The issuer as the verification page shows it: the municipality and its signatory."""
    name = municipality.localized_name(language)
    title = municipality.signatory_title_in(language)
    signatory = ", ".join(p for p in (municipality.signatory_name, title) if p)
    return f"{name} ({signatory})"[:200] if signatory else name[:200]
