"""Source connectors: where the once-only prefill reads what is already known.

1. A connector is a class that inherits the typed abstract base
   :class:`~townhall.registry.connectors.base.SourceConnector` and registers
   itself with ``@register("name")`` (:mod:`.registry`).
2. ``RegistryConfig.ready()`` imports the connector modules, so the project's
   :data:`register` holds them once Django has started.
3. :mod:`townhall.registry.prefill` asks a connector by name (by default
   ``townhall-register``, our own tables, :mod:`.local`) for a
   :class:`~townhall.registry.connectors.base.PersonRecord` or
   :class:`~townhall.registry.connectors.base.OrganisationRecord`.

Only connectors that work against something real are shipped. A connector for
an authentic source (MAGDA ``GeefPersoon``, ``GeefOnderneming``) plugs in the
same way; ``docs/architecture.md`` says how.
"""

from townhall.registry.connectors.base import (
    AddressRecord,
    HouseholdMemberRecord,
    OrganisationRecord,
    PersonRecord,
    RepresentationRecord,
    SourceConnector,
)
from townhall.registry.connectors.registry import Registry, UnknownConnector, register

__all__ = [
    "AddressRecord",
    "HouseholdMemberRecord",
    "OrganisationRecord",
    "PersonRecord",
    "Registry",
    "RepresentationRecord",
    "SourceConnector",
    "UnknownConnector",
    "register",
]
