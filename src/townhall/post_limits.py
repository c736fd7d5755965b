"""Forms too large to read: refused with a page that says so, before the CSRF check.

Django will not read a form whose text fields together exceed
``DATA_UPLOAD_MAX_MEMORY_SIZE`` or that has more fields or files than its
limits; the CSRF check, which reads the form first, would then answer with a
bare 400. And a file upload is read in full (to temporary files) by that check
whatever its size, before any view could look at the declared length.

:class:`PostLimitsMiddleware` sits just before the CSRF check and looks first:

1. A form that declares more bytes than the view takes (the view's
   :func:`post_limits` ``max_body``, else ``TOWNHALL_FORM_MAX_BYTES``) is refused
   unread; otherwise it is read here, where Django's own limits raise.
2. A refused form gets the site's 413 page (``413.html``): what happened, that
   nothing changed and what was saved before is kept. A view marked with
   ``post_limits(handled=True)`` shows the refusal on its own page instead (a form
   step with what was saved before, in its own words): it runs with the reason in
   :func:`post_refusal`, an empty ``request.POST``, and without the CSRF check,
   which has no form to read a token from. Such a view must treat a refused POST
   as a GET with a message and change nothing.

Only forms are read here (urlencoded and multipart), and only for views the
CSRF check reads them for; a JSON or XML body within the size, and the body of
a view exempt from the CSRF check (a webhook, which may verify its raw bytes),
are left to their view. Imports nothing of Townhall: eforms and the portal mark their views.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render

BODY_TOO_LARGE = "body"  # it declares more bytes than the page takes: refused unread
FIELDS_TOO_LARGE = "fields"  # its text fields together exceed DATA_UPLOAD_MAX_MEMORY_SIZE
TOO_MANY_PARTS = "parts"  # more fields or files than Django's limits
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REFUSAL = "_townhall_post_refusal"

logger = logging.getLogger(__name__)


def post_limits(*, max_body: int | None = None, handled: bool = False):
    """Mark a view: the largest body it takes, and whether it shows a refusal itself."""

    def mark(view):
        view.post_max_body = max_body
        view.post_refusal_handled = handled
        return view

    return mark


def post_refusal(request) -> str:
    """Why this request's form was not read (a constant above), or ""."""
    return getattr(request, REFUSAL, "")


def _refusal(request, max_body: int, *, read: bool) -> str:
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > max_body:
        return BODY_TOO_LARGE
    if not read or request.content_type not in FORM_TYPES:
        return ""  # read by its view, if at all
    try:
        request.POST  # noqa: B018 (parsed on first access)
        request.FILES  # noqa: B018
    except RequestDataTooBig:
        return FIELDS_TOO_LARGE
    except (TooManyFieldsSent, TooManyFilesSent):
        return TOO_MANY_PARTS
    return ""


class PostLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        max_body = getattr(view_func, "post_max_body", None) or settings.TOWNHALL_FORM_MAX_BYTES
        # A view without the CSRF check (a webhook) may read the raw body itself, which
        # a parsed multipart stream no longer has: only its size is checked here.
        reason = _refusal(request, max_body, read=not getattr(view_func, "csrf_exempt", False))
        if not reason:
            return None
        logger.warning("A form sent to %s was refused unread: %s", request.path, reason)
        if getattr(view_func, "post_refusal_handled", False):
            setattr(request, REFUSAL, reason)
            request._dont_enforce_csrf_checks = (
                True  # no form, so no token; the view changes nothing
            )
            return None
        return render(request, "413.html", status=413)
