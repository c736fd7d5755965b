"""The models of the registry app, one module per concept.

- :mod:`.addresses`: addresses (OSLO Adresregister) and their normalisation;
- :mod:`.persons`: persons (OSLO Persoon basis);
- :mod:`.households`: households and their members;
- :mod:`.organisations`: organisations, their addresses and representatives;
- :mod:`.access_log`: every staff look at a person's data;
- :mod:`.provenance`, :mod:`.preferences`, :mod:`.corrections`: the once-only
  records beside the base registers (their services keep their own modules:
  :mod:`townhall.registry.provenance`, :mod:`townhall.registry.contact`,
  :mod:`townhall.registry.corrections`).

Each module imports the models it refers to from its sibling, never from this
package, and nothing here imports a module outside the package: the models form
no import loop with the services that use them. :mod:`.history` gives the
models of the register their historical twins (``HistoricalPerson``, ...). Writes go through
:mod:`townhall.registry.services`. The importers' bookkeeping (import runs and
their rejected rows) is the ``importers`` app's, which builds on this one.
"""

from townhall.registry.models.access_log import AccessLogEntry
from townhall.registry.models.addresses import Address, address_errors, normalise_address
from townhall.registry.models.corrections import CorrectionRequest
from townhall.registry.models.history import HistoryContext
from townhall.registry.models.households import Household, HouseholdMembership
from townhall.registry.models.organisations import (
    Organisation,
    OrganisationAddress,
    Representative,
)
from townhall.registry.models.persons import LANGUAGES, Person
from townhall.registry.models.preferences import Consent, ContactPreference, TopicPreference
from townhall.registry.models.provenance import RecordSource

__all__ = [
    "LANGUAGES",
    "AccessLogEntry",
    "Address",
    "Consent",
    "ContactPreference",
    "CorrectionRequest",
    "HistoryContext",
    "Household",
    "HouseholdMembership",
    "Organisation",
    "OrganisationAddress",
    "Person",
    "RecordSource",
    "Representative",
    "TopicPreference",
    "address_errors",
    "normalise_address",
]
