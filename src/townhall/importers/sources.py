"""What staff see of each importer: its name in the interface and the permission to start it.

The registry (:mod:`.registry`) knows the importer classes; this table says who
may start which, in the back office. The roles (``townhall.accounts.roles``)
give these permissions: citizens' affairs the addresses and the population
register, the secretariat the enterprises. A source without a line here is not
offered in the back office (the command line still runs it).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

START_ADDRESS_IMPORT = "importers.start_address_import"
START_POPULATION_IMPORT = "importers.start_population_import"
START_ENTERPRISE_IMPORT = "importers.start_enterprise_import"
VIEW_IMPORT_RUNS = "importers.view_importrun"


@dataclass(frozen=True)
class Source:
    """One importer as the back office offers it."""

    code: str  # the importer's registry name
    label: Promise
    permission: str
    accepts: Promise  # what to upload, for the form's help text


SOURCES: dict[str, Source] = {
    source.code: source
    for source in (
        Source(
            "best",
            _("the addresses (BeST)"),
            START_ADDRESS_IMPORT,
            _("The BeST address file (openaddress-bevlg.csv), or a ZIP archive holding it."),
        ),
        Source(
            "population",
            _("the population register"),
            START_POPULATION_IMPORT,
            _("The population register export (CSV), or a ZIP archive holding it."),
        ),
        Source(
            "kbo",
            _("the enterprises (KBO)"),
            START_ENTERPRISE_IMPORT,
            _("The KBO open data ZIP archive (the monthly full file)."),
        ),
    )
}


def source_label(code: str) -> str:
    source = SOURCES.get(code)
    return str(source.label) if source else code


def sources_allowed(user) -> list[Source]:
    """The sources ``user`` may start and whose runs they may read, in table order."""
    return [source for source in SOURCES.values() if user.has_perm(source.permission)]
