"""The demo catalogue: the products a Flemish municipality offers, read from LPDC JSON-LD.

The file ``catalog/data/demo-catalogue.jsonld`` is in the shape of the
municipality's LPDC instances, so the demo fills its catalogue the way a real
municipality would: through the importer, not typed twice. The certificate of
residence is then marked "issued automatically" (Townhall's own setting, which
LPDC does not carry), as an administrator would in the catalogue's admin.
"""

from pathlib import Path

import townhall.catalog
from townhall.catalog.lpdc.importer import lpdc_import
from townhall.catalog.models import Product
from townhall.catalog.services import product_update

DEMO_CATALOGUE = Path(townhall.catalog.__file__).parent / "data" / "demo-catalogue.jsonld"
# slug -> the kind of document issued at once, without staff (townhall.documents.kinds)
ISSUED_AUTOMATICALLY = {"bewijs-van-woonst": "certificate_of_residence"}


def demo_catalogue_create() -> int:
    """Import and publish the demo products; how many were created."""
    report = lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    for product in Product.objects.filter(slug__in=ISSUED_AUTOMATICALLY, online=True):
        if not product.issued_automatically:
            product_update(
                product=product,
                issued_automatically=True,
                document_kind=ISSUED_AUTOMATICALLY[product.slug],
            )
    return len(report.created)
