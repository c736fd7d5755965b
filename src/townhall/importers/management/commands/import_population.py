"""Import the municipality's population register export (see docs/imports.md)."""

from townhall.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import residents and households from the population register export (Townhall's "
        "CSV format, or a ZIP holding it): person rows and move_in, move_out, death and "
        "household_change events, in file order. Resumes an interrupted import of the same file."
    )
    source = "population"
    path_help = "the population register export (CSV), or a ZIP archive holding it"
    all_help = "not used: the population register holds the active municipality's residents only"
