"""The import commands: the summary they print, the report, and their exit status."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.importers.best import AddressStep
from townhall.importers.models import ImportRun
from townhall.importers.tests.conftest import SAMPLES
from townhall.registry.models import Address, Organisation


def run_command(name: str, *args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(name, *args, "--no-progress", stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def clean_best_file(tmp_path):
    """The sample file without its bad rows."""
    lines = (SAMPLES / "openaddress-bevlg.csv").read_bytes().split(b"\r\n")
    path = tmp_path / "clean.csv"
    path.write_bytes(b"\r\n".join(lines[:7] + lines[13:14] + lines[16:]))
    return path


def test_import_addresses_exits_with_an_error_when_rows_were_rejected(municipality, best_file):
    stdout = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_addresses", str(best_file), "--no-progress", stdout=stdout)

    run = ImportRun.objects.get()
    assert str(error.value) == (
        f"8 rows were rejected (import run #{run.pk}); every other row was imported."
    )
    output = stdout.getvalue()
    assert "addresses: 17 rows read, 7 created, 5 streets created, 8 rejected" in output
    # Retired rows are counted once their batch is applied (they still tell their street's status).
    assert "skipped: 1 other municipality, 1 status retired" in output
    assert "Rejected rows (the first 8 of 8):" in output
    assert "openaddress-bevlg.csv:11: duplicate of line 2 (address_id 2001001)" in output
    assert Address.objects.count() == 7


def test_import_addresses_succeeds_when_nothing_was_rejected(municipality, tmp_path):
    stdout, _ = run_command("import_addresses", str(clean_best_file(tmp_path)))

    assert "addresses: 9 rows read, 7 created, 5 streets created, 0 rejected" in stdout
    assert Address.objects.count() == 7


def test_a_wrong_file_ends_with_one_clear_error(municipality):
    with pytest.raises(CommandError, match=r"enterprise\.csv is not a BeST address file"):
        run_command("import_addresses", str(SAMPLES / "kbo" / "enterprise.csv"))


def test_a_missing_file_ends_with_one_clear_error(municipality, tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv does not exist"):
        run_command("import_addresses", str(tmp_path / "nowhere.csv"))


def test_import_enterprises_writes_the_full_report_and_exits_with_an_error(
    municipality, kbo_folder, tmp_path
):
    report = tmp_path / "rejected.csv"
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="11 rows were rejected"):
        call_command(
            "import_enterprises",
            str(kbo_folder),
            "--no-progress",
            "--show",
            "2",
            "--report",
            str(report),
            stdout=stdout,
        )

    output = stdout.getvalue()
    assert (
        "enterprises: 52 rows read, 7 created, 1 names shortened, 6 offices linked, "
        "1 activities changed, 11 rejected"
    ) in output
    assert "establishments: 1 rows read, 1 created, 0 rejected" in output
    assert "Rejected rows (the first 2 of 11):" in output
    with open(report, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["file", "line", "reason"]
    assert len(rows) == 12
    assert ["contact.csv", "6", "not a valid telephone number: '12345'"] in rows
    assert Organisation.objects.count() == 7


def test_import_enterprises_without_a_municipality_asks_for_one_or_all(db, kbo_folder):
    with pytest.raises(CommandError, match="no active municipality to filter on"):
        run_command("import_enterprises", str(kbo_folder))


def test_the_command_resumes_an_interrupted_import_and_says_so(municipality, tmp_path, monkeypatch):
    path = clean_best_file(tmp_path)
    real_apply = AddressStep.apply

    def crash_in_the_second_batch(step, batch):
        real_apply(step, batch)
        if Address.objects.count() > 3:
            raise RuntimeError("killed")

    monkeypatch.setattr(AddressStep, "apply", crash_in_the_second_batch)
    with pytest.raises(RuntimeError):
        run_command("import_addresses", str(path), "--batch-size", "3")
    monkeypatch.setattr(AddressStep, "apply", real_apply)

    stdout, _ = run_command("import_addresses", str(path), "--batch-size", "3")

    run = ImportRun.objects.get()
    assert f"Resuming import run #{run.pk} of this file after line 4 of clean.csv" in stdout
    assert "addresses: 9 rows read, 7 created, 5 streets created, 0 rejected" in stdout
    assert Address.objects.count() == 7
