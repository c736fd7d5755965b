import pytest

from townhall.catalog.models import Product, ProductSnapshot

pytestmark = pytest.mark.django_db


def test_demo_catalogue(catalogue, client):
    assert Product.objects.filter(status="published").count() >= 15
    assert ProductSnapshot.objects.filter(in_feed=True).count() >= 15
    response = client.get("/catalogus/zoeken/", {"q": "gezin"})
    assert response.status_code == 200
    assert "Household composition certificate" in response.content.decode()
    response = client.get("/catalogus/")
    assert response.status_code == 200
    product = Product.objects.get(slug="attest-gezinssamenstelling")
    response = client.get(f"/catalogus/{product.slug}/")
    assert "mijn-burgerprofiel" in response.content.decode()
    response = client.get("/catalogus/ldes/?page=1")
    assert response.status_code == 200
