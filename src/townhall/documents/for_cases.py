"""The documents of a case, as Mijn zaken and the staff's case page list them.

Reads only; each function's docstring says how many queries it runs. Who may see
the case is decided before (the case's own selectors): a document is found only
through a case already found for that viewer, by its uuid, so another case's
document, or a forged id, is not found.
"""

from townhall.documents.models import IssuedDocument
from townhall.documents.selectors import kind_label


def case_documents(*, case) -> list[IssuedDocument]:
    """The documents issued for ``case``, oldest first, each with its kind's ``label``.
    One query."""
    documents = list(IssuedDocument.objects.filter(case=case).order_by("issued_at", "id"))
    for document in documents:
        document.label = kind_label(document.kind)
    return documents


def case_document(*, case, uuid) -> IssuedDocument | None:
    """The document ``uuid`` of ``case``, not revoked, whose file is still kept, else
    None. One query."""
    return (
        IssuedDocument.objects.filter(
            case=case, uuid=uuid, revoked_at__isnull=True, purged_at__isnull=True
        )
        .exclude(path="")
        .first()
    )


def case_document_for_staff(*, case, uuid) -> IssuedDocument | None:
    """The document ``uuid`` of ``case`` (already scoped to the staff member) whose file
    is still kept, revoked or not, else None. One query."""
    return (
        IssuedDocument.objects.filter(case=case, uuid=uuid, purged_at__isnull=True)
        .exclude(path="")
        .first()
    )
