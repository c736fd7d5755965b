"""The catalogue's "Ask online" leads to the form the forms app holds for the product
(the catalogue, below the forms, finds it through :mod:`townhall.catalog.online`)."""

import pytest

from townhall.demo.catalogue import demo_catalogue_create
from townhall.demo.forms import demo_forms_create
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db


def test_ask_online_leads_to_the_published_form_of_the_product(client):
    municipality_for_tests()
    demo_catalogue_create()
    demo_forms_create()
    response = client.get("/catalogus/bewonersparkeerkaart/aanvragen/")
    assert response.status_code == 302
    assert response["Location"] == "/loket/formulier/bewonerskaart-parkeren/stap/1/"
    response = client.get("/catalogus/melding-sluikstort/aanvragen/")
    assert response["Location"] == "/loket/formulier/sluikstort-melden/stap/1/"
    # A product without a form still says how to ask at the counter.
    response = client.get("/catalogus/attest-gezinssamenstelling/aanvragen/")
    assert response.status_code == 200


def test_the_anonymous_product_and_the_footer_lead_to_the_tracking_page(client):
    municipality_for_tests()
    demo_catalogue_create()
    demo_forms_create()
    dumping = client.get("/catalogus/melding-sluikstort/").content.decode()
    assert dumping.count('href="/loket/volgen/"') == 2  # the product's box and the footer
    parking = client.get("/catalogus/bewonersparkeerkaart/").content.decode()
    assert parking.count('href="/loket/volgen/"') == 1  # the footer only
