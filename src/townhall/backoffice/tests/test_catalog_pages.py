"""The catalogue in the back office: the list, editing through the services, the preview."""

import pytest
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.catalog_forms import ProductForm
from townhall.backoffice.tests.conftest import staff_of
from townhall.catalog.lpdc.importer import lpdc_import
from townhall.catalog.models import Product, ProductSnapshot
from townhall.catalog.tests.conftest import DEMO_CATALOGUE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(municipality):
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    return Product.objects.get(slug="attest-gezinssamenstelling")


def form_data(product, **changes) -> dict:
    """The product's page as it is, with ``changes``."""
    form = ProductForm(instance=product)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit(product) -> str:
    return reverse("backoffice:catalog_product", args=[product.pk])


def test_the_list_finds_by_word_and_status(client, communication, catalogue):
    url = reverse("backoffice:catalog_products")
    found = client.get(url, {"q": "gezinssamen"}).context["products"]
    assert [p.slug for p in found] == ["attest-gezinssamenstelling"]
    assert client.get(url, {"status": "draft"}).context["products"] == []
    assert len(client.get(url, {"status": "published"}).context["products"]) >= 15
    assert client.get(url, {"q": "\x00" + "x" * 5000, "status": ["x", "y"]}).status_code == 200


def test_saving_goes_through_the_service_with_a_snapshot(client, communication, catalogue):
    snapshots = ProductSnapshot.objects.filter(product=catalogue).count()
    version = catalogue.version
    data = form_data(catalogue, title_fr="Composition de ménage (nouveau)", action="save")
    response = client.post(edit(catalogue), data)
    assert response.status_code == 302, response.context["form"].errors
    catalogue.refresh_from_db()
    assert catalogue.title_fr == "Composition de ménage (nouveau)"
    assert catalogue.version == version + 1
    assert ProductSnapshot.objects.filter(product=catalogue).count() == snapshots + 1


def test_the_preview_shows_what_was_typed_and_saves_nothing(client, communication, catalogue):
    data = form_data(
        catalogue, title="Gezinsattest (proef)", preview_language="fr", action="preview"
    )
    data["title_fr"] = "Attestation d'essai"
    response = client.post(edit(catalogue), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Attestation d&#x27;essai" in page
    assert 'lang="fr"' in page
    assert "with your changes (not saved)" in page
    catalogue.refresh_from_db()
    assert catalogue.title == "Attest gezinssamenstelling"
    assert catalogue.title_fr != "Attestation d'essai"


def test_a_wrong_value_is_shown_on_its_field_and_nothing_saved(client, communication, catalogue):
    version = catalogue.version
    data = form_data(catalogue, is_free="on", fee_cents="500", action="save")
    data["audiences"] = ["martians"]
    response = client.post(edit(catalogue), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "audiences" in errors
    catalogue.refresh_from_db()
    assert catalogue.version == version


def test_publishing_needs_its_permission(client, municipality, catalogue):
    sign_in_verified(client, staff_of("citizens_affairs", "Burgerzaken", "katrien"))
    assert client.get(reverse("backoffice:catalog_products")).status_code == 200
    assert client.get(edit(catalogue)).status_code == 403
    state = reverse("backoffice:catalog_product_state", args=[catalogue.pk])
    assert client.post(state, {"action": "withdraw"}).status_code == 403
    catalogue.refresh_from_db()
    assert catalogue.is_published


def test_withdraw_and_publish_again(client, communication, catalogue):
    state = reverse("backoffice:catalog_product_state", args=[catalogue.pk])
    client.post(state, {"action": "withdraw"})
    catalogue.refresh_from_db()
    assert catalogue.status == Product.Status.WITHDRAWN
    assert ProductSnapshot.objects.filter(product=catalogue, is_archived=True).exists()
    client.post(state, {"action": "publish"})
    catalogue.refresh_from_db()
    assert catalogue.is_published
    response = client.post(state, {"action": "nonsense"})
    assert response.status_code == 302


def test_the_list_reads_the_products_in_one_query(
    client, communication, catalogue, django_assert_num_queries
):
    url = reverse("backoffice:catalog_products")
    client.get(url)
    # The five of every staff page (session, user, device, permissions), the products.
    with django_assert_num_queries(6):
        assert client.get(url, {"q": "attest"}).status_code == 200
