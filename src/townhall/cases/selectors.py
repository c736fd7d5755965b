"""Reads of case handling: inboxes, the case page, Mijn zaken.

Lists read the plain columns of the case row (status, task, department,
assignee, deadline), never the engine's state. Each selector's docstring says
how many queries it runs.
"""

from townhall.cases.models import Case, CaseEvent, CaseFile
from townhall.municipality.scoping import for_department

# ---------------------------------------------------------------- the case page (staff)


def case_for_staff(*, user, uuid) -> Case | None:
    """The case ``uuid`` if ``user``'s department handles it (a superuser: any), else None.
    One query."""
    return (
        for_department(Case.objects.all(), user=user)
        .select_related(
            "product",
            "department",
            "assignee",
            "workflow_version__workflow",
            "submission__version__form",
            "applicant_person",
            "applicant_organisation",
            "handed_in_by",
        )
        .filter(uuid=uuid)
        .first()
    )


def case_timeline(*, case: Case, public_only: bool = False) -> list[CaseEvent]:
    """The timeline of ``case``, oldest first, with who acted. One query."""
    events = case.events.select_related("actor").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    return list(events)


def case_file_for_staff(*, case: Case, uuid) -> CaseFile | None:
    """The file ``uuid`` of ``case`` (already scoped), or None. One query."""
    return case.files.filter(uuid=uuid).first()


# ---------------------------------------------------------------- inboxes (staff)


# ---------------------------------------------------------------- Mijn zaken (residents)
