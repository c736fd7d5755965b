"""My data and contact preferences in a real browser, at phone and desktop width, with axe-core."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.tests.residents import sign_in
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, live_server, family):
    """The browser carries An's eID session (made with Django's test client)."""
    client = Client()
    sign_in(client, family["an_user"])
    client.post("/mijn/gegevens/melden/family_name/", {"remark": "It is Claeijs."})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"},
        ]
    )
    return page


@pytest.mark.parametrize("path", ["/mijn/gegevens/", "/mijn/contact/"])
def test_my_data_pages_are_accessible(signed_in, live_server, path):
    page = signed_in
    page.goto(live_server.url + path)
    assert page.locator("h1").inner_text() in ("My data", "Contact preferences")
    assert_no_axe_violations_at_every_width(page, path)


def test_contact_preferences_work_without_javascript(browser, live_server, family):
    client = Client()
    sign_in(client, family["an_user"])
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"},
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + "/mijn/contact/")
    page.get_by_label("Mobile number").fill("0470 12 34 56")
    page.get_by_label("text message (SMS)").check()
    page.get_by_label("news from the municipality").select_option("email")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Your contact preferences are saved.")
    expect(page.get_by_label("Mobile number")).to_have_value("+32470123456")
    context.close()
