"""The catalogue's LDES: a paged, versioned event stream of instance snapshots in JSON-LD.

Page N (from 1) of ``/catalogus/ldes/?page=N`` holds up to
:data:`~townhall.catalog.selectors.FEED_PAGE_SIZE` snapshots, oldest first, and
a ``tree:relation`` to the next page. A page that is full never changes, so a
consumer (LPDC) that read it only asks for the next one. The stream says which
property carries the version (``ldes:versionOfPath`` = ``dct:isVersionOf``) and
the time (``ldes:timestampPath`` = ``prov:generatedAtTime``).
"""

from django.conf import settings

from townhall.catalog.lpdc.context import CONTEXT
from townhall.catalog.selectors import feed_page


def page_url(page: int) -> str:
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}/catalogus/ldes/?page={page}"


def feed_document(*, page: int) -> dict:
    snapshots, has_next = feed_page(page=page)
    stream = f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}/catalogus/ldes/"
    node = {"@id": page_url(page), "@type": "tree:Node"}
    if has_next:
        node["tree:relation"] = [
            {"@type": "tree:Relation", "tree:node": {"@id": page_url(page + 1)}}
        ]
    return {
        "@context": CONTEXT,
        "@graph": [
            {
                "@id": stream,
                "@type": "ldes:EventStream",
                "ldes:versionOfPath": {"@id": "dct:isVersionOf"},
                "ldes:timestampPath": {"@id": "prov:generatedAtTime"},
                "tree:view": {"@id": page_url(1)},
                "tree:member": [{"@id": s.document["@id"]} for s in snapshots],
            },
            node,
            *[s.document for s in snapshots],
        ],
    }
