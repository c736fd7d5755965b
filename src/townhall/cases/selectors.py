"""Reads of case handling: inboxes, the case page, Mijn zaken.

Lists read the plain columns of the case row (status, task, department,
assignee, deadline), never the engine's state. Each selector's docstring says
how many queries it runs.
"""

from django.db.models import Q, QuerySet

from townhall.cases.models import Case, CaseEvent, CaseFile, InformationRequest
from townhall.keyset import KeysetPage, keyset_page
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
#
# The rule is "My requests"'s (townhall.eforms.viewer, eforms.selectors.submissions_visible),
# told in cases' columns: ``viewer`` is what :func:`~townhall.eforms.viewer.submission_viewer`
# gives for the request (``user``, and ``person`` or ``organisation`` with eID or itsme).


def cases_visible(*, user=None, person=None, organisation=None, handed_in=()) -> QuerySet[Case]:
    """The cases a resident sees on Mijn zaken: those of the ``organisation`` or the
    ``person`` acted for, or else (an e-mail account) those ``user`` handed in for
    themselves. ``handed_in`` (anonymous submissions of this browser) is left aside:
    those are followed with their tracking code. Builds a queryset, runs nothing."""
    if organisation is not None:
        subject = Q(applicant_organisation=organisation)
    elif person is not None:
        subject = Q(applicant_person=person, applicant_organisation=None)
        if user is not None and person.pk == user.person_id:
            # Handed in before the account had a person in the register.
            subject |= Q(handed_in_by=user, applicant_person=None, applicant_organisation=None)
    elif user is not None:
        subject = Q(handed_in_by=user, applicant_organisation=None)
    else:
        return Case.objects.none()
    return Case.objects.filter(subject)


def case_page_for_resident(*, viewer: dict, params, size: int) -> KeysetPage[Case]:
    """A page of :func:`cases_visible`, newest first (``params``: the request's GET), with
    each case's product. One query."""
    return keyset_page(
        cases_visible(**viewer).select_related("product"),
        params=params,
        size=size,
        field="opened_at",
    )


def case_for_resident(*, viewer: dict, uuid) -> Case | None:
    """The case ``uuid`` if this viewer sees it on Mijn zaken (the list's rule), else
    None; with its product and submission. One query."""
    return cases_visible(**viewer).select_related("product", "submission").filter(uuid=uuid).first()


def case_open_question(*, case: Case) -> InformationRequest | None:
    """The question to the applicant still waiting for an answer, the newest. One query."""
    return case.information_requests.filter(answered_at=None).order_by("-asked_at", "-id").first()


def case_files_of_applicant(*, case: Case) -> list[CaseFile]:
    """The files the applicant sent for ``case``, oldest first. One query."""
    return list(case.files.filter(from_applicant=True).order_by("uploaded_at", "id"))


def case_file_for_resident(*, case: Case, uuid) -> CaseFile | None:
    """The file ``uuid`` the applicant sent for ``case``, else None. One query."""
    return case.files.filter(from_applicant=True, uuid=uuid).first()
