"""My requests (mijn aanvragen): what the person handed in at the online counter.

The list is of the one the person acts for now (``request.acting``), as the
other pages of My page: themselves, the organisation they represent, or a
mandate's grantor when the mandate covers following applications (another
mandate gets a page that says so, as My messages does); with an
e-mail account, only what they handed in themselves
(:mod:`townhall.eforms.viewer` holds the rule, which the receipt shares).
Newest first, a page at a time (:mod:`townhall.keyset`).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from townhall.accounts.assisted import assisted_look_record
from townhall.accounts.models import Mandate
from townhall.eforms.selectors import submission_page
from townhall.eforms.text import text_in
from townhall.eforms.tracking import submission_status
from townhall.eforms.viewer import submission_viewer

PAGE = 25


@login_required
@require_GET
def my_requests(request):
    """The submissions of the one acted for, newest first, each with its receipt."""
    acting = request.acting
    if acting.for_person is not None and not acting.allows(Mandate.Scope.CASES):
        response = render(request, "portal/my_requests.html", {"not_covered": True}, status=403)
        response["Cache-Control"] = "no-store"
        return response
    viewer = submission_viewer(request)
    page = submission_page(viewer=viewer, params=request.GET, size=PAGE)
    for submission in page:
        submission.form_title = text_in(submission.version.parsed.raw["title"])
        submission.status = submission_status(submission)
    if viewer.get("person") is not None:
        assisted_look_record(request, person=viewer["person"], what=_("My requests"))
    response = render(
        request,
        "portal/my_requests.html",
        {"page": page, "for_organisation": viewer.get("organisation")},
    )
    response["Cache-Control"] = "no-store"
    return response
