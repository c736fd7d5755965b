"""The letter batches: today's open batch, its print PDF, and confirming it was posted.

The PDF holds names and addresses, so it is served by a staff view (never from
``MEDIA_URL``) and not kept in any cache.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.backoffice.messaging_forms import ConfirmPostedForm
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.messaging.errors import MessagingError
from townhall.messaging.letter_batches import letter_batch_render
from townhall.messaging.models import LetterBatch
from townhall.messaging.selectors import letter_batch_lists
from townhall.messaging.services import letter_batch_confirm_posted

POSTED_PAGE = 10


@staff_permission_required("messaging.view_letterbatch")
def letter_batches(request):
    """Open batches (today's first), printed ones to post, and the last posted ones."""
    return render(
        request,
        "backoffice/messaging/letters.html",
        {
            "today": timezone.localdate(),
            **letter_batch_lists(params=request.GET, posted_size=POSTED_PAGE),
            "confirm_form": ConfirmPostedForm(),
            "may_change": request.user.has_perm("messaging.change_letterbatch"),
        },
    )


@staff_permission_required("messaging.change_letterbatch")
@require_POST
def letter_batch_render_view(request, pk):
    batch = get_object_or_404(LetterBatch, pk=pk)
    try:
        batch = letter_batch_render(batch=batch, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The print PDF is ready (%(pages)s pages): print it and post the letters.")
            % {"pages": batch.page_count},
        )
    return redirect("backoffice:messaging_letters")


@staff_permission_required("messaging.view_letterbatch")
def letter_batch_pdf(request, pk):
    batch = get_object_or_404(LetterBatch, pk=pk)
    if not batch.pdf:
        raise Http404
    response = FileResponse(
        batch.pdf.open("rb"),
        as_attachment=True,
        filename=f"brieven-{batch.day:%Y-%m-%d}-{batch.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required("messaging.change_letterbatch")
@require_POST
def letter_batch_posted_view(request, pk):
    batch = get_object_or_404(LetterBatch, pk=pk)
    form = ConfirmPostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the letters are posted."))
        return redirect("backoffice:messaging_letters")
    try:
        letter_batch_confirm_posted(batch=batch, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The batch is posted; its letters count as sent."))
    return redirect("backoffice:messaging_letters")
