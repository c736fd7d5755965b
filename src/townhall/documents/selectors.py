"""Reads of issued documents: the public verification's look-ups and the back office's
list and page. Each selector's docstring says how many queries it runs.
"""

import re

from django.db.models import Q, QuerySet

from townhall.documents.codes import code_digest
from townhall.documents.kinds import UnknownKind
from townhall.documents.kinds import register as kinds
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.keyset import KeysetPage, keyset_page

# ---------------------------------------------------------------- the public verification


def kind_label(code: str) -> str:
    """The label of the kind of document ``code``, in the current language; the code
    itself for a kind no longer shipped (its documents still verify). No query."""
    try:
        return str(kinds[code].label)
    except UnknownKind:
        return code


def document_by_code(code: str) -> IssuedDocument | None:
    """The document whose verification code is ``code`` (a well-formed one), or None.

    One query, by the code's digest on its unique index: the same query, and the
    same work, for an unknown code as for a valid or a revoked one.
    """
    return next(iter(IssuedDocument.objects.filter(code_digest=code_digest(code))[:1]), None)


def document_by_sha256(sha256: str) -> IssuedDocument | None:
    """The document issued as exactly the file whose SHA-256 (hex) is ``sha256``, or None.
    One query, on the hash's index."""
    return next(iter(IssuedDocument.objects.filter(sha256=sha256).order_by("pk")[:1]), None)


# ---------------------------------------------------------------- the back office

PAGE_SIZE = 50
NUMBER_MAX_LENGTH = 40  # IssuedDocument.number


def _visible_to(queryset: QuerySet, *, user) -> QuerySet:
    """The department scoping rule of :func:`townhall.municipality.scoping.for_department`,
    through the document's case: a superuser sees every document, a staff member those
    of their department's cases and those issued without a case (the issuing desk's),
    an account without a department none."""
    if getattr(user, "is_superuser", False):
        return queryset
    if not getattr(user, "is_authenticated", False) or user.department_id is None:
        return queryset.none()
    return queryset.filter(Q(case__department_id=user.department_id) | Q(case__isnull=True))


def number_searched(term: str) -> str:
    """The document number a search term asks for: in capitals, only its letters, digits
    and dashes (a number holds nothing else; PostgreSQL refuses a NUL in a query)."""
    return re.sub(r"[^A-Z0-9-]", "", (term or "").upper())[:NUMBER_MAX_LENGTH]


def document_page_for_staff(
    *, user, number: str = "", params, size: int = PAGE_SIZE
) -> KeysetPage[IssuedDocument]:
    """A keyset page of the documents ``user`` may see, newest first, with their case;
    ``number`` (from :func:`number_searched`) keeps the one with that number. One query.

    The list names no holder, so it needs no access log: the document's page does.
    """
    documents = _visible_to(IssuedDocument.objects.all(), user=user).select_related("case")
    if number:
        documents = documents.filter(number=number)
    return keyset_page(documents, params=params, size=size, field="issued_at")


def document_for_staff(*, user, uuid) -> IssuedDocument | None:
    """The document ``uuid`` if ``user`` may see it, with its holder, case (and the
    case's department), who issued and who revoked it; else None. One query."""
    return (
        _visible_to(IssuedDocument.objects.all(), user=user)
        .select_related("holder", "case__department", "issued_by", "revoked_by")
        .filter(uuid=uuid)
        .first()
    )


def batch_page_for_staff(*, user, params, size: int = PAGE_SIZE) -> KeysetPage[DocumentBatch]:
    """A keyset page of the print batches ``user`` may follow, newest first. One query.
    A batch names no holder (its count only), so the list is no look at a person."""
    batches = _batches_visible_to(DocumentBatch.objects.defer("holders"), user=user)
    return keyset_page(batches, params=params, size=size, field="created_at")


def batch_for_staff(*, user, uuid) -> DocumentBatch | None:
    """The print batch ``uuid`` if ``user`` may follow it, with who asked; else None."""
    return (
        _batches_visible_to(DocumentBatch.objects.defer("holders"), user=user)
        .select_related("requested_by")
        .filter(uuid=uuid)
        .first()
    )


def batch_holders(batch: DocumentBatch) -> list:
    """The persons a batch's documents were issued to (whom its print file shows)."""
    from townhall.registry.models import Person

    return list(Person.objects.filter(pk__in=batch.documents.values("holder_id")))


def _batches_visible_to(queryset: QuerySet, *, user) -> QuerySet:
    """The requester's department's batches and the campaigns' (made by the system)."""
    if getattr(user, "is_superuser", False):
        return queryset
    if not getattr(user, "is_authenticated", False) or user.department_id is None:
        return queryset.none()
    return queryset.filter(Q(department_id=user.department_id) | Q(department__isnull=True))
