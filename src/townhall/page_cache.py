"""What is the same for every visitor, kept in Django's cache: public pages whole,
and the version of the content they show.

1. :func:`content_version` names the current version of what public pages and
   the layout show (the municipality's profile, its departments and opening
   hours); :func:`content_changed` starts a new one. The municipality app calls
   it when staff change any of those, and reads its cached profile under the
   version too, so a change shows on the next request.
2. :func:`public_page` keeps a page's HTML per path, language and version, for a
   visitor who carries no session: someone without a session cookie is not
   signed in, so the page holds nothing personal. A visitor with a session (a
   resident, staff, anyone in the middle of a sign-in), a query string, a
   message to show, or a response that sets a cookie, changes the session or
   says ``private`` gets the page made for them, and it is not kept.
3. The page's CSRF tokens (the language switch is a form) are kept as a
   placeholder and filled in for each visitor with their own token, so the
   forms of a cached page work and no visitor gets another's token.

Every entry also expires after ``TOWNHALL_PAGE_CACHE_SECONDS``. With a cache
shared by the processes (Redis, ``CACHE_URL``) a change shows everywhere at
once; with the per-process memory cache (the default), the other processes show
it within that many seconds. ``0`` turns the cache of pages and profile off.

Imports nothing of Townhall: every app may use it.
"""

import re
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

VERSION_KEY = "townhall:content-version"
CSRF_PLACEHOLDER = "__townhall_csrf_token__"
# The hidden input Django's {% csrf_token %} writes.
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def cache_seconds() -> int:
    return getattr(settings, "TOWNHALL_PAGE_CACHE_SECONDS", 60)


def content_version() -> str:
    """The version of what public pages show; a new one when none is known."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, cache_seconds())
    return version


def content_changed() -> None:
    """Staff changed what public pages show: every cached page and profile is old."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, cache_seconds())


def page_key(language: str, path: str) -> str:
    """Where the page of ``path`` in ``language`` is kept, for the current version."""
    return f"townhall:page:{content_version()}:{language}:{path}"


def _cacheable_request(request) -> bool:
    return (
        cache_seconds() > 0
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGES_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _cacheable_response(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not (session is not None and session.modified)
        and not getattr(get_messages(request), "added_new", False)
    )


def public_page(view):
    """Keep the page for visitors without a session (see the module's docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE), request.path)
        kept = cache.get(key)
        if kept is not None:
            content, content_type, *rest = kept
            if CSRF_PLACEHOLDER in content:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request))
            response = HttpResponse(content, content_type=content_type)
            if rest and rest[0]:  # the view's own Cache-Control (a feed's max-age)
                response["Cache-Control"] = rest[0]
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _cacheable_response(request, response):
            content = CSRF_INPUT.sub(
                rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset)
            )
            kept = (content, response["Content-Type"], response.get("Cache-Control", ""))
            cache.set(key, kept, cache_seconds())
        return response

    wrapped.public_page = True
    return wrapped
