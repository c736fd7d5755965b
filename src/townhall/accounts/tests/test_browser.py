"""The sign-in pages, My page and the mandates page in a real browser, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from townhall.accounts.oidc import oidc_clients_reset
from townhall.demo_idp.clients import application_ensure
from townhall.demo_idp.tests.register import persona_people
from townhall.tests.accessibility import (
    HEIGHT,
    WIDTHS,
    assert_no_axe_violations,
    axe_reports_at_every_width,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS_PAGES = [
    "/aanmelden/",
    "/aanmelden/?level=high&next=/mijn/volmachten/",
    "/registreren/",
    "/medewerker/aanmelden/",
    "/toegankelijkheid/",
]


@pytest.fixture
def people():
    oidc_clients_reset()
    application_ensure()
    yield persona_people()
    oidc_clients_reset()


def test_sign_in_pages_are_accessible(page, live_server, people):
    failures = []
    for path in ANONYMOUS_PAGES:
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        failures += axe_reports_at_every_width(page, path)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("width", [375, 1280])
def test_my_page_and_mandates_are_accessible(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/aanmelden/eid/?next=/mijn/")
    page.wait_for_url("**/demo-idp/aanmelden/**")
    page.get_by_role("button", name=people.resident.full_name).click()
    page.wait_for_url(f"{live_server.url}/mijn/")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/mijn/volmachten/")
    assert_no_axe_violations(page)
    # A form with an error keeps its accessibility too.
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".field__error").first).to_be_visible()
    assert_no_axe_violations(page)


def test_email_registration_form_shows_errors_accessibly(page, live_server, people):
    page.goto(live_server.url + "/registreren/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".field__error").nth(2)).to_be_visible()
    assert_no_axe_violations(page)
