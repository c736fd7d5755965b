"""The catalogue's domain events (see :mod:`townhall.events`).

Sent after the commit of the service that made the change; the data are the
product's id, its slug and the snapshot's version, never its texts. The online
forms (eforms) and the feed's consumers may react to them.
"""

from townhall.events import DomainEvent

# A product became visible to residents (product_publish).
product_published = DomainEvent(
    "be.townhall.catalog.product.published",
    subject="product",
    data=["product", "slug", "version"],
)

# A product's texts or settings changed (product_update); ``published`` says whether
# residents see the change now.
product_changed = DomainEvent(
    "be.townhall.catalog.product.changed",
    subject="product",
    data=["product", "slug", "version", "published"],
)

# A product was withdrawn (product_withdraw): no longer offered, kept with its history.
product_withdrawn = DomainEvent(
    "be.townhall.catalog.product.withdrawn",
    subject="product",
    data=["product", "slug", "version"],
)
