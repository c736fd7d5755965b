"""The news app's domain events (see :mod:`townhall.events`).

Sent after the commit of the service that made the change; the data are the
publication's id, its slug and kind, never its texts. Delivery (subscriptions by
e-mail and SMS, social posts) reacts to ``publication_published``; it reads the
publication's ``publish_at``, which may lie ahead when the editor scheduled it, and
its chosen channels.
"""

from townhall.events import DomainEvent

# A publication was published, now or from its publish_at (publication_publish).
publication_published = DomainEvent(
    "be.townhall.news.publication.published",
    subject="publication",
    data=["publication", "slug", "kind", "urgent", "scheduled"],
)

# A published publication was withdrawn (publication_withdraw): it answers 410 Gone.
publication_withdrawn = DomainEvent(
    "be.townhall.news.publication.withdrawn",
    subject="publication",
    data=["publication", "slug", "kind"],
)
