"""The demo catalogue: the products a Flemish municipality offers, read from LPDC JSON-LD.

The file ``catalog/data/demo-catalogue.jsonld`` is in the shape of the
municipality's LPDC instances, so the demo fills its catalogue the way a real
municipality would: through the importer, not typed twice.
"""

from pathlib import Path

import townhall.catalog
from townhall.catalog.lpdc.importer import lpdc_import

DEMO_CATALOGUE = Path(townhall.catalog.__file__).parent / "data" / "demo-catalogue.jsonld"


def demo_catalogue_create() -> int:
    """Import and publish the demo products; how many were created."""
    report = lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    return len(report.created)
