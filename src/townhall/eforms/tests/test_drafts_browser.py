"""Saving a form for later in a real browser at phone and desktop width, with axe-core,
keyboard only: the kept page with its link, My page's unfinished requests, the removal
that asks first, and a resume link that does not work."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.eforms.services import form_examples_load
from townhall.eforms.tests.test_step_browser import _carry
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.provenance import FieldGroup, Source, record_source_set
from townhall.registry.tests.factories import AddressFactory, PersonFactory
from townhall.tests.accessibility import assert_no_axe_violations_at_every_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_kept_for_later_is_accessible(page, live_server):
    municipality_for_tests()
    form_examples_load()
    home = AddressFactory(street_name="Kerkstraat", house_number="12", postcode="8770")
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home, email="an@x.org")
    record_source_set(person=an, group=FieldGroup.DOMICILE, source=Source.POPULATION_REGISTER)
    client = Client()
    sign_in_resident(client, resident_account(an))
    _carry(page.context, live_server, client)
    assert page.goto(live_server.url + "/loket/formulier/bewonerskaart-parkeren/stap/1/").ok
    later = page.get_by_role("button", name="Save and continue later")
    later.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/loket/bewaard/**")
    expect(page.get_by_role("heading", name="Your answers are kept")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "the kept page")
    page.get_by_role("link", name="Go to My page").click()
    expect(page.get_by_role("heading", name="Unfinished requests")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "My page with an unfinished request")
    page.get_by_role("link", name="Remove – Resident parking card").click()
    assert_no_axe_violations_at_every_width(page, "the removal that asks first")
    page.get_by_role("button", name="Yes, remove it").click()
    assert page.get_by_role("heading", name="Unfinished requests").count() == 0
    assert page.goto(live_server.url + "/loket/verder/" + "x" * 43 + "/").status == 404
    assert_no_axe_violations_at_every_width(page, "a resume link that does not work")
