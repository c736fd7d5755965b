"""Reads of the forms app."""

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from townhall.eforms.models import Draft, FormDefinition, FormVersion, Submission


def form_version_current(*, slug: str) -> FormVersion | None:
    """The latest published version of the form ``slug``, or None."""
    return (
        FormVersion.objects.filter(form__slug=slug, published=True)
        .select_related("form")
        .order_by("-number")
        .first()
    )


def draft_for(
    *, form: FormDefinition, user=None, session_key: str = "", person=None, organisation=None
) -> Draft | None:
    """The newest draft of ``form`` of this user (for this subject) or anonymous session."""
    drafts = Draft.objects.filter(version__form=form).select_related("version", "version__form")
    if user is not None:
        drafts = drafts.filter(user=user, subject_person=person, subject_organisation=organisation)
    elif session_key:
        drafts = drafts.filter(user=None, session_key=session_key)
    else:
        return None
    return drafts.order_by("-created_at").first()


def submission_by_tracking_code(code: str) -> Submission | None:
    """The anonymous submission followed with ``code`` (as typed), or None."""
    from townhall.eforms.submissions import (
        TRACKING_LENGTH,
        tracking_code_hash,
        tracking_code_normalise,
    )

    if len(tracking_code_normalise(code)) != TRACKING_LENGTH:
        return None
    return (
        Submission.objects.filter(tracking_code_hash=tracking_code_hash(code))
        .select_related("version__form")
        .first()
    )


def submissions_of(*, user) -> list[Submission]:
    """The submissions a signed-in user handed in, newest first."""
    return list(
        Submission.objects.filter(user=user)
        .select_related("version__form")
        .order_by("-submitted_at")
    )


def submission_for_viewer(*, uuid, user=None, handed_in=()) -> Submission | None:
    """The submission ``uuid`` if ``user`` handed it in, or this browser did (``handed_in``:
    the uuids its session keeps); None for anyone else."""
    submission = Submission.objects.filter(uuid=uuid).select_related("version__form").first()
    if submission is None:
        return None
    if user is not None and submission.user_id == user.pk:
        return submission
    if submission.user_id is None and str(submission.uuid) in handed_in:
        return submission
    return None


# --- The back office's form editor ------------------------------------------------


def _count_of(model):
    """A subquery counting ``model``'s rows of the outer version (one query in all)."""
    rows = model.objects.filter(version=OuterRef("pk")).order_by().values("version")
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def form_list_for_staff() -> list[FormDefinition]:
    """Every form, by title, with its number of versions, its latest version's number and
    the number of the version new drafts start from (one query)."""
    return list(
        FormDefinition.objects.annotate(
            version_count=Count("versions"),
            latest_number=Max("versions__number"),
            current_number=Max("versions__number", filter=Q(versions__published=True)),
        ).order_by("title", "pk")
    )


def form_versions_for_staff(*, form: FormDefinition) -> list[FormVersion]:
    """The versions of ``form``, newest first, each with who made it and how many drafts
    and submissions use it (one query; the counts are subqueries, not joins)."""
    return list(
        form.versions.select_related("created_by")
        .defer("content")
        .annotate(
            draft_count=Coalesce(_count_of(Draft), 0),
            submission_count=Coalesce(_count_of(Submission), 0),
        )
        .order_by("-number")
    )


def form_version_previous(*, version: FormVersion) -> FormVersion | None:
    """The version of the same form just before ``version`` (one query), or None."""
    return (
        FormVersion.objects.filter(form_id=version.form_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
