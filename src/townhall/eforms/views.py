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
   In an assisted session it first needs the staff member's confirmation that
   the resident asked for it and agreed; the submission then names both.
7. A signed-in person may "save and continue later" on any step
   (:mod:`townhall.eforms.drafts`); the draft views are in
   :mod:`townhall.eforms.draft_views`.
"""

from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from townhall.accounts.assisted import (
    assisted_look_record,
    assisted_session_active,
    lasting_change_actor,
    resident_confirmation_add,
    staff_may_assist,
)
from townhall.accounts.services import activity_record
from townhall.eforms import selectors, services
from townhall.eforms.drafts import draft_keep_for_later
from townhall.eforms.known_data import known_values
from townhall.eforms.rules import evaluate
from townhall.eforms.step_forms import StepForm
from townhall.eforms.submissions import (
    DraftGone,
    SubmissionIncomplete,
    submission_create,
    tracking_code_shown,
)
from townhall.eforms.summary import answers_summary
from townhall.eforms.text import text_in
from townhall.eforms.viewer import (
    HANDED_IN_SESSION_KEY,
    TRACKING_SESSION_KEY,
    submission_viewer,
    tracking_code_kept,
)
from townhall.post_limits import BODY_TOO_LARGE, FIELDS_TOO_LARGE, post_limits, post_refusal

# A request body larger than this is refused before it is read (the largest upload
# a definition may allow is 20 MB; the schema says so).
MAX_BODY = 21 * 1024 * 1024
REBUILDS = 3
# The resume link just made, shown once on the "your answers are kept" page.
KEPT_SESSION_KEY = "townhall_eforms_kept"


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


def _assisting(request):
    """The staff member filling in with the resident in an assisted session, or None."""
    if not assisted_session_active(request):
        return None
    return request.acting.assisted_by


def _next_applicable(definition, state, index: int) -> int | None:
    for later in range(index + 1, len(definition.steps)):
        if state.steps[definition.steps[later]["key"]].applicable:
            return later
    return None


@post_limits(max_body=MAX_BODY, handled=True)
def form_step(request, slug: str, number: int):
    # A form refused unread (too large; townhall.post_limits) comes without its CSRF
    # token checked: it is shown as a GET with the reason, and changes nothing.
    too_large = _too_large(request) if request.method == "POST" else ""
    posting = request.method == "POST" and not too_large
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
    staff = _assisting(request)
    if staff is not None and person is not None:
        assisted_look_record(request, person=person, what=text_in(definition.raw["title"]))
    kept = {**(draft.data if draft else {}), **{k: v.value for k, v in known.items()}}
    state = evaluate(definition, kept)
    steps_done = draft.steps_done if draft else []
    index = number - 1
    if posting and draft is None and definition.steps[index].get("check"):
        return _handed_in_already(request, current.form, user, slug)
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
        "may_keep": user is not None,
    }
    if step.get("check"):
        if too_large:
            messages.error(request, too_large)
        confirm = _confirmation_form(request)
        context["confirm"] = confirm
        if posting and (confirm is None or confirm.is_valid()):
            return _submit(request, draft, known, slug, confirmed=confirm is not None)
        return _check_step(request, definition, state, kept, steps_done, context, open_index)

    form = StepForm(step=step, state=state, kept=kept, known=known)
    if posting:
        form, state = _validated(request, definition, step, kept, known, state)
        if user is not None and "later" in request.POST:
            draft = draft or _draft_start(request, current, user, person, organisation, staff)
            return _keep_for_later(request, form, draft, step, staff)
        if form.is_valid():
            if draft is None:
                draft = _draft_start(request, current, user, person, organisation, staff)
            draft = services.draft_step_save(
                draft=draft,
                step=step,
                values=dict(form.values),
                uploads=_uploads(form),
                assisted_by=staff,
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
        form.add_error(None, too_large)
    form.describe_errors()
    context["form"] = form
    return render(request, "eforms/step.html", context, status=413 if too_large else 200)


def _too_large(request) -> str:
    """Why the POST is not taken in, or "" (``townhall.post_limits`` refused it before
    the view: a body above MAX_BODY unread, text fields together above
    DATA_UPLOAD_MAX_MEMORY_SIZE when Django parsed it)."""
    refusal = post_refusal(request)
    if refusal == BODY_TOO_LARGE:
        return _("What you sent is too large. A file may be at most 20 MB.")
    if refusal == FIELDS_TOO_LARGE:
        return _("Your answers are too long together. Shorten them and send them again.")
    return ""


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


def _uploads(form) -> dict:
    """The step's accepted new files, by variable key."""
    return {
        entry.spec["key"]: form.cleaned_data[entry.names[0]]
        for entry in form.entries
        if entry.spec["type"] == "file" and entry.names
        if hasattr(form.cleaned_data.get(entry.names[0]), "read")
    }


def _draft_start(request, version, user, person, organisation, staff=None):
    if user is None and not request.session.session_key:
        request.session.save()
    return services.draft_start(
        version=version,
        user=user,
        session_key=request.session.session_key or "",
        person=person,
        organisation=organisation,
        assisted_by=staff,
    )


def _keep_for_later(request, form, draft, step, staff):
    """Keep what is valid of the step, not marking it done, and show the resume link."""
    invalid = {
        entry.spec["key"]
        for entry in form.entries
        if any(name in form.errors for name in entry.names)
        or any(name in form.errors for row in entry.rows for name in row)
    }
    values = {k: v for k, v in getattr(form, "values", {}).items() if k not in invalid}
    kept = draft_keep_for_later(
        draft=draft,
        step=step,
        values=values,
        uploads={k: v for k, v in _uploads(form).items() if k not in invalid},
        assisted_by=staff,
    )
    request.session[KEPT_SESSION_KEY] = {
        "draft": str(kept.draft.uuid),
        "link": kept.link,
        "sent_to": kept.sent_to,
    }
    return redirect("eforms:kept", kept.draft.uuid)


class CheckConfirmationForm(django_forms.Form):
    """The check step's form; in an assisted session it carries the staff member's
    confirmation that the resident asked for the request and agreed to it."""


def _confirmation_form(request) -> CheckConfirmationForm | None:
    """The confirmation to tick in an assisted session, or None outside one."""
    form = CheckConfirmationForm(request.POST if request.method == "POST" else None)
    return form if resident_confirmation_add(request, form) else None


def _check_step(request, definition, state, kept, steps_done, context, open_index):
    """The answers of every applicable step, each with a link to change it."""
    context["summary"] = answers_summary(
        definition, state, kept, step_url=lambda index: _step_url(context["slug"], index)
    )
    context["complete"] = open_index == context["number"] - 1
    return render(request, "eforms/check.html", context)


def _submit(request, draft, known, slug, *, confirmed: bool = False):
    """Hand the draft in; a step the rules now ask again is opened instead.

    In an assisted session the staff member must still serve at the counter and
    have ``confirmed`` that the resident asked for it; the submission names them,
    and the resident's access log and activity records say so."""
    staff = _assisting(request)
    if staff is not None and not staff_may_assist(staff):
        raise PermissionDenied("Only staff who serve residents at the counter may do this.")
    try:
        handed = submission_create(
            draft=draft, known=known, language=get_language(), assisted_by=staff
        )
    except SubmissionIncomplete as incomplete:
        messages.info(request, _("Please complete this step first."))
        return redirect(_step_url(slug, incomplete.step_index))
    except DraftGone:
        return _handed_in_already(request, draft.version.form, draft.user, slug)
    submission = handed.submission
    if staff is not None:
        _assisted_submission_record(request, submission, confirmed=confirmed)
    if handed.tracking_code:
        request.session[TRACKING_SESSION_KEY] = {
            str(submission.uuid): tracking_code_shown(handed.tracking_code)
        }
    handed_in = request.session.get(HANDED_IN_SESSION_KEY, [])[-9:]
    request.session[HANDED_IN_SESSION_KEY] = [*handed_in, str(submission.uuid)]
    return redirect("eforms:confirmation", submission.uuid)


def _handed_in_already(request, form, user, slug):
    """A second POST of the check step (a double click, another tab): the request that
    was handed in, not a new one and not an error."""
    latest = selectors.submission_latest(
        form=form, user=user, handed_in=request.session.get(HANDED_IN_SESSION_KEY, [])
    )
    if latest is None:
        return redirect(_step_url(slug, 0))
    messages.info(request, _("This request was handed in already."))
    return redirect("eforms:confirmation", latest.uuid)


def _assisted_submission_record(request, submission, *, confirmed: bool) -> None:
    """The confirmation and the staff member's part, where the resident reads them.

    :func:`submission_create` is its own (durable) transaction, so this follows it;
    the confirmation was checked on the form before anything was handed in."""
    person = submission.subject_person
    with transaction.atomic():
        try:
            staff = lasting_change_actor(
                request, change="submission.handed_in", person=person, confirmed=confirmed
            )
        except ValidationError:  # checked on the form already; never reached without it
            raise PermissionDenied("The resident's confirmation is missing.") from None
        activity_record(
            actor=staff,
            action="submission.handed_in_assisted",
            for_person=person,
            assisted_by=staff,
            detail={"reference": submission.reference, "form": submission.version.form.slug},
        )
        if person is not None:
            assisted_look_record(
                request,
                person=person,
                what=_("handed in request %(reference)s for you")
                % {"reference": submission.reference},
            )


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
