"""The persona picker in a real browser: reachable from the site, accessible, signs in."""

import pytest

from townhall.accounts.oidc import oidc_clients_reset
from townhall.demo_idp.clients import application_ensure
from townhall.demo_idp.tests.register import persona_people
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    oidc_clients_reset()
    application_ensure()
    yield persona_people()
    oidc_clients_reset()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_picker_is_accessible_and_signs_in(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/aanmelden/eid/?next=/mijn/")
    page.wait_for_url("**/demo-idp/aanmelden/**")
    assert_no_axe_violations(page)

    page.get_by_role("button", name=people.senior.full_name).click()
    page.wait_for_url(f"{live_server.url}/mijn/")
    assert people.senior.full_name in page.locator(".acting-banner").inner_text()
