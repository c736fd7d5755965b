"""With DEBUG on (the demo's default) the error pages are still the site's own.

Tests run with DEBUG off; these turn it on and install the middleware as the
settings do for the demo (:class:`townhall.error_pages.SiteErrorPagesMiddleware`).
"""

import logging
import os
import subprocess
import sys

import pytest
from django.core.exceptions import BadRequest
from django.urls import include, path

from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db
MIDDLEWARE = "townhall.error_pages.SiteErrorPagesMiddleware"


def _server_error(request):
    raise RuntimeError("a bug in a view")


def _bad_request(request):
    raise BadRequest("a request the view cannot use")


# The URL configuration of the tests below: the site, a page with a bug, a refusing page.
urlpatterns = [
    path("kapot/", _server_error),
    path("onleesbaar/", _bad_request),
    path("", include("townhall.urls")),
]


@pytest.fixture
def debug_client(client, settings):
    municipality_for_tests()
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    acting = settings.MIDDLEWARE.index("townhall.accounts.acting.ActingMiddleware")
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[: acting + 1], MIDDLEWARE] + [
        name for name in settings.MIDDLEWARE[acting + 1 :] if name != MIDDLEWARE
    ]
    client.raise_request_exception = False
    return client


def test_an_address_nothing_matches_gets_the_site_404_not_djangos(debug_client):
    response = debug_client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "site-header" in page
    assert "Page not found" in page
    assert 'href="/"' in page  # the way back
    assert "Using the URLconf" not in page  # Django's technical page lists the patterns


def test_a_404_raised_by_a_view_gets_the_site_page(debug_client):
    # E-mail provider webhooks raise Http404 until they are set up.
    response = debug_client.post("/anymail/mailgun/tracking/")
    assert response.status_code == 404
    assert "site-header" in response.content.decode()
    assert "Raised by" not in response.content.decode()


def test_a_missing_slash_is_still_added(debug_client):
    response = debug_client.get("/toegankelijkheid")
    assert response.status_code == 301
    assert response["Location"] == "/toegankelijkheid/"


def test_a_server_error_gets_the_site_500_and_its_traceback_goes_to_the_log(debug_client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = debug_client.get("/kapot/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "a bug in a view" not in page  # no traceback in the browser
    [record] = [r for r in caplog.records if r.name == "django.request"]  # logged once
    assert record.exc_info[1].args == ("a bug in a view",)


def test_a_bad_request_gets_the_site_400(debug_client):
    response = debug_client.get("/onleesbaar/")
    assert response.status_code == 400
    assert "We could not handle this request" in response.content.decode()


@pytest.mark.parametrize(
    ("env", "installed"),
    [
        ({"DEBUG": "true"}, True),
        ({"DEBUG": "false"}, False),
        ({"DEBUG": "true", "TOWNHALL_TECHNICAL_ERROR_PAGES": "true"}, False),
    ],
)
def test_the_settings_install_it_only_with_debug_on(env, installed):
    code = f"import townhall.settings as s; print({MIDDLEWARE!r} in s.MIDDLEWARE)"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "TOWNHALL_"))},
        **env,
    }
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert completed.stdout.strip() == str(installed)


def test_the_site_serves_its_icon(client):
    page = client.get("/bestaat-niet/").content.decode()
    assert '<link rel="icon" href="/static/townhall/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/static/townhall/favicon.ico"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/townhall/favicon.ico"
