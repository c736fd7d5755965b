"""Import the KBO/BCE open data into the organisations register (see docs/imports.md)."""

from townhall.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import enterprises from the KBO/BCE open data (the monthly full ZIP, or a folder "
        "with its CSV files): those with their registered office or an establishment in the "
        "municipality's postcodes, or all with --all. A monthly update ZIP (*_delete.csv and "
        "*_insert.csv) is applied after the extract it follows. Resumes an interrupted import."
    )
    source = "kbo"
    path_help = (
        "the KBO open data ZIP archive (full file or update), or a folder with its CSV files"
    )
    all_help = "import every enterprise, not only those in the municipality's postcodes"

    def summarise(self, run, show: int) -> None:
        if getattr(run, "applied_before", False):
            return  # an update applied before: the importer said so, nothing was done now
        super().summarise(run, show)
