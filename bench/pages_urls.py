"""Townhall's URLs plus the bench's baseline views, and the query counter (bench only).

The baselines, none of which exists in Townhall (``townhall.urls`` has none of them):

- ``/bench/hello/`` is the smallest Django view there is: it goes through the
  same middleware as every page (sessions, CSRF, security headers, the
  language), reads nothing and renders no template. Every page's requests per
  second are given as a ratio to it, measured in the same run.
- ``/bench/hello/signed-in/``, the **signed-in hello**: the guard of the
  resident pages (``login_required`` and high assurance, the guard of My data)
  and a short text. What every signed-in request must do and nothing more: the
  session read (and its renewal, at most once a minute), the user, the acting
  and assisted-session middleware, the language.
- ``/bench/hello/signed-in/layout/``: the same guard and an empty page in the
  residents' layout (``base.html``): the header, the acting banner, the footer
  with the municipality's contact details and opening hours, the CSP nonce.
- ``/backoffice/bench-hello/``, the **staff hello**: under ``/backoffice/``, so
  :class:`~townhall.accounts.second_factor.StaffSecondFactorMiddleware` checks
  the second factor (the device django-otp reads, the authenticator app) and
  gives the department, as on every staff page; then the view checks one role
  permission (every staff page does) and answers a short text.
- ``/backoffice/bench-hello/layout/``: the same and an empty page in the back
  office's layout (``backoffice/base.html``: the navigation of the tasks the
  role may do, with their counts).

The two staff ones come before Townhall's URLs, so they win over the back
office's own patterns.

A request with the header ``X-Bench-Count-Queries`` gets the number of SQL
queries it ran back in ``X-Bench-Queries`` (the session's read and write
included); other requests pass untouched, so the load runs are not slowed by
counting.
"""

from functools import cache

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from townhall.accounts.assurance import Assurance, assurance_required
from townhall.urls import urlpatterns as townhall_urlpatterns

# A permission the bench's clerk (burgerzaken) has, as a staff page would check it.
STAFF_PERMISSION = "registry.view_person"
TEXT = "Hello, world"


@cache
def empty_page(layout: str):
    """An empty page in ``layout``, compiled once per process as the cached loader does."""
    return engines["django"].from_string(f'{{% extends "{layout}" %}}')


def hello(request):
    return HttpResponse(TEXT, content_type="text/plain")


@login_required
@assurance_required(Assurance.HIGH)
def signed_in_hello(request):
    return HttpResponse(TEXT, content_type="text/plain")


@login_required
@assurance_required(Assurance.HIGH)
def signed_in_layout(request):
    return HttpResponse(empty_page("base.html").render({}, request))


def staff_hello(request):
    # StaffSecondFactorMiddleware has let the request through (second factor passed).
    if not request.user.has_perm(STAFF_PERMISSION):
        raise PermissionDenied
    return HttpResponse(TEXT, content_type="text/plain")


def staff_layout(request):
    if not request.user.has_perm(STAFF_PERMISSION):
        raise PermissionDenied
    return HttpResponse(empty_page("backoffice/base.html").render({}, request))


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/hello/signed-in/", signed_in_hello),
    path("bench/hello/signed-in/layout/", signed_in_layout),
    path("backoffice/bench-hello/", staff_hello),
    path("backoffice/bench-hello/layout/", staff_layout),
    *townhall_urlpatterns,
]


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_BENCH_COUNT_QUERIES" not in request.META:
            return self.get_response(request)
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(len(queries))
        return response
