"""Steps of a person's browser (a ``requests.Session``) through the sign-in, over real HTTP."""

import html
import re
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

TIMEOUT = 10
PICKER_PATH = "/demo-idp/aanmelden/"
CALLBACK_PATH = "/aanmelden/eid/terug/"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_NEXT = re.compile(r'name="next" value="([^"]*)"')


def csrf_token(page: requests.Response) -> str:
    match = _CSRF.search(page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def start_sign_in(browser: requests.Session, live_url: str, next_path: str = "/mijn/"):
    """Click "Sign in with eID": the site sends the browser to the provider's persona picker."""
    page = browser.get(f"{live_url}/aanmelden/eid/", params={"next": next_path}, timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    assert urlsplit(page.url).path == PICKER_PATH, page.url
    return page


def submit_picker(browser, picker, *, persona=None, cancel=False, follow=True):
    """Press a persona's button (or Cancel) on the picker page."""
    match = _NEXT.search(picker.text)
    assert match, "no authorization request on the picker page"
    data = {"csrfmiddlewaretoken": csrf_token(picker), "next": html.unescape(match.group(1))}
    if cancel:
        data["cancel"] = "1"
    else:
        data["persona"] = persona
    url = picker.url.split("?")[0]
    return browser.post(url, data=data, allow_redirects=follow, timeout=TIMEOUT)


def follow_to_callback(browser, response) -> str:
    """Follow redirects up to the site's callback and return its URL without requesting it."""
    for _hop in range(10):
        assert response.status_code in (301, 302, 303), (response.status_code, response.text[:500])
        location = urljoin(response.url, response.headers["Location"])
        if urlsplit(location).path == CALLBACK_PATH:
            return location
        response = browser.get(location, allow_redirects=False, timeout=TIMEOUT)
    raise AssertionError("no redirect to the site's callback")


def session_of(browser) -> SessionStore:
    """The server-side session of this browser (the site and the provider share it)."""
    return SessionStore(session_key=browser.cookies.get(settings.SESSION_COOKIE_NAME))


def urls_of(response) -> list[str]:
    """Every URL the browser went through to get ``response``, and its own."""
    return (
        [r.url for r in response.history]
        + [urljoin(r.url, r.headers["Location"]) for r in response.history]
        + [response.url]
    )
