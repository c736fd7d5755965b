"""Import the BeST open address file into the address register (see docs/imports.md)."""

from townhall.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import addresses from the BeST open address file (openaddress-bevlg.csv, or a ZIP "
        "holding it): the active municipality's, or all with --all. Resumes an interrupted "
        "import of the same file."
    )
    source = "best"
    path_help = "the BeST CSV file, or a ZIP archive holding it"
    all_help = "import every address in the file, not only the active municipality's"
