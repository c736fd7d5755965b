"""What news does after its own events (connected by :meth:`NewsConfig.ready`)."""

from django.dispatch import receiver

from townhall.events import Event
from townhall.news.delivery import delivery_start
from townhall.news.events import publication_published


@receiver(publication_published, dispatch_uid="townhall.news.publication_delivery")
def publication_delivery_start(sender, event: Event, **kwargs) -> None:
    """A published publication goes to its subscribers, streets and social accounts."""
    delivery_start(publication_id=event.data["publication"])
