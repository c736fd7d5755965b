"""Import the KBO/BCE open data into the organisations register (see docs/imports.md)."""

from townhall.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import enterprises from the KBO/BCE open data (the monthly full ZIP, or a folder "
        "with its CSV files): those with their registered office or an establishment in the "
        "municipality's postcodes, or all with --all. Resumes an interrupted import."
    )
    source = "kbo"
    path_help = "the KBO open data ZIP archive, or a folder with enterprise.csv and the others"
    all_help = "import every enterprise, not only those in the municipality's postcodes"
