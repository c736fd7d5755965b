"""Unfinished requests on My page: each one's form, when it was last saved, a link to
continue and a delete button that asks first. Only the draft's own user reaches it;
anyone else's draft is not found. In an assisted session the removal is a lasting
change: the staff member confirms that the resident asked for it, and is recorded."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from townhall.accounts.assisted import lasting_change_actor, resident_confirmation_add
from townhall.eforms.drafts import DRAFT_LIFETIME, draft_delete
from townhall.eforms.selectors import draft_of_owner, drafts_of
from townhall.eforms.text import text_in


def unfinished_requests(user) -> list[dict]:
    """What My page lists: one row per draft of ``user``, last saved first (one query)."""
    return [
        {
            "draft": draft,
            "title": text_in(draft.version.parsed.raw["title"]),
            "for_whom": draft.subject_organisation or draft.subject_person,
            "removed_on": draft.updated_at + DRAFT_LIFETIME,
        }
        for draft in drafts_of(user=user)
    ]


class DraftRemoveForm(forms.Form):
    """Nothing to fill in but, in an assisted session, the staff member's confirmation."""


@login_required
@require_http_methods(["GET", "POST"])
def draft_remove(request, draft_uuid):
    """Asks "remove this request?"; the POST removes the draft and its uploads."""
    draft = draft_of_owner(uuid=draft_uuid, user=request.user)
    if draft is None:
        raise Http404(_("There is no such request."))
    title = text_in(draft.version.parsed.raw["title"])
    form = DraftRemoveForm(request.POST if request.method == "POST" else None)
    assisted = resident_confirmation_add(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                lasting_change_actor(
                    request,
                    change="draft.removed",
                    person=draft.subject_person,
                    confirmed=bool(form.cleaned_data.get("resident_confirmed")),
                )
                draft_delete(draft=draft)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _('Your unfinished request "%(title)s" is removed.') % {"title": title},
            )
            return redirect("portal:my_page")
    return render(
        request,
        "portal/draft_remove.html",
        {"draft": draft, "form_title": title, "form": form, "assisted": assisted},
    )
