"""The start page shows the active municipality; nothing about a municipality is hard-coded."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_shows_the_active_municipality(client, municipality, dutch):
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Testdorp" in html
    assert "info@testdorp.example.org" in html
    assert "Burgerzaken" in html
    assert "Ingelmunster" not in html
    assert '<html lang="nl">' in html


@pytest.mark.django_db
def test_home_without_a_municipality_says_what_to_do(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Townhall" in response.content.decode()


@pytest.mark.django_db
def test_home_in_french_uses_the_french_name(client, municipality):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Village-Test" in html


@pytest.mark.django_db
def test_home_query_count_is_fixed(client, municipality, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(reverse("portal:home"))


@pytest.mark.django_db
def test_health(client):
    response = client.get(reverse("portal:health"))
    assert response.json() == {"status": "ok"}
