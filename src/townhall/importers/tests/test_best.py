"""The BeST address importer on a small file in the published format, bad rows included."""

import pytest

from townhall.importers.base import ImportAbort
from townhall.importers.best import AddressStep, BestImporter
from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportFileError
from townhall.importers.tests.conftest import SAMPLES
from townhall.registry.models import Address
from townhall.registry.services import address_get_or_create

URI = "https://data.vlaanderen.be/id/adres/"
FILE = "openaddress-bevlg.csv"
EXPECTED_REJECTIONS = [
    (FILE, 8, "address_id 'abc' is not a number"),
    (FILE, 9, "postcode '8780' is not a postcode of Ingelmunster (8770)"),
    (FILE, 10, "A house number starts with a digit. (postcode '8770', house number '')"),
    (FILE, 11, "duplicate of line 2 (address_id 2001001)"),
    (FILE, 12, "bad quoting: ',' expected after '\"'"),
    (FILE, 13, "the latitude '50,92' is not a number"),
    (FILE, 15, "unknown status 'unknown' (expected current, proposed, retired or rejected)"),
    (
        FILE,
        16,
        "the line is not valid UTF-8 (byte 0xE9 at position 138); save the file as UTF-8",
    ),
]


def import_best(path, **options) -> ImportRun:
    return BestImporter(path, **options).run()


def rejections(run: ImportRun) -> list[tuple[str, int, str]]:
    return list(run.rejections.order_by("line").values_list("file_name", "line", "reason"))


def snapshot() -> list[tuple]:
    return list(Address.objects.order_by("pk").values_list())


def test_imports_the_current_and_proposed_addresses_of_the_municipality(municipality, best_file):
    run = import_best(best_file)

    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts == {
        "addresses": {
            "read": 17,
            "created": 7,
            "streets created": 5,
            "rejected": 8,
            "skipped": {"status retired": 1, "other municipality": 1},
        }
    }
    assert sorted(Address.objects.values_list("register_uri", flat=True)) == [
        f"{URI}{number}"
        for number in (2001001, 2001002, 2001003, 2001004, 2001009, 2001012, 2001013)
    ]
    first = Address.objects.get(register_uri=f"{URI}2001001")
    assert (first.street_name, first.house_number, first.postcode) == ("Bruggestraat", "1", "8770")
    assert (first.municipality_name, first.nis_code) == ("Ingelmunster", "36007")
    assert (str(first.latitude), str(first.longitude)) == ("50.920101", "3.254102")
    assert Address.objects.get(register_uri=f"{URI}2001013").box_number == "3"  # "bus 3"
    assert Address.objects.get(register_uri=f"{URI}2001012").house_number == "7A"


def test_reports_every_rejected_row_with_file_line_and_reason(municipality, best_file):
    run = import_best(best_file)

    assert rejections(run) == EXPECTED_REJECTIONS
    assert run.rejected == 8


def test_a_second_run_of_the_same_file_changes_nothing(municipality, best_file):
    first = import_best(best_file)
    before = snapshot()

    second = import_best(best_file)

    assert snapshot() == before
    assert second.pk != first.pk
    assert second.counts["addresses"]["unchanged"] == 7
    assert "created" not in second.counts["addresses"]
    assert "updated" not in second.counts["addresses"]


def test_an_address_known_without_its_uri_gets_the_uri(municipality, best_file):
    known = address_get_or_create(
        street_name="bruggestraat ",
        house_number="1",
        postcode="8770",
        municipality_name="Ingelmunster",
    )

    run = import_best(best_file)

    known.refresh_from_db()
    assert known.register_uri == f"{URI}2001001"
    assert known.street_name == "Bruggestraat"
    assert run.counts["addresses"]["created"] == 6
    assert run.counts["addresses"]["updated"] == 1
    assert Address.objects.count() == 7


def test_the_same_place_under_another_uri_is_a_conflict_for_a_person_to_resolve(
    municipality, best_file
):
    Address.objects.create(
        street_name="Bruggestraat",
        house_number="1",
        postcode="8770",
        municipality_name="Ingelmunster",
        register_uri=f"{URI}999",
    )

    run = import_best(best_file)

    assert (FILE, 2) in [(file, line) for file, line, _ in rejections(run)]
    reason = run.rejections.get(line=2).reason
    assert reason.startswith(f"{URI}2001001 has the same street, house number, box and postcode")
    assert f"as {URI}999, which is already in the register" in reason


def test_a_changed_address_is_updated_in_place(municipality, best_file, tmp_path):
    import_best(best_file)
    address = Address.objects.get(register_uri=f"{URI}2001001")
    changed = tmp_path / "changed.csv"
    text = best_file.read_bytes().replace(
        b"50.920101,3.254102,2001001", b"50.920200,3.254200,2001001"
    )
    changed.write_bytes(text)

    run = import_best(changed)

    address.refresh_from_db()
    assert (str(address.latitude), str(address.longitude)) == ("50.920200", "3.254200")
    assert run.counts["addresses"]["updated"] == 1
    assert run.counts["addresses"]["unchanged"] == 6


def test_all_imports_every_municipality_in_the_file(municipality, best_file):
    run = import_best(best_file, everything=True)

    assert run.scope == "all"
    assert run.counts["addresses"]["created"] == 9
    izegem = Address.objects.get(register_uri=f"{URI}3001001")
    assert (izegem.postcode, izegem.nis_code, izegem.municipality_name) == (
        "8870",
        "36008",
        "Izegem",
    )


def test_all_works_without_an_active_municipality(db, best_file):
    run = import_best(best_file, everything=True)

    assert run.counts["addresses"]["created"] == 9


def test_without_an_active_municipality_the_filtered_import_refuses(db, best_file):
    with pytest.raises(ImportAbort, match="no active municipality to filter on"):
        import_best(best_file)


def test_lambert_2008_columns_in_another_order_are_read_by_name(municipality):
    run = import_best(SAMPLES / "openaddress-lambert2008.csv")

    assert run.counts["addresses"] == {"read": 2, "created": 2, "streets created": 1}
    address = Address.objects.get(register_uri=f"{URI}2001020")
    assert (address.street_name, address.house_number, str(address.latitude)) == (
        "Bruggestraat",
        "21",
        "50.920400",
    )


def test_rows_without_a_section_name_and_files_without_those_columns_are_imported(
    municipality, tmp_path
):
    """``postname_*`` is optional: a row with both empty, and a file without the columns,
    give streets without a section (the German column, which BeST never has, is not
    asked for)."""
    lines = [line.decode() for line in (SAMPLES / FILE).read_bytes().splitlines()[:3]]
    header = lines[0].split(",")
    empty = tmp_path / "empty-postnames.csv"
    rows = [line.split(",") for line in lines[1:]]
    for values in rows:
        values[header.index("postname_fr")] = values[header.index("postname_nl")] = ""
    empty.write_text("\n".join([lines[0], *(",".join(v) for v in rows)]) + "\n", "utf-8")
    kept = [i for i, name in enumerate(header) if not name.startswith("postname_")]
    without = tmp_path / "no-postnames.csv"
    without.write_text(
        "\n".join(",".join(line.split(",")[i] for i in kept) for line in lines) + "\n", "utf-8"
    )

    for path in (empty, without):
        run = import_best(path)

        assert run.counts["addresses"]["read"] == 2
        assert not rejections(run)
    assert Address.objects.filter(register_uri__startswith=URI).count() == 2
    assert Address.objects.get(register_uri=f"{URI}2001002").street.section == ""


def test_a_file_of_another_kind_is_refused_naming_the_missing_columns(municipality):
    with pytest.raises(ImportFileError) as error:
        import_best(SAMPLES / "kbo" / "enterprise.csv")

    message = str(error.value)
    assert message.startswith("enterprise.csv is not a BeST address file (openaddress-*.csv)")
    assert "EPSG:4326_lat" in message
    assert "address_id" in message
    assert "Expected header: EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat" in message
    assert not ImportRun.objects.exists()


def test_a_crash_in_the_middle_of_a_batch_rolls_it_back_and_the_next_run_resumes(
    municipality, best_file, monkeypatch
):
    real_apply = AddressStep.apply
    calls = []

    def apply_then_crash(step, batch):
        calls.append(len(batch.items))
        real_apply(step, batch)  # the batch's rows are written...
        if len(calls) == 2:
            raise RuntimeError("power cut")  # ...and rolled back

    monkeypatch.setattr(AddressStep, "apply", apply_then_crash)
    with pytest.raises(RuntimeError, match="power cut"):
        import_best(best_file, batch_size=3)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "RuntimeError: power cut"
    assert run.position == {FILE: 4}  # the first batch: lines 2 to 4
    assert Address.objects.count() == 3
    assert not run.rejections.exists()

    monkeypatch.setattr(AddressStep, "apply", real_apply)
    resumed = import_best(best_file, batch_size=3)

    assert resumed.pk == run.pk
    assert resumed.status == ImportRun.Status.COMPLETED
    assert Address.objects.count() == 7
    # The duplicate of line 2 is still found although line 2 was applied before the crash.
    assert rejections(resumed) == EXPECTED_REJECTIONS
    assert resumed.counts == {
        "addresses": {
            "read": 17,
            "created": 7,
            "streets created": 5,
            "rejected": 8,
            "skipped": {"status retired": 1, "other municipality": 1},
        }
    }


def test_a_zip_archive_holding_the_file_is_imported(municipality, best_file, tmp_path):
    import zipfile

    archive = tmp_path / "openaddress-bevlg.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(best_file, FILE)

    run = import_best(archive)

    assert run.counts["addresses"]["created"] == 7
    assert rejections(run) == EXPECTED_REJECTIONS
