"""The public verification page: by code (the QR code's link, or the code typed) and by
the PDF itself. The flow is in :mod:`townhall.documents.verification` (by code) and
:mod:`townhall.documents.file_check` (by file).

Every answer is ``no-store`` and ``noindex``: a verification is nobody's to keep,
and no search engine lists documents. The look-ups change nothing.
"""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.rate_limits import RateLimitExceeded, rate_limits_hit
from townhall.accounts.throttling import client_ip_address
from townhall.documents import selectors
from townhall.documents.file_check import FILE_CHECKS_PER_CLIENT, file_check
from townhall.documents.forms import CodeForm, FileForm
from townhall.documents.verification import (
    LOOKUPS_PER_CLIENT,
    MALFORMED,
    code_usable,
    document_facts,
    lookup_digest,
    lookup_log,
    outcome_of,
)
from townhall.post_limits import BODY_TOO_LARGE, FIELDS_TOO_LARGE, post_limits, post_refusal

# What the file form may send: the file and a little room for the form's own parts.
MAX_BODY = 10 * 1024 * 1024 + 64 * 1024

START = "documents/verify/start.html"


def _answer(request, template: str, context: dict, *, status: int = 200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Django logs every 4xx answer with its path ("Not Found: /verifieren/<code>/"),
    # which holds the code; these pages log each look-up themselves, without it.
    response._has_been_logged = True
    return response


def _client(request) -> str:
    return client_ip_address(request) or "unknown"


def _too_many(how: str, minutes: int) -> dict:
    lookup_log(how=how, outcome="too many tries")
    return {
        "title": _("You checked too many documents in a short time"),
        "text": ngettext(
            "You can check again in %(minutes)d minute.",
            "You can check again in %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
    }


def _start(request, *, code_form=None, file_form=None, problem=None, status=200):
    return _answer(
        request,
        START,
        {
            "code_form": code_form or CodeForm(),
            "file_form": file_form or FileForm(),
            "problem": problem,
        },
        status=status,
    )


def _not_found() -> dict:
    return {
        "title": _("We found no document with this code"),
        "text": _(
            "Check the code: it is printed on the document, under the QR code. If it is "
            "right, the document was not issued by the municipality."
        ),
    }


def _by_code(request, code: str, *, code_form=None):
    """Look ``code`` up (already counted against the client) and answer with the
    document's page, or the start page saying it is not found (404)."""
    if not code_usable(code):
        lookup_log(how="code", outcome=MALFORMED)
        return _start(request, code_form=code_form, problem=_not_found(), status=404)
    document = selectors.document_by_code(code)
    lookup_log(how="code", outcome=outcome_of(document), digest=lookup_digest(code))
    if document is None:
        return _start(request, code_form=code_form, problem=_not_found(), status=404)
    facts = document_facts(document, kind_label=selectors.kind_label(document.kind))
    return _answer(
        request, "documents/verify/document.html", {"facts": facts, "file_form": FileForm()}
    )


@require_http_methods(["GET", "POST"])
def verify_start(request):
    """The page to check a document: a field for the code and a field for the PDF.
    The code form posts here (the typed code never goes into an address)."""
    if request.method == "GET":
        return _start(request)
    form = CodeForm(request.POST)
    try:
        LOOKUPS_PER_CLIENT.hit(_client(request))
    except RateLimitExceeded as error:
        problem = _too_many("code", error.minutes)
        return _start(request, code_form=form, problem=problem, status=429)
    if not form.is_valid():
        lookup_log(how="code", outcome=MALFORMED)
        return _start(request, code_form=form, status=400)
    return _by_code(request, form.cleaned_data["code"], code_form=form)


@require_GET
def verify(request, code: str):
    """The page the QR code opens: ``code`` is the document's verification code."""
    try:
        LOOKUPS_PER_CLIENT.hit(_client(request))
    except RateLimitExceeded as error:
        return _start(request, problem=_too_many("code", error.minutes), status=429)
    return _by_code(request, code)


def _refused(refusal: str) -> tuple[dict, int]:
    """What the page says about a POST Django will not take in (``post_refusal``)."""
    if refusal in (BODY_TOO_LARGE, FIELDS_TOO_LARGE):
        too_large = {
            "title": _("This file is too large"),
            "text": _("The page checks PDF files of at most 10 MB."),
        }
        return too_large, 413
    unreadable = {
        "title": _("This could not be read"),
        "text": _("Send one PDF file with the form below."),
    }
    return unreadable, 400


# A file too large (or a form Django will not read) is refused before the CSRF check by
# townhall.post_limits and shown here, on this page, as a GET that checks nothing.
@post_limits(max_body=MAX_BODY, handled=True)
@require_http_methods(["GET", "POST"])
def verify_file(request):
    """Check the PDF dropped on the page: its hash against the documents issued, and its
    seal. A GET (an old link, a reload) leads back to the page."""
    if request.method == "GET":
        return redirect("documents:verify_start")
    refusal = post_refusal(request)
    if refusal:
        lookup_log(how="file", outcome="refused")
        problem, status = _refused(refusal)
        return _start(request, problem=problem, status=status)
    try:
        rate_limits_hit(
            (LOOKUPS_PER_CLIENT, _client(request)), (FILE_CHECKS_PER_CLIENT, _client(request))
        )
    except RateLimitExceeded as error:
        return _start(request, problem=_too_many("file", error.minutes), status=429)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        lookup_log(how="file", outcome="refused")
        return _start(request, file_form=form, status=400)
    checked = file_check(form.cleaned_data["pdf"])
    lookup_log(how="file", outcome=checked.verdict, digest=checked.sha256)
    document, facts = checked.document, None
    if document is not None:
        facts = document_facts(document, kind_label=selectors.kind_label(document.kind))
    return _answer(
        request,
        "documents/verify/file.html",
        {"checked": checked, "verdict": checked.explained, "facts": facts},
    )
