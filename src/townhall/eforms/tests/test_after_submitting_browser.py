"""After the submit, in a real browser at phone and desktop width, with axe-core: the
confirmation page, the tracking page with an error and with a request found, and
My cases."""

import re

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
DUMPING = "/loket/formulier/sluikstort-melden/stap/{}/"
PARKING = "/loket/formulier/bewonerskaart-parkeren/stap/{}/"


def test_the_pages_after_submitting_are_accessible(page, live_server):
    municipality_for_tests()
    form_examples_load()
    visitor = Client()
    visitor.post(DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    visitor.post(DUMPING.format(2), {"wants_contact": "no"})
    confirmation = visitor.post(DUMPING.format(3))["Location"]
    _carry(page.context, live_server, visitor)
    assert page.goto(live_server.url + confirmation).status == 200
    assert_no_axe_violations_at_every_width(page, "the confirmation with a tracking code")
    code = page.locator(".tracking-code strong").inner_text()

    page.get_by_role("link", name="Follow your request with the tracking code").click()
    page.get_by_label("Tracking code").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Look it up").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations_at_every_width(page, "the tracking page with an error")
    page.get_by_label("Tracking code").fill(code)
    page.get_by_role("button", name="Look it up").click()
    assert re.search(r"TH-\d{4}-\d{6}", page.locator("main").inner_text())
    assert "/loket/volgen/" in page.url  # the code is not in the address
    assert code not in page.url
    assert_no_axe_violations_at_every_width(page, "the tracking page with the request")

    home = AddressFactory(street_name="Kerkstraat", house_number="12", postcode="8770")
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home, email="an@x.org")
    record_source_set(person=an, group=FieldGroup.DOMICILE, source=Source.POPULATION_REGISTER)
    resident = Client()
    sign_in_resident(resident, resident_account(an))
    resident.post(PARKING.format(1), {})
    resident.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    resident.post(PARKING.format(3))
    _carry(page.context, live_server, resident)
    assert page.goto(live_server.url + "/mijn/zaken/").status == 200
    assert_no_axe_violations_at_every_width(page, "My cases")
