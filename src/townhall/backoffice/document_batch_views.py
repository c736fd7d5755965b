"""Print batches for staff: many documents at once, each sealed and numbered, in one PDF.

1. The list (``documents.view_documentbatch``) shows the batches of the staff
   member's department and the campaigns' (made by the system), newest first.
   It names nobody (counts only), so it is no look at a person.
2. A new batch (``documents.add_documentbatch``): a kind that needs only a
   holder, the residents of one street or all residents, and the language (each
   holder's own, or one for all). The page says how many residents that is
   before it is asked; the worker makes the batch, and the staff member lands on
   its page.
3. A batch's page shows its progress: a ``<progress>`` bar in a section that
   ``townhall/js/refresh-section.js`` fetches again every five seconds while the
   batch is being made (a broadcast's page does the same), and a "Refresh" link
   without the script. Who got nothing, and why, is counted per reason, without
   names.
4. The PDF to print shows every holder's document: each download writes an
   ``export`` row in the access log of every holder in it.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.roles import ADD_DOCUMENT_BATCH, VIEW_DOCUMENT_BATCHES
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.documents import selectors
from townhall.documents.batches import (
    BatchRefused,
    bulk_kinds,
    document_batch_request,
    document_batch_retry,
)
from townhall.documents.models import DocumentBatch
from townhall.languages import INTERFACE, language_choices
from townhall.messaging.broadcasts import Selection
from townhall.registry.models import AccessLogEntry
from townhall.registry.selectors import streets_of_residents
from townhall.registry.services import access_log_record_many

# The choices that are no street and no language (a street or a language code never is).
EVERY_RESIDENT = "*"
OWN_LANGUAGE = "own"


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"))
    title = forms.CharField(
        label=gettext_lazy("Name of the batch"),
        help_text=gettext_lazy("For you and your colleagues, for example the campaign's name."),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the batch a name.")},
    )
    street = forms.ChoiceField(
        label=gettext_lazy("For whom"),
        error_messages={"required": gettext_lazy("Choose for whom the batch is.")},
        help_text=gettext_lazy(
            "Everyone registered as living in the street, or every resident. Those whose "
            "data cannot be certified get nothing; the batch counts them."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        initial=OWN_LANGUAGE,
        error_messages={"required": gettext_lazy("Choose the language of the documents.")},
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Issue a sealed document for each of them now."),
        error_messages={"required": gettext_lazy("Tick the box to start the batch.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in bulk_kinds()]
        self.fields["street"].choices = [(EVERY_RESIDENT, _("Every resident"))] + [
            (str(pk), name) for pk, name in streets_of_residents()
        ]
        self.fields["language"].choices = [
            (OWN_LANGUAGE, _("Each person's own language")),
            *language_choices(INTERFACE),
        ]

    def selection(self) -> Selection:
        street = self.cleaned_data["street"]
        return Selection(street=None if street == EVERY_RESIDENT else int(street))

    def chosen_language(self) -> str:
        language = self.cleaned_data["language"]
        return "" if language == OWN_LANGUAGE else language


def _batch_or_404(request, uuid) -> DocumentBatch:
    batch = selectors.batch_for_staff(user=request.user, uuid=uuid)
    if batch is None:
        raise Http404
    return batch


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(VIEW_DOCUMENT_BATCHES)
@require_GET
def batch_list(request):
    """The batches the staff member may follow, newest first."""
    page = selectors.batch_page_for_staff(user=request.user, params=request.GET)
    return _no_store(
        render(
            request,
            "backoffice/documents/batches.html",
            {
                "page": page,
                "may_add": request.user.has_perm(ADD_DOCUMENT_BATCH),
            },
        )
    )


@staff_permission_required(ADD_DOCUMENT_BATCH)
@require_http_methods(["GET", "POST"])
def batch_new(request):
    """Start a batch: which document, for whom, in which language."""
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        holders = list(form.selection().persons().values_list("pk", flat=True))
        try:
            with transaction.atomic(durable=True):
                batch = document_batch_request(
                    kind=form.cleaned_data["kind"],
                    holders=holders,
                    title=form.cleaned_data["title"],
                    language=form.chosen_language(),
                    actor=request.user,
                )
        except BatchRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("The batch is started: %(count)s documents to make.") % {"count": batch.total},
            )
            return redirect("backoffice:document_batch", batch.uuid)
    return _no_store(render(request, "backoffice/documents/batch_new.html", {"form": form}))


@staff_permission_required(VIEW_DOCUMENT_BATCHES)
@require_GET
def batch_detail(request, uuid):
    """A batch's page: its progress, what was issued, who got nothing and why (counts)."""
    batch = _batch_or_404(request, uuid)
    skipped = sorted(
        ((_(reason), count) for reason, count in batch.skipped.items()), key=lambda r: -r[1]
    )
    return _no_store(
        render(
            request,
            "backoffice/documents/batch.html",
            {
                "batch": batch,
                "kind_label": selectors.kind_label(batch.kind),
                "active": batch.state in (DocumentBatch.State.QUEUED, DocumentBatch.State.RUNNING),
                "skipped": skipped,
                "may_add": request.user.has_perm(ADD_DOCUMENT_BATCH),
            },
        )
    )


@staff_permission_required(VIEW_DOCUMENT_BATCHES)
@require_GET
def batch_pdf(request, uuid):
    """The PDF to print; every holder in it gets an ``export`` row in their access log."""
    batch = _batch_or_404(request, uuid)
    if batch.state != DocumentBatch.State.DONE or not batch.pdf:
        raise Http404
    try:
        file = batch.pdf.open("rb")
    except OSError as error:
        raise Http404 from error
    with transaction.atomic(durable=True):
        access_log_record_many(
            actor=request.user,
            persons=selectors.batch_holders(batch),
            action=AccessLogEntry.Action.EXPORT,
            purpose=_("printing batch %(title)s") % {"title": batch.title},
        )
    response = FileResponse(
        file, as_attachment=True, filename=f"{batch.title[:60]}.pdf", content_type="application/pdf"
    )
    return _no_store(response)


@staff_permission_required(ADD_DOCUMENT_BATCH)
@require_POST
def batch_retry(request, uuid):
    """Try a failed batch again: it resumes at the first holder not handled."""
    batch = _batch_or_404(request, uuid)
    try:
        with transaction.atomic(durable=True):
            document_batch_retry(batch=batch)
    except BatchRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The batch goes on where it stopped."))
    return redirect("backoffice:document_batch", batch.uuid)
