"""The error pages in the site's layout and language, in every mode.

Django shows 400, 403, 404 and 500 with the templates of those names in
``templates/`` (the 500 page without a request or the database). Two cases
need help:

1. A form refused by the CSRF check would get Django's own English page;
   :func:`csrf_failure` gives it the layout and language of every other page.
2. With ``DEBUG`` on (the demo's default), Django answers a page it cannot
   find, a bad request and a server error with its technical pages instead
   of the site's: English, without the layout, listing the URL patterns.
   :class:`SiteErrorPagesMiddleware` (installed by the settings while
   ``DEBUG`` is on) answers them with the same handlers production uses. The
   traceback of a server error is still logged (``django.request``, on the
   console of ``make demo``); ``TOWNHALL_TECHNICAL_ERROR_PAGES=true`` brings
   Django's technical pages back for a developer who wants them in the browser.
   A request refused before any view runs (a ``Host`` header not in
   ``ALLOWED_HOSTS``) still gets Django's page in that mode: no middleware
   sees the exception of another.
"""

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, get_resolver, get_urlconf, resolve
from django.utils.log import log_response


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: the form expired or cookies are off (403); nothing changed.

    ``reason`` is Django's technical cause; it is not shown to the visitor.
    """
    return render(request, "403_csrf.html", status=403)


def _handler(status: int):
    return get_resolver(get_urlconf()).resolve_error_handler(status)


class SiteErrorPagesMiddleware:
    """With ``DEBUG`` on: the site's 404, 400 and 500 pages instead of Django's
    technical ones (without ``DEBUG`` Django shows the site's pages itself).

    Placed after the authentication and acting middleware, so the pages know
    who is signed in, as they do in production. A 404 still lets
    ``CommonMiddleware`` (above it) redirect to the address with a slash.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DEBUG:  # tests turn DEBUG off after the settings were read
            return self.get_response(request)
        # An address that no URL pattern matches never reaches a view, nor
        # process_exception below: Django would answer it with its technical 404.
        try:
            resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
        except Resolver404 as error:
            return _handler(404)(request, exception=error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None  # Django shows the site's pages itself
        if isinstance(exception, Http404):
            return _handler(404)(request, exception=exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django shows the site's 403 page in every mode
        if isinstance(exception, (BadRequest, SuspiciousOperation, MultiPartParserError)):
            if isinstance(exception, SuspiciousOperation):
                # As Django logs it: to django.security.<the kind of operation>.
                logging.getLogger(f"django.security.{type(exception).__name__}").error(
                    str(exception), extra={"status_code": 400, "request": request}
                )
            return _handler(400)(request, exception=exception)
        # As Django does for an uncaught exception: whoever listens (the test client,
        # which raises it again, an error tracker) hears of it.
        signals.got_request_exception.send(sender=None, request=request)
        response = _handler(500)(request)
        # Logged with the traceback as Django logs it, and only once (log_response marks it).
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
