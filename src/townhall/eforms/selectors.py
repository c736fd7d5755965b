"""Reads of the forms app."""

from townhall.eforms.models import Draft, FormDefinition, FormVersion


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
