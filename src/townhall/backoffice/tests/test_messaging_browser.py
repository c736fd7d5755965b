"""Writing an announcement and reading My messages in a real browser, at phone and
desktop width, with axe-core."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.tests.residents import resident, sign_in
from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.messaging.services import message_send
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [375, 1280]


def carry_session(page, live_server, client):
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


@pytest.fixture
def staff_page(page, live_server, kerkstraat):
    client = Client()
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    carry_session(page, live_server, client)
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_compose_and_preview_are_accessible(staff_page, live_server, width):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/backoffice/berichten/nieuw/")
    assert_no_axe_violations(page)

    page.get_by_role("combobox", name="Street").select_option("Kerkstraat")
    page.get_by_label("urgent alerts (water, storm, road works at your door)").check()
    page.get_by_label("Subject").first.fill("Wegenwerken in de Kerkstraat")
    page.get_by_label("Text", exact=True).first.fill("Beste {{ given_names }}, de straat is dicht.")
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("h1")).to_have_text("Preview of the announcement")
    expect(page.locator("main")).to_contain_text("Beste An, de straat is dicht.")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Continue to send").click()
    expect(page.get_by_role("button", name="Send now to 5 residents")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_readme_announcement_sent_as_urgent_shows_its_sms_and_progress(
    staff_page, live_server, width, settings, tmp_path
):
    from townhall.messaging.sms import captured_sms
    from townhall.messaging.tests.test_compose_sms import README_BODY, SUBJECT

    settings.VAR_DIR = tmp_path  # the demo SMS capture of this test
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/backoffice/berichten/nieuw/")
    page.get_by_role("combobox", name="Street").select_option("Kerkstraat")
    page.get_by_label("urgent alerts (water, storm, road works at your door)").check()
    page.get_by_label("Urgent: send the text messages at once").check()
    page.get_by_label("Subject").first.fill(SUBJECT)
    page.get_by_label("Text", exact=True).first.fill(README_BODY)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Continue to send").click()

    expect(page.get_by_role("heading", name="The text message that goes out")).to_be_visible()
    expect(page.locator(".sms-body")).to_contain_text("Dank u. Gemeente")
    expect(page.locator("main")).to_contain_text("The text messages go at once")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send now to 5 residents").click()

    expect(page.locator("main")).to_contain_text("text messages also go during the quiet hours")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    [sms] = captured_sms()
    assert "{{" not in sms.text


@pytest.mark.parametrize("width", WIDTHS)
def test_my_messages_is_accessible(page, live_server, templates, width):
    person, user, _number = resident("An", "Claeys", "800101002", email="an@example.org")
    message = message_send(
        recipient=person,
        template="decision",
        context={"case_reference": "2026-00007", "product": "Parkeerkaart"},
    )
    client = Client()
    sign_in(client, user)
    carry_session(page, live_server, client)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + "/mijn/berichten/")
    assert page.locator("h1").inner_text() == "My messages"
    assert_no_axe_violations(page)

    page.get_by_role("link", name=message.subject).click()
    expect(page.locator("main")).to_contain_text("Parkeerkaart")
    assert_no_axe_violations(page)
