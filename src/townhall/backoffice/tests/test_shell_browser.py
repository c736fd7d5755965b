"""The back-office home in a real browser, at phone and desktop width, with axe-core:
at 375 px the navigation is a list above the content, at 1280 px a sidebar beside it."""

import pytest
from django.test import Client

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.backoffice.tests.test_messaging_browser import carry_session
from townhall.registry.corrections import correction_request_create
from townhall.registry.tests.factories import PersonFactory
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEPARTMENTS = [("citizens_affairs", "Burgerzaken"), ("communication", "Communicatie")]


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize(("code", "name"), DEPARTMENTS)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_back_office_home_is_accessible_and_fits(
    page, live_server, municipality, code, name, width
):
    correction_request_create(
        person=PersonFactory(), item_key="family_name", remark="Typo.", reported_by=None
    )
    client = Client()
    sign_in_verified(client, staff_of(code, name, f"staff-{code}"))
    carry_session(page, live_server, client)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/backoffice/")

    assert page.locator("h1").inner_text() == "Back office"
    nav = page.get_by_role("navigation", name="Back office")
    assert nav.get_by_role("link", name="Start page").get_attribute("aria-current") == "page"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav_box, main_box = box(page, ".staff-nav"), box(page, "#main")
    if width == 375:
        assert nav_box["y"] + nav_box["height"] <= main_box["y"], "the list is above the content"
    else:
        assert nav_box["x"] + nav_box["width"] <= main_box["x"], "the sidebar is beside it"
    assert_no_axe_violations(page)

    # The skip link is the first stop and jumps over the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
