"""The documents the municipality issued, for staff: the list, a document's page, revoking.

1. The list (``documents.view_issueddocument``) holds the documents of the staff
   member's department's cases and those issued without a case, newest first, in
   keyset pages of 50; a search by number keeps the one document. It names no
   holder, so it is no look at a person.
2. A document's page shows its holder: every opening writes the holder's access
   log with the one purpose it serves ("handling document N", in the staff
   member's language), without asking, as a case's page does. A document of
   another department's case is not found (404), as for one that does not exist.
3. Revoking (``documents.revoke_issueddocument``) opens a page that asks for the
   reason and a confirmation (a GET, no JavaScript); only its own form acts. The
   service (:func:`townhall.documents.revocation.document_revoke`) runs in one
   durable transaction, so ``document_revoked`` goes out when it commits. A
   document revoked already (by a colleague meanwhile) says so and changes nothing.
"""

from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.roles import REVOKE_DOCUMENT, VIEW_CASES, VIEW_DOCUMENTS
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.documents import selectors
from townhall.documents.models import IssuedDocument
from townhall.documents.revocation import (
    REASON_MAX_LENGTH,
    AlreadyRevoked,
    document_revoke,
    revoked_already_text,
)
from townhall.registry.models import AccessLogEntry
from townhall.registry.services import access_log_record


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the document revoked?"),
        help_text=gettext_lazy(
            "Kept in the register with the document. The verification page never shows it; "
            "it says only that the document was revoked, and when."
        ),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Say why the document is revoked.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I revoke this document: from now on it is no longer valid. This cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm the revocation.")},
    )


def _document_or_404(request, uuid) -> IssuedDocument:
    document = selectors.document_for_staff(user=request.user, uuid=uuid)
    if document is None:
        raise Http404
    return document


def _labelled(document: IssuedDocument) -> IssuedDocument:
    document.kind_label = selectors.kind_label(document.kind)
    return document


@staff_permission_required(VIEW_DOCUMENTS)
@require_GET
def document_list(request):
    """The documents the staff member's department issued, newest first; by number."""
    term = str(request.GET.get("q", ""))[:200]
    number = selectors.number_searched(term)
    page = selectors.document_page_for_staff(user=request.user, number=number, params=request.GET)
    for document in page:
        _labelled(document)
    link = f"?{urlencode({'q': number})}&" if number else "?"
    response = render(
        request,
        "backoffice/documents/list.html",
        {
            "page": page,
            "term": term,
            "number": number,
            "older_url": f"{link}older={quote(page.older)}" if page.older else "",
            "newer_url": f"{link}newer={quote(page.newer)}" if page.newer else "",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(VIEW_DOCUMENTS)
@require_GET
def document_detail(request, uuid):
    """A document's page: what it is, to whom and for which case it was issued, its
    state. Written in the holder's access log."""
    document = _labelled(_document_or_404(request, uuid))
    if document.holder_id is not None:
        with transaction.atomic(durable=True):
            access_log_record(
                actor=request.user,
                person=document.holder,
                action=AccessLogEntry.Action.VIEW,
                purpose=_("handling document %(number)s") % {"number": document.number},
            )
    response = render(
        request,
        "backoffice/documents/document.html",
        {
            "document": document,
            "may_revoke": request.user.has_perm(REVOKE_DOCUMENT),
            "may_open_case": request.user.has_perm(VIEW_CASES),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(REVOKE_DOCUMENT)
@require_http_methods(["GET", "POST"])
def document_revoke_view(request, uuid):
    """Ask the reason and a confirmation (GET), then revoke (the page's own POST)."""
    document = _labelled(_document_or_404(request, uuid))
    form = RevokeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if document.revoked_at is not None:
            return _revoked_already(request, document, revoked_already_text(document))
        if form.is_valid():
            try:
                with transaction.atomic(durable=True):
                    document_revoke(
                        document, actor=request.user, reason=form.cleaned_data["reason"]
                    )
            except AlreadyRevoked as error:
                return _revoked_already(request, document, error.messages[0])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Document %(number)s is revoked. The verification page says so from now on.")
                    % {"number": document.number},
                )
                return redirect("backoffice:document", document.uuid)
        status = 400
    return render(
        request,
        "backoffice/documents/revoke.html",
        {"document": document, "form": form},
        status=status,
    )


def _revoked_already(request, document: IssuedDocument, text: str):
    messages.warning(request, text)
    return redirect("backoffice:document", document.uuid)
