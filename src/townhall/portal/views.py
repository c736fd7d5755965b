"""Resident-facing pages."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from townhall.languages import FALLBACK, interface_language
from townhall.municipality.context_processors import municipality_for
from townhall.news.selectors import alerts_current
from townhall.page_cache import public_page


@public_page
def home(request):
    """The municipality's start page: who we are, how to reach us, when we are open.
    Kept whole for visitors without a session (townhall.page_cache)."""
    municipality = municipality_for(request)
    counter_hours = (
        [h for h in municipality.opening_hours.all() if h.department_id is None]
        if municipality
        else []
    )
    language = interface_language((get_language() or FALLBACK)[:2])
    alerts = alerts_current()  # one query, at most a handful of rows
    for alert in alerts:
        alert.shown_title, alert.shown_language = alert.text_with_language("title", language)
    return render(request, "portal/home.html", {"counter_hours": counter_hours, "alerts": alerts})


def branding_css(request):
    """The municipality's colours as CSS custom properties (a file, so the
    Content-Security-Policy needs no inline styles)."""
    municipality = municipality_for(request)
    css = ""
    if municipality:
        css = (
            f":root {{ --brand: {municipality.primary_colour}; "
            f"--accent: {municipality.accent_colour}; }}\n"
        )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public_page
def accessibility_statement(request):
    """The accessibility statement (toegankelijkheidsverklaring), Bestuursdecreet art. II.16."""
    return render(request, "portal/accessibility.html")


def health(request):
    """Liveness and database check for load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
