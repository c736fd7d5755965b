"""The form steps in a real browser at phone and desktop width, with axe-core: the
prefilled step, the vehicle step with its error summary, and the anonymous report."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.eforms.services import form_examples_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.provenance import FieldGroup, Source, record_source_set
from townhall.registry.tests.factories import AddressFactory, PersonFactory
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _carry(context, live_server, client):
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.clear_cookies()
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}]
    if settings.SESSION_COOKIE_NAME in client.cookies:
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": value, "domain": host, "path": "/"}
        )
    context.add_cookies(cookies)


def test_the_steps_are_accessible(page, live_server):
    municipality_for_tests()
    form_examples_load()
    home = AddressFactory(street_name="Kerkstraat", house_number="12", postcode="8770")
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home, email="an@x.org")
    record_source_set(person=an, group=FieldGroup.DOMICILE, source=Source.POPULATION_REGISTER)
    client = Client()
    sign_in_resident(client, resident_account(an))
    _carry(page.context, live_server, client)
    base = live_server.url + "/loket/formulier/bewonerskaart-parkeren/stap/"
    assert page.goto(base + "1/").status == 200
    assert_no_axe_violations_at_every_width(page, "the prefilled details step")
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(base + "2/")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "the vehicle step with errors")

    _carry(page.context, live_server, Client())
    assert page.goto(live_server.url + "/loket/formulier/sluikstort-melden/stap/1/").status == 200
    assert_no_axe_violations_at_every_width(page, "the anonymous report")
