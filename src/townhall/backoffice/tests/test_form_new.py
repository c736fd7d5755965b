"""A new online form in the back office: its title, address and product, then the editor."""

import pytest
from django.urls import reverse

from townhall.catalog.services import product_create
from townhall.eforms.models import FormDefinition, FormVersion

pytestmark = pytest.mark.django_db
NEW = "/backoffice/formulieren/nieuw/"


def test_communication_makes_a_form_and_writes_its_first_version(client, communication):
    product = product_create(
        title="Zaal huren",
        description="Een zaal.",
        product_type="Toelating",
        audiences=["association"],
        themes=["CultuurSportVrijeTijd"],
    )
    product.online = True
    product.save(update_fields=["online"])
    page = client.get(NEW)
    assert page.status_code == 200
    assert 'value="zaal-huren"' in page.content.decode()  # a product without a form yet
    response = client.post(
        NEW, {"title": "Een zaal huren", "slug": "zaal-huren", "product": "zaal-huren"}
    )
    form = FormDefinition.objects.get(slug="zaal-huren")
    assert form.product_slug == "zaal-huren"
    assert response["Location"] == reverse("backoffice:form_edit", args=[form.pk])
    editor = client.get(response["Location"]).content.decode()
    assert "Een zaal huren" in editor  # the skeleton carries the form's title
    assert not FormVersion.objects.filter(form=form).exists()  # nothing until it is saved
    # The product's form is taken: it is no longer offered for another one.
    assert 'value="zaal-huren"' not in client.get(NEW).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "slug": "x"}, "title"),
        ({"title": "T", "slug": "Geen spaties!"}, "slug"),
        ({"title": "T", "slug": "Hoofdletters"}, "slug"),
        ({"title": "T", "slug": "onder_streep"}, "slug"),
        ({"title": "T", "slug": "a" * 81}, "slug"),
        ({"title": "T", "slug": "ok", "product": "bestaat-niet"}, "product"),
        ({"title": "<script>alert(1)</script>" * 20, "slug": "ok"}, "title"),
        ({"title": "T", "slug": "ok\x00"}, "slug"),
    ],
)
def test_bad_input_gets_an_error_on_its_field_and_makes_nothing(client, communication, data, field):
    # Counted, not "none": a browser walk's session-wide data may hold the example forms.
    before = FormDefinition.objects.count()
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert FormDefinition.objects.count() == before


def test_an_address_in_use_is_refused_on_its_field(client, communication):
    FormDefinition.objects.create(slug="zaal-reserveren", title="Zaal reserveren")
    before = FormDefinition.objects.count()
    response = client.post(NEW, {"title": "Nog een", "slug": "zaal-reserveren"})
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert FormDefinition.objects.count() == before


def test_citizens_affairs_may_not_make_a_form(client, citizens_affairs):
    before = FormDefinition.objects.count()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"title": "T", "slug": "t"}).status_code == 403
    assert FormDefinition.objects.count() == before
    assert "formulieren/nieuw" not in client.get(reverse("backoffice:forms")).content.decode()
