"""Townhall's URLs plus the bench's hello-world view, and the query counter (bench only).

``/bench/hello/`` is the smallest Django view there is: it goes through the same
middleware as every page (sessions, CSRF, security headers, the language), reads
nothing and renders no template. Every page's requests per second are given as
a ratio to it, measured in the same run.

A request with the header ``X-Bench-Count-Queries`` gets the number of SQL
queries it ran back in ``X-Bench-Queries`` (the session's read and write
included); other requests pass untouched, so the load runs are not slowed by
counting.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from townhall.urls import urlpatterns as townhall_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *townhall_urlpatterns]


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
