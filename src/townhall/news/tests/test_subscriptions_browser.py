"""The subscription pages in a real browser, checked with axe-core at phone and desktop
width: the forms, their error summary, the confirmation page and the unsubscribe page.
(In English, the tests' language: the Dutch catalogue is the lead's to merge.)"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.tests.residents import resident, sign_in
from townhall.messaging.templates import templates_load
from townhall.news.models import Subscription
from townhall.news.subscription_messages import confirm_token, unsubscribe_token
from townhall.registry.tests.factories import AddressFactory
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribing_by_e_mail_is_accessible_with_and_without_errors(page, live_server):
    templates_load()
    page.goto(live_server.url + "/abonneren/")
    expect(page.locator("h1")).to_have_text("News by e-mail")
    assert_no_axe_violations_at_every_width(page, "the e-mail subscription form")

    page.get_by_role("textbox", name="E-mail address").fill("ana(at)example")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_role("textbox", name="E-mail address")).to_have_value("ana(at)example")
    assert_no_axe_violations_at_every_width(page, "the e-mail form with its errors")

    page.get_by_role("textbox", name="E-mail address").fill("ana@example.org")
    page.get_by_label("Everything the municipality publishes").check()
    page.get_by_label("residents").check()
    page.get_by_label("I want to receive the news", exact=False).check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your e-mail")

    subscription = Subscription.objects.get()
    page.goto(f"{live_server.url}/abonneren/bevestigen/{confirm_token(subscription)}/")
    assert_no_axe_violations_at_every_width(page, "the confirmation page")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")

    page.goto(f"{live_server.url}/abonneren/afmelden/{unsubscribe_token(subscription)}/")
    assert_no_axe_violations_at_every_width(page, "the unsubscribe page")


def test_the_sms_form_is_accessible(page, live_server):
    templates_load()
    page.goto(live_server.url + "/abonneren/sms/")
    assert_no_axe_violations_at_every_width(page, "the SMS subscription form")


def test_my_subscriptions_on_my_page_are_accessible(page, live_server):
    _person, user, _number = resident(
        "An", "Claeys", "800101002", domicile=AddressFactory(), email="an@example.org"
    )
    client = Client()
    sign_in(client, user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page.goto(live_server.url + "/mijn/nieuws/")
    expect(page.locator("h1")).to_have_text("News and alerts")
    assert_no_axe_violations_at_every_width(page, "my subscriptions")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "my subscriptions with errors")
    page.get_by_label("Everything the municipality publishes").check()
    page.get_by_label("residents").check()
    page.get_by_role("radio", name="e-mail (an@example.org)").check()
    page.get_by_label("I want to receive the news and alerts", exact=False).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your subscription is saved.")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "my subscriptions with one")
