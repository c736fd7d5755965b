"""The start page in a real browser, at phone and desktop width, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_is_accessible(page, live_server, municipality, dutch):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Welkom in Testdorp"
    assert_no_axe_violations_at_every_width(page, "the start page")


def test_language_switch_works_without_javascript(browser, live_server, municipality):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()
