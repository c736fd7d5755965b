"""The pages of a draft left to finish later: "your answers are kept", the resume link,
and "continue" from My page (:mod:`townhall.eforms.drafts` explains the flow).

Every way back in leads to the first open step, computed again from the rules:
a resumed draft is checked by the step view like any other, so a step its rules
block cannot be skipped by a URL or a forged field.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from townhall.eforms import selectors
from townhall.eforms.drafts import DRAFT_LIFETIME
from townhall.eforms.known_data import known_values
from townhall.eforms.rules import evaluate
from townhall.eforms.text import text_in
from townhall.eforms.views import KEPT_SESSION_KEY, _first_open, _step_url, _subject


def _open_step_url(draft) -> str:
    definition = draft.version.parsed
    known = known_values(
        definition, person=draft.subject_person, organisation=draft.subject_organisation
    )
    kept = {**draft.data, **{k: v.value for k, v in known.items()}}
    state = evaluate(definition, kept)
    index = _first_open(definition, state, kept, draft.steps_done)
    return _step_url(draft.version.form.slug, index)


def _resume(request, draft):
    """To the draft's first open step, when the person acts for the draft's subject."""
    person, organisation = _subject(request)
    if (draft.subject_person_id, draft.subject_organisation_id) != (
        getattr(person, "pk", None),
        getattr(organisation, "pk", None),
    ):
        messages.warning(
            request,
            _(
                "You started this request for someone else than for whom you act now. "
                "Choose for whom you act on My page first."
            ),
        )
        return redirect("portal:my_page")
    return redirect(_open_step_url(draft))


@login_required
@require_GET
def kept(request, draft_uuid):
    """Your answers are kept: the resume link (shown once), where it was mailed, how long."""
    draft = selectors.draft_of_owner(uuid=draft_uuid, user=request.user)
    if draft is None:
        raise Http404(_("There is no such request."))
    shown = request.session.get(KEPT_SESSION_KEY) or {}
    fresh = shown.get("draft") == str(draft.uuid)
    response = render(
        request,
        "eforms/kept.html",
        {
            "draft": draft,
            "form_title": text_in(draft.version.parsed.raw["title"]),
            "link": shown.get("link", "") if fresh else "",
            "sent_to": shown.get("sent_to", "") if fresh else "",
            "days": DRAFT_LIFETIME.days,
            "kept_until": draft.updated_at + DRAFT_LIFETIME,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def resume(request, token: str):
    """The resume link: sign in first, then only its draft's own user goes on."""
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:sign_in')}?{query}")
    try:
        draft = selectors.resume_link_find(token=token, user=request.user)
    except selectors.ResumeRefused as refused:
        response = render(
            request,
            "eforms/resume_refused.html",
            {"gone": refused.gone},
            status=410 if refused.gone else 404,
        )
        response["Cache-Control"] = "no-store"
        return response
    return _resume(request, draft)


@login_required
@require_GET
def draft_continue(request, draft_uuid):
    """ "Continue" on My page: the owner's draft, at its first open step."""
    draft = selectors.draft_of_owner(uuid=draft_uuid, user=request.user)
    if draft is None:
        raise Http404(_("There is no such request."))
    return _resume(request, draft)
