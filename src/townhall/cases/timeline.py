"""Writing a case's timeline and status: the steps services and actions share.

They change the case in memory and append to its timeline; the caller (a
service of :mod:`townhall.cases.services`) saves the case once, with its new
``version``, in the same transaction.
"""

from townhall.cases.events import case_status_changed
from townhall.cases.models import Case, CaseEvent


def event_add(
    case: Case,
    *,
    kind: str,
    actor=None,
    text: str = "",
    public: bool = False,
    status: str = "",
    data: dict | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, text=text, public=public, status=status, data=data or {}
    )


def status_set(
    case: Case, status: str, *, actor=None, correction: bool = False, text: str = ""
) -> None:
    """Give ``case`` a new status: a public timeline line, and ``case_status_changed``
    after the commit. Setting the status it has changes nothing."""
    previous = case.status
    if status == previous:
        return
    case.status = status
    event_add(
        case,
        kind=CaseEvent.Kind.STATUS,
        actor=actor,
        status=status,
        text=text,
        public=True,
        data={"previous": previous, "correction": correction},
    )
    case_status_changed.send_on_commit(
        subject_id=case.pk,
        case=case.pk,
        status=status,
        previous=previous,
        department=case.department.code,
        product=case.product.slug if case.product_id else "",
        correction=correction,
    )
