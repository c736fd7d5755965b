"""What follows a submission: its PDF receipt and the tracking page.

Both show a submission only to who may see it (:mod:`townhall.eforms.viewer`);
the receipt has the confirmation page's rule, the tracking page finds an
anonymous submission by its code (:mod:`townhall.eforms.tracking`).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.assisted import assisted_look_record
from townhall.accounts.rate_limits import RateLimitExceeded
from townhall.accounts.throttling import client_ip_address
from townhall.eforms import selectors
from townhall.eforms.receipt import receipt_pdf
from townhall.eforms.text import text_in
from townhall.eforms.tracking import (
    NOT_FOUND,
    TRIES_PER_CLIENT,
    TrackingForm,
    submission_status,
    too_many_tries,
)
from townhall.eforms.viewer import HANDED_IN_SESSION_KEY, submission_viewer, tracking_code_kept


@require_GET
def receipt(request, submission_uuid):
    """The receipt as a PDF download, for whoever may see the confirmation page."""
    submission = selectors.submission_for_viewer(uuid=submission_uuid, **submission_viewer(request))
    if submission is None:
        raise Http404(_("There is no such request."))
    if submission.subject_person is not None:
        # At the counter, the staff member reads the resident's answers with them.
        assisted_look_record(request, person=submission.subject_person, what=_("Receipt"))
    pdf = receipt_pdf(
        submission, tracking_code=tracking_code_kept(request, submission), language=get_language()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{_('receipt')}-{submission.reference}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def track(request):
    """Ask the tracking code (POST) and show the anonymous submission it follows."""
    form = TrackingForm(request.POST or None)
    found, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            TRIES_PER_CLIENT.hit(client_ip_address(request) or "unknown")
        except RateLimitExceeded as error:
            form.add_error("code", too_many_tries(error.minutes))
            status = 429
        else:
            found = selectors.submission_by_tracking_code(form.cleaned_data["code"])
            if found is None:
                form.add_error("code", NOT_FOUND)
    context = {"form": form, "submission": found}
    if found is not None:
        context.update(
            form_title=text_in(found.version.parsed.raw["title"]),
            status=submission_status(found),
            receipt=str(found.uuid) in request.session.get(HANDED_IN_SESSION_KEY, []),
        )
    response = render(request, "eforms/track.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
