"""Unfinished requests on My page: each one's form, when it was last saved, a link to
continue and a delete button that asks first. Only the draft's own user reaches it;
anyone else's draft is not found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

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


@login_required
@require_http_methods(["GET", "POST"])
def draft_remove(request, draft_uuid):
    """Asks "remove this request?"; the POST removes the draft and its uploads."""
    draft = draft_of_owner(uuid=draft_uuid, user=request.user)
    if draft is None:
        raise Http404(_("There is no such request."))
    title = text_in(draft.version.parsed.raw["title"])
    if request.method == "POST":
        draft_delete(draft=draft)
        messages.success(
            request,
            _('Your unfinished request "%(title)s" is removed.') % {"title": title},
        )
        return redirect("portal:my_page")
    return render(request, "portal/draft_remove.html", {"draft": draft, "form_title": title})
