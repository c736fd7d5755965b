"""A demo print batch: the certificates of residence of one short street, made by the
citizens' affairs clerk, so *Print batches* shows a finished batch with its PDF.

It runs through the real services (:mod:`townhall.documents.batches`) in this
process (one rendering process: the seed is a command, and the street is short).
"""

from django.db.models import Count

from townhall.accounts.models import User
from townhall.documents.batches import document_batch_render, document_batch_request
from townhall.registry.models import Person

# A short street: a batch of a handful of documents, a few seconds of the seed.
MOST_RESIDENTS = 12


def demo_print_batch_create() -> int:
    """Make the demo batch after the seed has committed (a batch commits chunk by chunk);
    how many documents it issued (0 when no street is short)."""
    residents = Person.objects.filter(state=Person.State.RESIDENT, domicile__isnull=False)
    street = (
        residents.values("domicile__street_name")
        .annotate(n=Count("pk"))
        .filter(n__gte=3, n__lte=MOST_RESIDENTS)
        .order_by("domicile__street_name")
        .first()
    )
    if street is None:
        return 0
    name = street["domicile__street_name"]
    holders = residents.filter(domicile__street_name=name).order_by("domicile__house_number", "pk")
    batch = document_batch_request(
        kind="certificate_of_residence",
        holders=list(holders.values_list("pk", flat=True)),
        title=f"Bewijs van woonst {name}",
        actor=User.objects.filter(username="burgerzaken").first(),
    )
    batch = document_batch_render(batch.pk, processes=1)
    return batch.issued if batch is not None else 0
