"""The catalogue end to end: services and snapshots, the LPDC importer, the LDES feed as
JSON-LD, search and the public pages (with hostile input and pinned query counts)."""

import json

import pytest
from django.core.exceptions import ValidationError
from pyld import jsonld

from townhall.catalog import events, services
from townhall.catalog.lpdc.importer import LpdcError, lpdc_import, lpdc_read
from townhall.catalog.models import Product, ProductSnapshot
from townhall.catalog.selectors import product_search
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db
DCT = "http://purl.org/dc/terms/"
LPDC = "https://productencatalogus.data.vlaanderen.be/ns/ipdc-lpdc#"


def dutch(client):
    client.cookies["townhall_language"] = "nl"
    return client


def titles(results):
    return [p.title for p in results]


def test_search_finds_the_household_composition_certificate_from_gezin(catalogue):
    assert "Attest gezinssamenstelling" in titles(product_search(query="gezin"))
    assert titles(product_search(query="GEZINSSAMENSTELLING"))[0] == "Attest gezinssamenstelling"
    # A typo: trigram similarity.
    assert "Attest gezinssamenstelling" in titles(product_search(query="gezinsamenstelling"))
    # A synonym (keyword) and French.
    assert "Ophaling grofvuil aan huis" in titles(product_search(query="matras"))
    assert "Attest gezinssamenstelling" in titles(product_search(query="ménage"))


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        'gezin" OR "*',
        "\x00",
        "a\x00b",
        "x" * 1_000_000,
        "AND OR NOT",
        "^",
        "'--",
    ],
)
def test_hostile_search_input_is_never_an_error(catalogue, client, query):
    assert isinstance(product_search(query=query), list)
    assert client.get("/catalogus/zoeken/", {"q": query}).status_code == 200


def test_search_page_in_dutch_and_its_query_count(catalogue, client, django_assert_num_queries):
    dutch(client)
    client.get("/catalogus/zoeken/", {"q": "gezin"})
    with django_assert_num_queries(2):  # the matching ids, the products
        response = client.get("/catalogus/zoeken/", {"q": "gezin"})
    assert "Attest gezinssamenstelling" in response.content.decode()


def test_overview_product_and_request_pages(catalogue, client, django_assert_num_queries):
    dutch(client).get("/catalogus/?by=1")  # warm the municipality's cached profile
    with django_assert_num_queries(1):
        response = client.get("/catalogus/?by=1")  # a query string: not kept whole
    page = response.content.decode()
    assert "Burger en overheid" in page or "Citizen and government" in page
    response = client.get("/catalogus/attest-gezinssamenstelling/?x=1")
    page = response.content.decode()
    assert "https://www.vlaanderen.be/mijn-burgerprofiel" in page
    assert "Attest gezinssamenstelling" in page
    assert 'style="' not in page
    assert client.get("/catalogus/attest-gezinssamenstelling/aanvragen/").status_code == 200
    assert client.get("/catalogus/bestaat-niet/").status_code == 404


def test_a_product_page_shows_the_fee_channels_and_anonymous_reports(catalogue, client):
    page = dutch(client).get("/catalogus/melding-sluikstort/").content.decode()
    assert "/catalogus/melding-sluikstort/aanvragen/" in page
    product = Product.objects.get(slug="melding-sluikstort")
    assert product.anonymous_allowed
    assert product.assurance == "none"
    assert product.online
    assert Product.objects.get(slug="bewonersparkeerkaart").fee_cents == 2500


def test_every_change_writes_a_snapshot_and_withdrawing_archives(
    catalogue, django_capture_on_commit_callbacks
):
    product = Product.objects.get(slug="zaalreservatie")
    before = product.version
    signals = (events.product_changed, events.product_withdrawn)
    with events_received(*signals) as sent, django_capture_on_commit_callbacks(execute=True):
        product = services.product_update(product=product, keywords="zaal, fuifzaal")
        assert product.version == before + 1
        product = services.product_withdraw(product=product)
    snapshot = ProductSnapshot.objects.filter(product=product).order_by("-version").first()
    assert snapshot.is_archived
    assert snapshot.in_feed
    assert snapshot.document["lpdcExt:isArchived"] is True
    assert product.status == "withdrawn"
    assert Product.objects.filter(pk=product.pk).exists()  # a soft state
    assert [e.type for e in sent] == [events.product_changed.type, events.product_withdrawn.type]
    assert "Zaalreservatie" not in titles(product_search(query="zaal"))
    with pytest.raises(ValidationError, match="Only a published product"):
        services.product_withdraw(product=product)


def test_a_bad_change_is_refused_whole(catalogue):
    product = Product.objects.get(slug="zaalreservatie")
    with pytest.raises(ValidationError) as error:
        services.product_update(product=product, themes=["Nope"], is_free=True)
    assert "themes" in error.value.message_dict
    assert Product.objects.get(pk=product.pk).version == product.version


def _feed(client, page=1):
    response = client.get("/catalogus/ldes/", {"page": page})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(response.content)


def test_the_feed_is_json_ld_and_carries_every_product(catalogue, client, settings):
    document = _feed(client)
    quads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert quads
    expanded = jsonld.expand(document)
    snapshots = [
        n for n in expanded if f"{LPDC}InstancePublicServiceSnapshot" in n.get("@type", [])
    ]
    versions_of = {n[f"{DCT}isVersionOf"][0]["@id"] for n in snapshots}
    assert versions_of == set(
        Product.objects.filter(status="published").values_list("iri", flat=True)
    )
    for node in snapshots:
        assert node["http://www.w3.org/ns/prov#generatedAtTime"][0]["@type"].endswith("dateTime")
        assert node["http://purl.org/pav/createdBy"][0]["@id"]
        area = node[f"{DCT}spatial"][0]["@id"]
        assert area == f"http://vocab.belgif.be/auth/refnis2019/{catalogue.nis_code}"
        assert node[f"{DCT}title"]


def test_the_feed_takes_the_area_from_the_municipality_profile(catalogue, client):
    catalogue.nis_code = "36011"
    catalogue.save()
    product = Product.objects.get(slug="zaalreservatie")
    services.product_update(product=product, keywords="zaal")
    last = ProductSnapshot.objects.order_by("-pk").first()
    assert last.document["dct:spatial"]["@id"].endswith("/36011")


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 40, "\x00"])
def test_the_feed_refuses_a_bad_page(catalogue, client, page):
    assert client.get("/catalogus/ldes/", {"page": page}).status_code == 400


def test_the_feed_round_trips_through_the_importer(catalogue, client):
    document = _feed(client)
    records = lpdc_read(json.dumps(document))
    assert len(records) == Product.objects.filter(status="published").count()
    record = next(r for r in records if r.fields.get("title") == "Bewonersparkeerkaart")
    assert record.fields["fee_cents"] == 2500
    assert record.fields["product_type"] == "Toelating"


def test_an_ipdc_concept_becomes_a_product(municipality):
    from pathlib import Path

    data = (Path(__file__).parent / "samples" / "ipdc-concept.jsonld").read_bytes()
    report = lpdc_import(data=data)
    product = Product.objects.get(slug=report.created[0])
    assert product.concept_iri.startswith("https://ipdc.vlaanderen.be/id/concept/")
    assert product.title == "Attest van gezinssamenstelling"
    assert product.title_fr
    assert product.status == "draft"
    assert product.dutch_form == "informal"
    # Again: the same product is updated, not made twice.
    assert lpdc_import(data=data).updated == [product.slug]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not JSON"),
        (b"42", "not a JSON-LD document"),
        (b'{"@context": "https://example.org/c.jsonld", "@id": "x"}', "remote JSON-LD context"),
        (b'{"@id": "http://x/1", "@type": "http://x/Thing"}', "no IPDC concept"),
        (b"\xff\xfe\x00", "not JSON"),
    ],
)
def test_the_importer_says_what_is_wrong(municipality, data, message):
    with pytest.raises(LpdcError, match=message):
        lpdc_read(data)


def test_the_demo_seed_imports_the_catalogue_for_ingelmunster(db, client):
    from townhall.catalog.tests.conftest import DEMO_CATALOGUE
    from townhall.municipality.models import Municipality

    Municipality.objects.create(
        name="Ingelmunster",
        nis_code="36007",
        is_active=True,
        street="Bruggestraat",
        house_number="1",
        postcode="8770",
        email="info@x.invalid",
        phone="+32 51 00 00 00",
    )
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    assert Product.objects.filter(status="published").count() >= 15
    document = _feed(client)
    snapshot = next(n for n in document["@graph"] if "dct:isVersionOf" in n)
    assert snapshot["dct:spatial"]["@id"].endswith("/36007")


def test_without_a_provider_that_knows_the_product_there_is_no_online_form():
    from townhall.catalog.online import (
        OnlineRequestProvider,
        OnlineRequestProviders,
        online_request_url,
    )

    providers = OnlineRequestProviders()

    @providers("nothing")
    class Nothing(OnlineRequestProvider):
        def url_for(self, *, product_slug):
            return None

    @providers("parking")
    class Parking(OnlineRequestProvider):
        def url_for(self, *, product_slug):
            return "/form/" if product_slug == "parking" else None

    assert online_request_url(product_slug="parking", providers=providers) == "/form/"
    assert online_request_url(product_slug="other", providers=providers) is None


def test_the_admins_publish_action_without_a_municipality_says_so(catalogue, client):
    # The hostile-input walk found it: publishing with no active municipality was a 500.
    from townhall.accounts.tests.staff import sign_in_verified, staff_user
    from townhall.catalog.services import product_create
    from townhall.municipality.models import Municipality

    product = product_create(
        title="Zaal huren",
        description="Een zaal.",
        product_type="Toelating",
        audiences=["association"],
        themes=["CultuurSportVrijeTijd"],
    )
    Municipality.objects.update(is_active=False)
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    response = client.post(
        "/admin/catalog/product/",
        {"action": "publish", "_selected_action": [product.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Set up the municipality first" in response.content.decode()
