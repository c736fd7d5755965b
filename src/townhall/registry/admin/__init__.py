"""Admin pages of the registers, with the data-protection rules built in.

- Opening a person's record first asks why; every open writes the access log.
- The national number shows masked; revealing it asks a purpose and is logged.
- A look-up by national number is a POST through the keyed hash, never a URL.

Persons live in :mod:`.persons`, addresses and households in :mod:`.households`,
streets in :mod:`.streets`, organisations in :mod:`.organisations`, correction
requests in :mod:`.corrections`; importing them registers their pages.
"""

from townhall.registry.admin.corrections import CorrectionRequestAdmin
from townhall.registry.admin.households import AddressAdmin, HouseholdAdmin
from townhall.registry.admin.organisations import OrganisationAdmin
from townhall.registry.admin.persons import (
    AccessLogEntryAdmin,
    NumberLookupForm,
    PersonAdmin,
    PersonAdminForm,
    PurposeForm,
)
from townhall.registry.admin.streets import StreetAdmin

__all__ = [
    "AccessLogEntryAdmin",
    "AddressAdmin",
    "CorrectionRequestAdmin",
    "HouseholdAdmin",
    "NumberLookupForm",
    "OrganisationAdmin",
    "PersonAdmin",
    "PersonAdminForm",
    "PurposeForm",
    "StreetAdmin",
]
