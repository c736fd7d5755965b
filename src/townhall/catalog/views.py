"""The catalogue's public pages (Dutch first, one language per page) and its LDES feed."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from townhall.catalog import selectors
from townhall.catalog.lpdc.document import fee_text
from townhall.catalog.lpdc.feed import feed_document
from townhall.catalog.models import TEXT_FIELDS
from townhall.catalog.online import online_request_url
from townhall.catalog.search import MAX_QUERY_LENGTH
from townhall.page_cache import public_page

MAX_FEED_PAGE = 10**6


def _language() -> str:
    return (get_language() or "nl")[:2]


@public_page
def overview(request):
    """Every product, by theme and by audience."""
    by_theme, by_audience = selectors.catalogue_overview()
    return render(
        request,
        "catalog/overview.html",
        {"by_theme": by_theme, "by_audience": by_audience, "language": _language()},
    )


def search(request):
    """Search by any words; never an error, whatever the query holds."""
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].replace("\x00", "")
    results = selectors.product_search(query=query) if query.strip() else []
    return render(
        request,
        "catalog/search.html",
        {
            "query": query,
            "results": results,
            "searched": bool(query.strip()),
            "language": _language(),
        },
    )


@public_page
def product_detail(request, slug):
    product = selectors.product_get_published(slug=slug)
    if product is None:
        raise Http404("No such product.")
    return render(request, "catalog/product.html", product_page_context(product, _language()))


def product_page_context(product, language: str) -> dict:
    """What the product page shows of ``product`` in ``language``. The back office's
    preview shows an unsaved product with the same template
    (``catalog/includes/product_body.html``)."""
    texts = {name: product.text(name, language) for name in (*TEXT_FIELDS, "elsewhere_label")}
    return {
        "product": product,
        "texts": texts,
        "fee": fee_text(product, language),
        "department_name": product.department.localized_name(language)
        if product.department
        else "",
    }


def request_product(request, slug):
    """Where "ask" leads: the product's online form, when an app with forms has one
    (:mod:`townhall.catalog.online`); otherwise how to ask at the counter or by appointment.
    Not kept as a public page: a form published later must be found at once."""
    product = selectors.product_get_published(slug=slug)
    if product is None:
        raise Http404("No such product.")
    form_url = online_request_url(product_slug=product.slug) if product.online else None
    if form_url:
        return redirect(form_url)
    return render(
        request,
        "catalog/request.html",
        {"product": product, "title": product.text("title", _language())},
    )


def ldes(request):
    """One page of the snapshot feed, as JSON-LD."""
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 8 else 0
    if not 1 <= page <= MAX_FEED_PAGE:
        return HttpResponse(
            json.dumps({"title": "page must be a whole number from 1"}),
            status=400,
            content_type="application/problem+json",
        )
    response = HttpResponse(
        json.dumps(feed_document(page=page), ensure_ascii=False),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
