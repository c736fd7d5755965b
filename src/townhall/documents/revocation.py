"""Revoking an issued document: staff say it no longer holds, and why.

1. :func:`document_revoke` locks the document's row, refuses a revocation without a
   reason and a second revocation (:class:`AlreadyRevoked`, with the date of the
   first), and records when, by whom and why on the row.
2. The document's case, when it has one, gets a public line in its timeline, in the
   case's language: the applicant reads on Mijn zaken that the document was revoked
   (the reason is not in that line: staff wrote it for the register).
3. ``document_revoked`` goes out after the commit, with ids and codes only.

From then on the verification page says "revoked" with the date, by code and by
file. The reason is never shown there: it may say something about the holder
("moved away", "deceased"). The file stays until the document's retention ends.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from townhall.cases.models import CaseEvent
from townhall.cases.timeline import event_add
from townhall.documents.events import document_revoked
from townhall.documents.models import IssuedDocument

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 2000


class AlreadyRevoked(ValidationError):
    """The document was revoked before: a revocation is not done twice."""


def revoked_already_text(document: IssuedDocument) -> str:
    """What staff read when they revoke a document revoked before."""
    when = formats.date_format(timezone.localtime(document.revoked_at), "j F Y")
    return _("Document %(number)s was revoked already, on %(date)s. Nothing was changed.") % {
        "number": document.number,
        "date": when,
    }


def _reason_checked(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the document is revoked: the register keeps the reason.")},
            code="required",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}},
            code="max_length",
        )
    return reason


@transaction.atomic
def document_revoke(document: IssuedDocument, *, actor, reason: str) -> IssuedDocument:
    """Revoke ``document`` for ``reason`` (required); the revoked row.

    Raises :class:`ValidationError` naming ``reason`` when it is empty or too long,
    and :class:`AlreadyRevoked` when the document was revoked before (by anyone,
    also between the staff member's reading of the page and this call).
    """
    reason = _reason_checked(reason)
    locked = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=document.pk)
    )
    if locked.revoked_at is not None:
        raise AlreadyRevoked(revoked_already_text(locked), code="already_revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revocation_reason = reason
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    if locked.case is not None:
        # The applicant reads this line on Mijn zaken, so in the case's language.
        with translation.override(locked.case.language or None):
            text = _("Document %(number)s was revoked: it is no longer valid.") % {
                "number": locked.number
            }
        event_add(
            locked.case,
            kind=CaseEvent.Kind.DOCUMENT,
            actor=actor,
            text=text,
            public=True,
            data={"document": locked.pk, "revoked": True},
        )
    document_revoked.send_on_commit(
        subject_id=locked.pk,
        document=locked.pk,
        number=locked.number,
        kind=locked.kind,
        case=locked.case_id,
        holder=locked.holder_id,
    )
    logger.info("Document %s (%s) revoked by staff member %s", locked.number, locked.kind, actor.pk)
    document.revoked_at = locked.revoked_at
    document.revoked_by = actor
    document.revocation_reason = reason
    return locked
