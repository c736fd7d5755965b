"""The models of the registry app, one module per concept.

- :mod:`.streets`: streets (OSLO adres:Straatnaam), with their register id;
- :mod:`.addresses`: addresses (OSLO Adresregister) and their normalisation;
- :mod:`.persons`: persons (OSLO Persoon basis);
- :mod:`.households`: households and their members;
- :mod:`.organisations`: organisations, their addresses and representatives;
- :mod:`.associations`: associations' main activities and the register feed's position;
- :mod:`.activities`: organisations' NACE-BEL activities (from the KBO);
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
from townhall.registry.models.activities import OrganisationActivity
from townhall.registry.models.addresses import Address, address_errors, normalise_address
from townhall.registry.models.associations import AssociationActivity, RegisterFeedPosition
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
from townhall.registry.models.streets import Street, street_key

__all__ = [
    "LANGUAGES",
    "AccessLogEntry",
    "Address",
    "AssociationActivity",
    "Consent",
    "ContactPreference",
    "CorrectionRequest",
    "HistoryContext",
    "Household",
    "HouseholdMembership",
    "Organisation",
    "OrganisationActivity",
    "OrganisationAddress",
    "Person",
    "RecordSource",
    "RegisterFeedPosition",
    "Representative",
    "Street",
    "TopicPreference",
    "address_errors",
    "normalise_address",
    "street_key",
]
