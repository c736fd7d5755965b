"""Writes of the catalogue: every change of a product, with its snapshot for the feed.

1. :func:`product_create` and :func:`product_update` take the product's fields by
   name, check them (``full_clean``: one :class:`ValidationError` with a message
   per field) and save them.
2. :func:`product_publish` shows a product to residents; :func:`product_withdraw`
   takes it away again: a soft state, the product and its history stay.
3. Each of them, in the same transaction, raises the version, writes the search
   columns (``catalog.search``), and writes a :class:`ProductSnapshot`: the whole
   product as an LPDC instance snapshot, in the public feed when the product is
   published or has just been withdrawn (then archived).
4. The domain event (``catalog.events``) goes out after the commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from townhall.catalog import events, search
from townhall.catalog.lpdc.document import product_iri, snapshot_node
from townhall.catalog.models import Product, ProductSnapshot
from townhall.municipality.models import Municipality

# What a caller may set; the rest (version, status, search columns) the services keep.
EDITABLE = frozenset(
    f.name
    for f in Product._meta.get_fields()
    if getattr(f, "editable", False)
    and f.concrete
    and f.name not in {"id", "status", "search_text", "search_words", "created_at", "updated_at"}
) | {"department"}


# The catalogue's own pages under /catalogus/ (catalog.urls).
RESERVED_SLUGS = frozenset({"zoeken", "ldes", "id"})


def _active_municipality() -> Municipality:
    municipality = Municipality.objects.filter(is_active=True).first()
    if municipality is None:
        raise ValidationError(_("Set up the municipality first: the catalogue is its own."))
    return municipality


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = (slugify(title) or "product")[:90]
    slug, n = base, 1
    taken = Product.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _assign(product: Product, fields: dict) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"Not a product field a service may set: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(product, name, value)


def _save(product: Product, *, change: str, in_feed: bool, archived: bool = False) -> Product:
    """Check, bump the version, index, save and snapshot (inside the caller's transaction)."""
    product.full_clean()
    product.version += 1
    product.search_text, product.search_words = search.search_fields(product)
    product.save()
    search.product_index(product)
    snapshot = ProductSnapshot(
        product=product,
        version=product.version,
        change=change,
        generated_at=timezone.now(),
        in_feed=in_feed,
        is_archived=archived,
    )
    snapshot.document = snapshot_node(
        product,
        municipality=_active_municipality(),
        snapshot_uuid=snapshot.uuid,
        generated_at=snapshot.generated_at,
        archived=archived,
    )
    snapshot.save()
    return product


@transaction.atomic
def product_create(*, title: str, description: str, product_type: str, **fields) -> Product:
    """A new product, as a draft (or published straight away with ``publish=True``)."""
    publish = fields.pop("publish", False)
    product = Product(title=title, description=description, product_type=product_type)
    _assign(product, fields)
    if not product.slug:
        product.slug = _unique_slug(title)
    if not product.iri:
        product.iri = product_iri(product)
    if publish:
        product.status = Product.Status.PUBLISHED
        product.published_at = timezone.now()
    _save(product, change=ProductSnapshot.Change.CREATED, in_feed=publish)
    if publish:
        _send(events.product_published, product)
    return product


@transaction.atomic
def product_update(*, product: Product, **fields) -> Product:
    """Change a product's texts or settings; a published product's feed gets the new version."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    _assign(product, fields)
    _save(product, change=ProductSnapshot.Change.CHANGED, in_feed=product.is_published)
    events.product_changed.send_on_commit(
        subject_id=product.pk,
        product=product.pk,
        slug=product.slug,
        version=product.version,
        published=product.is_published,
    )
    return product


@transaction.atomic
def product_publish(*, product: Product) -> Product:
    """Show the product to residents and put it in the feed."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.is_published:
        return product
    product.status = Product.Status.PUBLISHED
    product.published_at = timezone.now()
    _save(product, change=ProductSnapshot.Change.PUBLISHED, in_feed=True)
    _send(events.product_published, product)
    return product


@transaction.atomic
def product_withdraw(*, product: Product) -> Product:
    """Stop offering the product (a soft state): it leaves the pages and the feed gets an
    archived snapshot. Only a published product can be withdrawn."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status != Product.Status.PUBLISHED:
        raise ValidationError(_("Only a published product can be withdrawn."))
    product.status = Product.Status.WITHDRAWN
    _save(product, change=ProductSnapshot.Change.WITHDRAWN, in_feed=True, archived=True)
    _send(events.product_withdrawn, product)
    return product


def _send(event, product: Product) -> None:
    event.send_on_commit(
        subject_id=product.pk, product=product.pk, slug=product.slug, version=product.version
    )
