"""The order of KBO extracts: which full file or update may be applied now.

1. Each completed import of a numbered extract (``meta.csv``: ``ExtractNumber``)
   is recorded as an :class:`~townhall.importers.extracts.AppliedExtract`, per
   scope (the municipality's postcodes, or ``all``).
2. An update must follow the last extract applied in its scope: its number is
   that extract's plus one, and its snapshot date is not earlier. Before any
   full file, an update is refused; an older one, or one that skips a number,
   is refused naming the extract that is expected.
3. The same update applied again (same number, same checksum) is not applied
   again: the importer says so and changes nothing (:func:`applied_already`).
4. A full file older than the last extract applied is refused too: it would
   undo later changes. A full file without an extract number is not ordered.
"""

from django.db import transaction
from django.utils import timezone

from townhall.importers.extracts import AppliedExtract
from townhall.importers.kbo_files import ExtractMeta
from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportAbort

FULL, UPDATE = AppliedExtract.Kind.FULL.value, AppliedExtract.Kind.UPDATE.value


def _describe(extract: AppliedExtract) -> str:
    date = f", snapshot {extract.snapshot_date:%d-%m-%Y}" if extract.snapshot_date else ""
    return (
        f"extract {extract.number:04d} ({extract.get_kind_display()}{date}, applied "
        f"{timezone.localtime(extract.applied_at):%Y-%m-%d %H:%M} by import run #{extract.run_id})"
    )


def last_applied(*, source: str, scope: str) -> AppliedExtract | None:
    return (
        AppliedExtract.objects.filter(source=source, scope=scope)
        .order_by("-number", "-applied_at")
        .first()
    )


def applied_already(
    *, source: str, scope: str, meta: ExtractMeta, checksum: str
) -> AppliedExtract | None:
    """The record of this very update, when it was applied before."""
    if meta.number is None:
        return None
    return AppliedExtract.objects.filter(
        source=source, scope=scope, number=meta.number, kind=UPDATE, checksum=checksum
    ).first()


def order_check(*, source: str, scope: str, kind: str, meta: ExtractMeta, file_name: str) -> None:
    """Refuse an extract that may not be applied now, with what to do instead."""
    last = last_applied(source=source, scope=scope)
    scope_text = "all enterprises" if scope == "all" else f"scope {scope}"
    if kind == FULL:
        if meta.number is not None and last is not None and meta.number < last.number:
            raise ImportAbort(
                f"{file_name} is extract {meta.number:04d}, older than the last applied "
                f"{_describe(last)}: importing it would undo later changes. Import a newer "
                "full file, or the updates that follow."
            )
        return
    if meta.number is None:
        raise ImportAbort(
            f"{file_name} is a KBO update whose meta.csv has no ExtractNumber: it cannot be "
            "put in order with the extracts applied before."
        )
    if not AppliedExtract.objects.filter(source=source, scope=scope, kind=FULL).exists():
        raise ImportAbort(
            f"{file_name} is an update (extract {meta.number:04d}), but no full KBO file "
            f"with an extract number has been imported for {scope_text}: import the monthly "
            "full file (KboOpenData_NNNN_YYYY_MM_Full.zip) first, then the updates that follow it."
        )
    expected = last.number + 1
    if meta.number < expected:
        raise ImportAbort(
            f"{file_name} is extract {meta.number:04d}, not newer than the last applied "
            f"{_describe(last)}: updates are applied in order, and this one is older. "
            f"The next update to apply is extract {expected:04d}."
        )
    if meta.number > expected:
        raise ImportAbort(
            f"{file_name} is extract {meta.number:04d}, but the last applied is "
            f"{_describe(last)}: apply extract {expected:04d} first (or import a newer "
            "full file)."
        )
    if meta.snapshot and last.snapshot_date and meta.snapshot < last.snapshot_date:
        raise ImportAbort(
            f"{file_name} has the snapshot date {meta.snapshot:%d-%m-%Y}, older than that of "
            f"the last applied {_describe(last)}: it is not the update that follows."
        )


@transaction.atomic
def extract_record(
    *, run: ImportRun, kind: str, meta: ExtractMeta, checksum: str
) -> AppliedExtract | None:
    """Record that ``run`` applied this extract (nothing for an unnumbered full file)."""
    if meta.number is None:
        return None
    extract, _ = AppliedExtract.objects.update_or_create(
        source=run.source,
        scope=run.scope,
        number=meta.number,
        kind=kind,
        defaults={
            "snapshot_date": meta.snapshot,
            "extracted_at": meta.timestamp,
            "checksum": checksum,
            "run": run,
        },
    )
    return extract
