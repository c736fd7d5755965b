"""Refresh associations from the Flemish association register (docs/associations.md).

``refresh_associations V0001060 [V...]`` refreshes those vCodes, ``--all`` every
organisation with a vCode, ``--changes`` what the register's feed holds since
the stored position. The command prints what changed and what failed, and exits
with status 1 when anything failed (the others are refreshed all the same).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townhall.registry.associations import (
    RefreshReport,
    associations_refresh,
    associations_refresh_from_feed,
)
from townhall.registry.identifiers import parse_vcode


class Command(BaseCommand):
    help = (
        "Refresh associations (name, addresses, main activities, contact details) "
        "from the association register."
    )

    def add_arguments(self, parser):
        parser.add_argument("vcodes", nargs="*", help="vCodes to refresh (V + 7 digits)")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every organisation with a vCode")
        which.add_argument(
            "--changes", action="store_true", help="the register's feed, since the last position"
        )

    def handle(self, *args, vcodes, all, changes, **options):
        if bool(vcodes) + all + changes != 1:
            raise CommandError("Give vCodes, or --all, or --changes (one of them).")
        try:
            vcodes = [parse_vcode(code) for code in vcodes]
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if changes:
            report = associations_refresh_from_feed()
        else:
            report = associations_refresh(vcodes=vcodes or None)
        self._print(report, feed=changes)
        if not report.ok:
            raise SystemExit(1)

    def _print(self, report: RefreshReport, *, feed: bool) -> None:
        for vcode, fields in report.refreshed.items():
            self.stdout.write(f"{vcode}: refreshed ({', '.join(fields)})")
        for vcode in report.unchanged:
            self.stdout.write(f"{vcode}: unchanged")
        for vcode in report.removed:
            self.stdout.write(f"{vcode}: no longer in the association register; marked, kept")
        for vcode, notes in report.notes.items():
            for note in notes:
                self.stdout.write(f"{vcode}: left out: {note}")
        for what, reason in report.failed.items():
            self.stderr.write(f"{what}: FAILED: {reason}")
        summary = (
            f"{len(report.refreshed)} refreshed, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed from the register, {len(report.failed)} failed"
        )
        if feed:
            summary += (
                f"; {report.not_ours} entries for associations not in our register, "
                f"{report.not_changed_since} not changed since the last run; "
                f"position {report.position or 'none'}"
            )
        self.stdout.write(summary + ".")
