"""Reads of the forms app."""

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from townhall.eforms.models import Draft, FormDefinition, FormVersion, ResumeLink, Submission
from townhall.keyset import KeysetPage, keyset_page


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


def submissions_visible(*, user, person=None, organisation=None, handed_in=()) -> QuerySet:
    """The submissions of this viewer (see :mod:`townhall.eforms.viewer`; Mijn zaken lists
    their cases by the same rule, ``cases.selectors.cases_visible``):
    those of the ``organisation`` or the ``person`` acted for, or else those ``user``
    handed in for themselves. Every one of them :func:`submission_for_viewer` shows.
    ``handed_in`` is accepted and left aside: an anonymous submission is followed
    with its tracking code, not listed."""
    if organisation is not None:
        subject = Q(subject_organisation=organisation)
    elif person is not None:
        subject = Q(subject_person=person, subject_organisation=None)
        if user is not None and person.pk == user.person_id:
            # Handed in before the account had a person in the register.
            subject |= Q(user=user, subject_person=None, subject_organisation=None)
    elif user is not None:
        subject = Q(user=user, subject_organisation=None)
    else:
        return Submission.objects.none()
    return Submission.objects.filter(subject).select_related("version__form")


def submission_page(*, viewer: dict, params, size: int) -> KeysetPage[Submission]:
    """A page of :func:`submissions_visible`, newest first (``params``: the request's GET)."""
    return keyset_page(
        submissions_visible(**viewer), params=params, size=size, field="submitted_at"
    )


def submission_for_viewer(
    *, uuid, user=None, handed_in=(), person=None, organisation=None
) -> Submission | None:
    """The submission ``uuid`` if this viewer may see it, else None: ``user`` handed it
    in, this browser did (``handed_in``: the uuids its session keeps), or it was made
    for the ``person`` or ``organisation`` acted for (see :mod:`townhall.eforms.viewer`)."""
    submission = Submission.objects.filter(uuid=uuid).select_related("version__form").first()
    if submission is None:
        return None
    if user is not None and submission.user_id == user.pk:
        return submission
    if submission.user_id is None and str(submission.uuid) in handed_in:
        return submission
    if organisation is not None and submission.subject_organisation_id == organisation.pk:
        return submission
    if (
        person is not None
        and submission.subject_organisation_id is None
        and submission.subject_person_id == person.pk
    ):
        return submission
    return None


def submission_latest(*, form: FormDefinition, user=None, handed_in=()) -> Submission | None:
    """The newest submission of ``form`` by ``user``, or else among this browser's ``handed_in``."""
    submissions = Submission.objects.filter(version__form=form)
    if user is not None:
        submissions = submissions.filter(user=user)
    else:
        submissions = submissions.filter(user=None, uuid__in=list(handed_in))
    return submissions.order_by("-submitted_at").first()


def drafts_of(*, user) -> list[Draft]:
    """The unfinished requests of a signed-in user (for any subject), last saved first."""
    return list(
        Draft.objects.filter(user=user)
        .select_related("version__form", "subject_person", "subject_organisation")
        .order_by("-updated_at")
    )


def draft_of_owner(*, uuid, user) -> Draft | None:
    """The draft ``uuid`` if ``user`` owns it, else None (also for anyone else's)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Draft.objects.filter(uuid=uuid, user=user)
        .select_related("version__form", "subject_person", "subject_organisation")
        .first()
    )


class ResumeRefused(Exception):
    """A resume link that leads nowhere for this person; ``gone`` when it expired."""

    def __init__(self, *, gone: bool = False):
        super().__init__("expired" if gone else "unknown")
        self.gone = gone


def resume_link_find(*, token: str, user) -> Draft:
    """The draft the resume link ``token`` leads to, for its own signed-in ``user``.

    Raises :class:`ResumeRefused` for an unknown or ended link and for someone
    else's (alike, so the answer says nothing about the draft), ``gone`` set for
    the owner's expired link."""
    from townhall.eforms.drafts import TOKEN_LENGTH, resume_token_hash

    if len(token) != TOKEN_LENGTH:
        raise ResumeRefused
    link = (
        ResumeLink.objects.filter(token_hash=resume_token_hash(token))
        .select_related("draft__version__form")
        .first()
    )
    if link is None or link.draft.user_id != user.pk:
        raise ResumeRefused
    if link.expires_at <= timezone.now():
        raise ResumeRefused(gone=True)
    return link.draft


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
