"""The online counter's form steps (/loket/formulier/<slug>/stap/<n>/), server-rendered.

1. The form's latest published version is used, or the version the visitor's
   draft started with; a form that does not allow anonymous requests sends an
   anonymous visitor to sign in first.
2. The rules are evaluated on the server for the answers kept so far and the
   known data (:mod:`townhall.eforms.known_data`).
3. The visitor can only be on the first step not done yet or one before it:
   a later step in the URL, or a step whose rules block it, sends them back.
4. A POST is validated with the rule state; when the answer changes which
   fields the step asks (yes/no that shows an upload), the form is built again
   for the new state, so no JavaScript is needed.
5. Done: the answers are kept in the draft, and the next applicable step follows.
6. The check step lists every answer; its POST hands the draft in
   (:mod:`townhall.eforms.submissions`) and leads to the confirmation page.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from townhall.eforms import selectors, services
from townhall.eforms.known_data import known_values
from townhall.eforms.rules import evaluate
from townhall.eforms.step_forms import StepForm
from townhall.eforms.submissions import SubmissionIncomplete, submission_create, tracking_code_shown
from townhall.eforms.summary import answers_summary
from townhall.eforms.text import text_in
from townhall.eforms.viewer import (
    HANDED_IN_SESSION_KEY,
    TRACKING_SESSION_KEY,
    submission_viewer,
    tracking_code_kept,
)

# A request body larger than this is refused before it is read (the largest upload
# a definition may allow is 20 MB; the schema says so).
MAX_BODY = 21 * 1024 * 1024
REBUILDS = 3


def _step_url(slug: str, index: int) -> str:
    return reverse("eforms:step", args=[slug, index + 1])


def _subject(request):
    acting = getattr(request, "acting", None)
    if acting is None or not request.user.is_authenticated:
        return None, None
    return acting.subject_person, acting.for_organisation


def _first_open(definition, state, data, steps_done) -> int:
    """The index of the first applicable step not done (or done but now blocked)."""
    last = 0
    for index, step in enumerate(definition.steps):
        if not state.steps[step["key"]].applicable:
            continue
        last = index
        if step.get("check"):
            return index
        if step["key"] not in steps_done or not services.step_complete(step, state, data):
            return index
    return last


def _next_applicable(definition, state, index: int) -> int | None:
    for later in range(index + 1, len(definition.steps)):
        if state.steps[definition.steps[later]["key"]].applicable:
            return later
    return None


def form_step(request, slug: str, number: int):
    current = selectors.form_version_current(slug=slug)
    if current is None:
        raise Http404(_("There is no such form."))
    if not current.content.get("anonymous_allowed") and not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:sign_in')}?{query}")
    person, organisation = _subject(request)
    user = request.user if request.user.is_authenticated else None
    draft = selectors.draft_for(
        form=current.form,
        user=user,
        session_key=request.session.session_key or "",
        person=person,
        organisation=organisation,
    )
    version = draft.version if draft else current
    definition = version.parsed
    if not 1 <= number <= len(definition.steps):
        raise Http404(_("This form has no such step."))
    known = known_values(definition, person=person, organisation=organisation)
    kept = {**(draft.data if draft else {}), **{k: v.value for k, v in known.items()}}
    state = evaluate(definition, kept)
    steps_done = draft.steps_done if draft else []
    index = number - 1
    open_index = _first_open(definition, state, kept, steps_done)
    if index > open_index:
        messages.info(request, _("Please complete this step first."))
        return redirect(_step_url(slug, open_index))
    step = definition.steps[index]
    if not state.steps[step["key"]].applicable:
        later = _next_applicable(definition, state, index)
        return redirect(_step_url(slug, open_index if later is None else later))
    context = {
        "form_title": text_in(definition.raw["title"]),
        "slug": slug,
        "step": step,
        "step_title": text_in(step["title"]),
        "step_intro": text_in(step.get("intro")),
        "number": number,
        "count": len(definition.steps),
        "previous_url": _step_url(slug, index - 1) if index else "",
        "blocked": state.steps[step["key"]].blocked,
    }
    if step.get("check"):
        if request.method == "POST" and draft is not None:
            return _submit(request, draft, known, slug)
        return _check_step(request, definition, state, kept, steps_done, context, open_index)

    too_large = request.method == "POST" and _body_size(request) > MAX_BODY
    form = StepForm(step=step, state=state, kept=kept, known=known)
    if request.method == "POST" and not too_large:
        form, state = _validated(request, definition, step, kept, known, state)
        if form.is_valid():
            if draft is None:
                draft = _draft_start(request, current, user, person, organisation)
            uploads = {
                entry.spec["key"]: form.cleaned_data[entry.names[0]]
                for entry in form.entries
                if entry.spec["type"] == "file" and entry.names
                if hasattr(form.cleaned_data.get(entry.names[0]), "read")
            }
            draft = services.draft_step_save(
                draft=draft, step=step, values=dict(form.values), uploads=uploads
            )
            if step["key"] in draft.steps_done:
                after = evaluate(
                    definition, {**draft.data, **{k: v.value for k, v in known.items()}}
                )
                later = _next_applicable(definition, after, index)
                return redirect(_step_url(slug, index if later is None else later))
            blocked = evaluate(definition, draft.data).steps[step["key"]].blocked
            form.add_error(None, blocked or _("Please answer every required question."))
            context["blocked"] = ""
    elif too_large:
        form.cleaned_data = {}
        form.add_error(None, _("What you sent is too large. A file may be at most 20 MB."))
    form.describe_errors()
    context["form"] = form
    return render(request, "eforms/step.html", context, status=413 if too_large else 200)


def _body_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _validated(request, definition, step, kept, known, state):
    """The step's form for the POST, built again while the answers change what it asks."""
    form = StepForm(request.POST, request.FILES, step=step, state=state, kept=kept, known=known)
    for _round in range(REBUILDS):
        form.is_valid()
        values = getattr(form, "values", {})
        new_state = evaluate(definition, {**kept, **values})
        asked = [(k, s.visible, s.required) for k, s in state.fields.items()]
        if asked == [(k, s.visible, s.required) for k, s in new_state.fields.items()]:
            break
        state = new_state
        form = StepForm(request.POST, request.FILES, step=step, state=state, kept=kept, known=known)
    return form, state


def _draft_start(request, version, user, person, organisation):
    if user is None and not request.session.session_key:
        request.session.save()
    return services.draft_start(
        version=version,
        user=user,
        session_key=request.session.session_key or "",
        person=person,
        organisation=organisation,
    )


def _check_step(request, definition, state, kept, steps_done, context, open_index):
    """The answers of every applicable step, each with a link to change it."""
    context["summary"] = answers_summary(
        definition, state, kept, step_url=lambda index: _step_url(context["slug"], index)
    )
    context["complete"] = open_index == context["number"] - 1
    return render(request, "eforms/check.html", context)


def _submit(request, draft, known, slug):
    """Hand the draft in; a step the rules now ask again is opened instead."""
    acting = getattr(request, "acting", None)
    try:
        handed = submission_create(
            draft=draft,
            known=known,
            language=get_language(),
            assisted_by=getattr(acting, "assisted_by", None),
        )
    except SubmissionIncomplete as incomplete:
        messages.info(request, _("Please complete this step first."))
        return redirect(_step_url(slug, incomplete.step_index))
    submission = handed.submission
    if handed.tracking_code:
        request.session[TRACKING_SESSION_KEY] = {
            str(submission.uuid): tracking_code_shown(handed.tracking_code)
        }
    handed_in = request.session.get(HANDED_IN_SESSION_KEY, [])[-9:]
    request.session[HANDED_IN_SESSION_KEY] = [*handed_in, str(submission.uuid)]
    return redirect("eforms:confirmation", submission.uuid)


def confirmation(request, submission_uuid):
    """The page after submitting: the reference, and for an anonymous visitor the
    tracking code. Only who may see the submission (:mod:`townhall.eforms.viewer`:
    the browser that handed it in, its signed-in owner) sees it."""
    submission = selectors.submission_for_viewer(uuid=submission_uuid, **submission_viewer(request))
    if submission is None:
        raise Http404(_("There is no such request."))
    definition = submission.version.parsed
    return render(
        request,
        "eforms/confirmation.html",
        {
            "submission": submission,
            "form_title": text_in(definition.raw["title"]),
            "tracking_code": tracking_code_kept(request, submission),
        },
    )
