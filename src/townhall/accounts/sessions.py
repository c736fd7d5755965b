"""Sessions end after ``SESSION_COOKIE_AGE`` seconds without a request; renewing
one is a write, so it is renewed at most once a minute.

Saving the session on every request (Django's ``SESSION_SAVE_EVERY_REQUEST``)
cost three queries of every signed-in page. :class:`SessionRenewalMiddleware`
saves a session that nothing else changed only when its last save is
``RENEW_AFTER_SECONDS`` old, so a session ends between ``SESSION_COOKIE_AGE``
less a minute and ``SESSION_COOKIE_AGE`` after the last request: never later.
"""

import time

from django.conf import settings

RENEWED_KEY = "townhall_session_renewed"
RENEW_AFTER_SECONDS = 60


def renew_after_seconds() -> int:
    # A short idle time (a test's, a kiosk's) is renewed more often, never less.
    return min(RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE // 10)


class SessionRenewalMiddleware:
    """Marks a session to be saved (with a new expiry) once its last save is a minute
    old; sits inside Django's ``SessionMiddleware``, which does the save."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # a visitor without a session gets none
        now = time.time()
        if session.modified or now - session.get(RENEWED_KEY, 0) >= renew_after_seconds():
            session[RENEWED_KEY] = now
        return response
