"""Writes of the forms app: definitions, versions, drafts and their steps."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from townhall.eforms.definition import DefinitionError, definition_problems
from townhall.eforms.models import Draft, FormDefinition, FormVersion
from townhall.eforms.rules import evaluate
from townhall.eforms.uploads import upload_store

__all__ = ["DefinitionError"]


@transaction.atomic
def form_definition_create(*, slug: str, title: str, product_slug: str = "") -> FormDefinition:
    """A new form, without versions yet."""
    form = FormDefinition(slug=slug, title=title, product_slug=product_slug)
    form.full_clean()
    form.save()
    return form


@transaction.atomic
def form_version_create(*, form: FormDefinition, content: dict, created_by=None) -> FormVersion:
    """A new version of ``form`` with ``content``; raises :class:`DefinitionError`
    listing each problem with its path. Versions in use are never touched."""
    problems = definition_problems(content)
    if problems:
        raise DefinitionError(problems)
    FormDefinition.objects.select_for_update().filter(pk=form.pk).first()
    last = form.versions.aggregate(last=Max("number"))["last"] or 0
    return FormVersion.objects.create(
        form=form, number=last + 1, content=content, created_by=created_by
    )


@transaction.atomic
def form_version_publish(*, version: FormVersion) -> FormVersion:
    """New drafts start from the latest published version; drafts begun keep theirs."""
    version.published = True
    version.published_at = timezone.now()
    version.save(update_fields=["published", "published_at"])
    return version


@transaction.atomic
def draft_start(
    *,
    version: FormVersion,
    user=None,
    session_key: str = "",
    person=None,
    organisation=None,
    assisted_by=None,
) -> Draft:
    """A new draft of ``version`` for a signed-in user, or for an anonymous session;
    ``assisted_by`` the staff member filling it in with the resident at the counter."""
    return Draft.objects.create(
        version=version,
        user=user,
        session_key="" if user else session_key,
        subject_person=person,
        subject_organisation=organisation,
        assisted_by=assisted_by,
    )


@transaction.atomic
def draft_step_save(
    *,
    draft: Draft,
    step: dict,
    values: dict,
    uploads: dict,
    finished: bool = True,
    assisted_by=None,
) -> Draft:
    """Keep the answers of one step (hidden fields dropped, uploads stored), and
    mark it done unless the rules now block it or it still lacks a required answer.

    ``finished=False`` is "save and continue later": ``values`` holds only what was
    valid, answers of the step not in it stay as they were, and the step is not
    marked done (it is opened again on resuming). ``assisted_by`` records the
    staff member of an assisted session on the draft."""
    data = dict(draft.data)
    replaced = [spec["key"] for spec in step["fields"]] if finished else [*values, *uploads]
    for key in replaced:
        data.pop(key, None)
    for key, upload in uploads.items():
        values[key] = upload_store(upload, folder=str(draft.uuid))
    data.update({k: v for k, v in values.items() if v is not None})
    state = evaluate(draft.version, data)
    draft.data = {k: v for k, v in data.items() if k not in state.fields or state.fields[k].visible}
    done = [key for key in draft.steps_done if key != step["key"]]
    if finished and step_complete(step, state, draft.data):
        done.append(step["key"])
    draft.steps_done = done
    fields = ["data_encrypted", "steps_done", "updated_at"]
    if assisted_by is not None:
        draft.assisted_by = assisted_by
        fields.append("assisted_by")
    draft.save(update_fields=fields)
    return draft


def step_complete(step: dict, state, data: dict) -> bool:
    """A step may be left: not blocked, and every required visible field answered."""
    if state.steps[step["key"]].blocked:
        return False
    return all(
        _answered(spec, data.get(spec["key"]))
        for spec in step["fields"]
        if state.fields[spec["key"]].required
    )


def _answered(spec: dict, value) -> bool:
    # "No" answers a yes/no question; only a consent needs its box ticked.
    if spec["type"] == "consent":
        return value is True
    return value not in (None, "", [])


@transaction.atomic
def form_examples_load(*, created_by=None) -> list[FormVersion]:
    """Create and publish the shipped example forms (the demo's), each once; the
    latest version of every example, made now or before, in the order of EXAMPLES."""
    from townhall.eforms.examples import EXAMPLES, example

    versions = []
    for slug, (_file, title, product_slug) in EXAMPLES.items():
        form = FormDefinition.objects.filter(slug=slug).first() or form_definition_create(
            slug=slug, title=title, product_slug=product_slug
        )
        version = form.versions.order_by("-number").first()
        if version is None:
            version = form_version_create(form=form, content=example(slug), created_by=created_by)
            version = form_version_publish(version=version)
        versions.append(version)
    return versions
