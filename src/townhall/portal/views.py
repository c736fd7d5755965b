"""Resident-facing pages."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from townhall.municipality.context_processors import municipality_for


def home(request):
    """The municipality's start page: who we are, how to reach us, when we are open."""
    municipality = municipality_for(request)
    counter_hours = (
        [h for h in municipality.opening_hours.all() if h.department_id is None]
        if municipality
        else []
    )
    return render(request, "portal/home.html", {"counter_hours": counter_hours})


def health(request):
    """Liveness and database check for load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
