"""``manage.py import_lpdc <file>``: products from the municipality's LPDC instances or
IPDC concepts."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townhall.catalog.lpdc.importer import LpdcError, lpdc_import


class Command(BaseCommand):
    help = "Create or update products from an LPDC/IPDC JSON-LD file (instances or concepts)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--publish", action="store_true", help="publish the products it creates"
        )

    def handle(self, *args, file: Path, publish: bool, **options):
        try:
            report = lpdc_import(data=file.read_bytes(), publish=publish)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except (LpdcError, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} products created, {len(report.updated)} updated."
            )
        )
