"""Reads of the catalogue for the public pages and the feed; each a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from townhall.catalog import search
from townhall.catalog.models import Product, ProductSnapshot
from townhall.catalog.vocabulary import Audience, Theme

FEED_PAGE_SIZE = 50


def published() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.PUBLISHED).select_related("department")


def product_get_published(*, slug: str) -> Product | None:
    """One published product by its slug, with its department (one query)."""
    return published().filter(slug=slug[:100]).first()


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    products: list[Product]


def catalogue_overview() -> tuple[list[Group], list[Group]]:
    """Every published product by theme and by audience (one query; grouped here)."""
    products = list(
        Product.objects.filter(status=Product.Status.PUBLISHED).only(
            "slug", "title", "title_fr", "title_en", "themes", "audiences"
        )
    )
    by_theme = [
        Group(code, label, [p for p in products if code in p.themes])
        for code, label in Theme.choices
    ]
    by_audience = [
        Group(code, label, [p for p in products if code in p.audiences])
        for code, label in Audience.choices
    ]
    return [g for g in by_theme if g.products], [g for g in by_audience if g.products]


def product_search(*, query: str) -> list[Product]:
    """Published products that match every word of ``query`` as a prefix, or, when none
    does, that are close to it (a typo); two or three queries whatever the catalogue's size."""
    terms = search.query_terms(query)
    ids = search.matching_ids(terms) or search.similar_ids(terms)
    if not ids:
        return []
    found = {p.pk: p for p in published().filter(pk__in=ids[:50])}
    return [found[pk] for pk in ids[:50] if pk in found]


def feed_page(*, page: int) -> tuple[list[ProductSnapshot], bool]:
    """Snapshots of page ``page`` (from 1) of the feed, oldest first, and whether a next
    page exists (one query)."""
    start = (page - 1) * FEED_PAGE_SIZE
    rows = list(
        ProductSnapshot.objects.filter(in_feed=True)
        .order_by("pk")
        .only("document")[start : start + FEED_PAGE_SIZE + 1]
    )
    return rows[:FEED_PAGE_SIZE], len(rows) > FEED_PAGE_SIZE


STAFF_LIST_LIMIT = 500


def product_list_for_staff(*, query: str = "", status: str = "") -> list[Product]:
    """Products of every status for the back office, by title, with their department: those
    whose title or keywords hold every word of ``query``, of ``status`` when it is one
    (one query; at most :data:`STAFF_LIST_LIMIT`, more than a municipality offers)."""
    products = Product.objects.select_related("department").only(
        "slug", "title", "status", "version", "product_type", "updated_at", "department"
    )
    if status in Product.Status.values:
        products = products.filter(status=status)
    for word in query.replace("\x00", "").split()[:10]:
        word = word[:100]
        products = products.filter(Q(title__icontains=word) | Q(keywords__icontains=word))
    return list(products.order_by("title", "pk")[:STAFF_LIST_LIMIT])
