"""The forms app tells the catalogue which products have an online form
(:mod:`townhall.catalog.online`)."""

from django.urls import reverse

from townhall.catalog.online import OnlineRequestProvider, register
from townhall.eforms.models import FormVersion


@register("eforms")
class PublishedForms(OnlineRequestProvider):
    """A product's form is the published form whose ``product_slug`` is the product's."""

    def url_for(self, *, product_slug: str) -> str | None:
        version = (
            FormVersion.objects.filter(form__product_slug=product_slug, published=True)
            .select_related("form")
            .order_by("-number")
            .first()
        )
        if version is None:
            return None
        return reverse("eforms:step", args=[version.form.slug, 1])
