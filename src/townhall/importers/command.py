"""What the import commands share: options, the summary, the rejection report, the exit status.

1. ``manage.py import_<source> PATH`` builds the importer registered under the
   command's ``source`` and runs it, with a progress bar on a terminal.
2. A problem that stops the import (wrong kind of file, missing column, no
   active municipality) becomes a ``CommandError``: one message, exit status 1.
3. After the run: a line of counts per step, then the rejected rows (the first
   ``--show`` of them; ``--report FILE`` writes all of them as CSV).
4. When any row was rejected the command ends with a ``CommandError`` too, so
   scripts and schedulers see a non-zero exit status.
"""

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from townhall.importers.base import DEFAULT_BATCH_SIZE
from townhall.importers.models import ImportRun
from townhall.importers.progress import Progress
from townhall.importers.reading import ImportAbort
from townhall.importers.registry import registry

OUTCOMES = ("created", "updated", "unchanged")


class ImportCommand(BaseCommand):
    """Base of ``import_addresses``, ``import_enterprises`` and the other import commands."""

    source: str  # the importer's registry name
    path_help = "the file to import"
    all_help = "import every row instead of only the active municipality's"

    def add_arguments(self, parser):
        parser.add_argument("path", help=self.path_help)
        parser.add_argument("--all", action="store_true", dest="everything", help=self.all_help)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows per transaction (default {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--report", help="write every rejected row to this CSV file")
        parser.add_argument(
            "--show", type=int, default=20, help="rejected rows to print (default 20)"
        )

    def handle(self, *args, path, everything, batch_size, no_progress, report, show, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = Progress(stream, enabled=False if no_progress else None)
        try:
            importer = registry[self.source](
                path,
                everything=everything,
                batch_size=batch_size,
                progress=progress,
                notify=self.stdout.write,
            )
            run = importer.run()
        except ImportAbort as error:
            raise CommandError(str(error)) from None
        self.summarise(run, show)
        if report:
            self.write_report(run, Path(report))
        if run.rejected:
            raise CommandError(
                f"{run.rejected:,} row{'s were' if run.rejected > 1 else ' was'} rejected "
                f"(import run #{run.pk}); every other row was imported."
            )

    def summarise(self, run: ImportRun, show: int) -> None:
        for step, counts in run.counts.items():
            parts = [f"{counts.get('read', 0):,} rows read"]
            parts += [f"{counts[outcome]:,} {outcome}" for outcome in OUTCOMES if outcome in counts]
            parts += [
                f"{number:,} {outcome}"
                for outcome, number in counts.items()
                if outcome not in (*OUTCOMES, "read", "rejected", "skipped")
            ]
            parts.append(f"{counts.get('rejected', 0):,} rejected")
            self.stdout.write(f"{step}: {', '.join(parts)}")
            skipped = counts.get("skipped") or {}
            if skipped:
                listed = ", ".join(f"{number:,} {reason}" for reason, number in skipped.items())
                self.stdout.write(f"  skipped: {listed}")
        rejections = run.rejections.all()
        if run.rejected and show:
            self.stdout.write(
                f"Rejected rows (the first {min(show, run.rejected)} of {run.rejected:,}):"
            )
            for rejection in rejections[:show]:
                self.stdout.write(f"  {rejection}")

    def write_report(self, run: ImportRun, path: Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["file", "line", "reason"])
            for rejection in run.rejections.order_by("pk").iterator(chunk_size=2000):
                writer.writerow([rejection.file_name, rejection.line, rejection.reason])
        self.stdout.write(f"Wrote the {run.rejected:,} rejected rows to {path}.")
