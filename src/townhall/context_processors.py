"""Template context for every page: the mode Townhall runs in."""

from django.conf import settings


def platform(request):
    return {"demo_mode": settings.MODE == "demo"}
