"""A demo print batch: the certificates of residence of the demo's shortest street
(about thirty residents at full size), made by the citizens' affairs clerk, so *Print
batches* shows a finished batch with its PDF.

The seed only asks for it, through the real service (:mod:`townhall.documents.batches`),
after its own transaction: the demo's bulk task worker makes it once ``run_demo``
starts, so the seed does not wait for it, and the page shows a batch being made.
"""

from django.db.models import Count

from townhall.accounts.models import User
from townhall.documents.batches import document_batch_request
from townhall.registry.models import Person

# At most this many documents: a minute of the bulk worker at most.
MOST_RESIDENTS = 60


def demo_print_batch_create() -> int:
    """Ask for the demo batch; how many holders it has (0 when no street is short)."""
    residents = Person.objects.filter(state=Person.State.RESIDENT, domicile__isnull=False)
    street = (
        residents.values("domicile__street_name")
        .annotate(n=Count("pk"))
        .filter(n__gte=3, n__lte=MOST_RESIDENTS)
        .order_by("n", "domicile__street_name")
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
    return batch.total
