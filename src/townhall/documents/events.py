"""The documents app's domain events (see :mod:`townhall.events`).

Sent after the commit of the change; data are ids and codes, never texts (a
revocation's reason stays on the document's row).
"""

from townhall.events import DomainEvent

# A document was issued: sealed, numbered, its file written once the issue commits.
# ``holder`` (a person) and ``case`` are register ids, or null.
document_issued = DomainEvent(
    "be.townhall.documents.document.issued",
    subject="document",
    data=["document", "number", "kind", "holder", "case"],
)

# Staff revoked an issued document (townhall.documents.revocation): the verification
# page says so from now on. The reason stays on the document's row.
document_revoked = DomainEvent(
    "be.townhall.documents.document.revoked",
    subject="document",
    data=["document", "number", "kind", "holder", "case"],
)
