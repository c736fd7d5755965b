"""A monthly KBO update applied after the full file: in order, once, each table whole."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from townhall.importers.extracts import AppliedExtract
from townhall.importers.kbo import KboImporter
from townhall.importers.kbo_tables import ContactTable
from townhall.importers.kbo_update import KboUpdateImporter
from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportAbort, ImportFileError
from townhall.importers.tests.conftest import SAMPLES
from townhall.importers.tests.test_kbo import addresses_of, organisation, rejections, snapshot
from townhall.registry.models import Organisation, OrganisationActivity

UPDATE_COUNTS = {
    "enterprise": {
        "read": 4,
        "created": 1,
        "stopped (no longer in the KBO)": 1,
        "skipped": {"not in the register": 1, "out of scope": 1},
    },
    "establishment": {"read": 0},
    "denomination": {
        "read": 5,
        "updated": 2,
        "skipped": {"enterprise no longer in the KBO: kept as it was": 1},
    },
    "address": {
        "read": 4,
        "offices removed": 1,
        "offices linked": 2,
        "skipped": {"enterprise no longer in the KBO: kept as it was": 1},
    },
    "contact": {
        "read": 2,
        "updated": 1,
        "skipped": {"enterprise no longer in the KBO: kept as it was": 1},
    },
    "activity": {"read": 4, "activities changed": 2},
    "branch": {"read": 0},
}


@pytest.fixture
def update_folder(tmp_path):
    """A copy of the sample update (extract 0154), so a test may change its files."""
    folder = tmp_path / "KboOpenData_0154_2026_12_Update"
    folder.mkdir()
    for sample in (SAMPLES / "kbo-update").iterdir():
        (folder / sample.name).write_bytes(sample.read_bytes())
    return folder


@pytest.fixture
def full_imported(municipality, kbo_folder):
    return KboImporter(kbo_folder).run()


def zipped(folder, path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(folder.iterdir()):
            archive.write(member, member.name)
    return path


def test_the_update_after_the_full_file_renames_stops_creates_and_moves(
    full_imported, update_folder
):
    importer = KboImporter(update_folder)
    assert isinstance(importer, KboUpdateImporter)

    run = importer.run()

    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts == UPDATE_COUNTS
    assert rejections(run) == []
    bakery = organisation("0410000291")
    assert (bakery.name, bakery.alternative_name) == ("Bakkerij Dupont", "BD")
    chip_shop = organisation("0410000885")
    assert chip_shop.status == "stopped"
    assert chip_shop.name == "Frituur 't Hoekje"  # what the register knew is kept
    assert addresses_of("0410000885") == ["Bruggestraat 3 box 1, 8770 Ingelmunster"]
    cafe = organisation("0410001083")
    assert (cafe.name, cafe.kind, cafe.status, cafe.email) == (
        "Koffiebar De Mandel",
        "business",
        "active",
        "info@demandel.be",
    )
    assert addresses_of("0410001083") == ["Izegemsestraat 2, 8770 Ingelmunster"]
    assert addresses_of("0410000192") == ["Stationsstraat 12, 8770 Ingelmunster"]
    assert sorted(
        organisation("0410000192").activities.values_list("nace_code", "classification")
    ) == [("85510", "SECO"), ("93120", "MAIN")]
    assert not Organisation.objects.filter(enterprise_number="0410000489").exists()
    dates = dict(bakery.sources.values_list("group", "recorded_on"))
    assert dates["organisation"].isoformat() == "2026-12-01"  # the update's snapshot date
    extract = AppliedExtract.objects.get(kind="update")
    assert (extract.number, extract.snapshot_date.isoformat(), extract.run_id) == (
        154,
        "2026-12-01",
        run.pk,
    )
    assert extract.extracted_at == "02-12-2026 07:31:12"


def test_the_zip_archive_of_an_update_is_read_like_the_folder(
    full_imported, update_folder, tmp_path
):
    run = KboImporter(zipped(update_folder, tmp_path / "KboOpenData_0154_2026_12_Update.zip")).run()

    assert run.counts == UPDATE_COUNTS


def test_the_same_update_applied_twice_changes_nothing_the_second_time(
    full_imported, update_folder
):
    first = KboImporter(update_folder).run()
    before = snapshot(), list(OrganisationActivity.objects.order_by("pk").values_list())
    notices = []

    second = KboImporter(update_folder, notify=notices.append).run()

    assert second.pk == first.pk
    applied = timezone.localtime(AppliedExtract.objects.get(kind="update").applied_at)
    assert notices == [
        f"KboOpenData_0154_2026_12_Update (extract 0154) was applied already, by import run "
        f"#{first.pk} on {applied:%Y-%m-%d %H:%M}: nothing to do, nothing changed."
    ]
    assert (snapshot(), list(OrganisationActivity.objects.order_by("pk").values_list())) == before
    assert ImportRun.objects.count() == 2


def test_an_update_older_than_the_last_applied_is_refused(full_imported, update_folder):
    KboImporter(update_folder).run()
    before = snapshot()

    with pytest.raises(ImportAbort) as error:
        KboImporter(SAMPLES / "kbo-update-old").run()

    message = str(error.value)
    assert message.startswith(
        "kbo-update-old is extract 0152, not newer than the last applied extract 0154 "
        "(update, snapshot 01-12-2026, applied "
    )
    assert message.endswith(
        "updates are applied in order, and this one is older. The next update to apply is "
        "extract 0155."
    )
    assert snapshot() == before
    assert ImportRun.objects.count() == 2  # no run for the refused file


def test_an_update_right_after_the_full_file_it_follows_only(full_imported, update_folder):
    meta = update_folder / "meta.csv"
    meta.write_text(meta.read_text().replace('"0154"', '"0156"'))

    with pytest.raises(ImportAbort, match=r"extract 0156, but the last applied is extract 0153"):
        KboImporter(update_folder).run()

    assert organisation("0410000291").name == "Boulangerie Dupont"


def test_an_update_before_any_full_file_is_refused(municipality, update_folder):
    with pytest.raises(ImportAbort, match="no full KBO file with an extract number has been"):
        KboImporter(update_folder).run()

    assert not ImportRun.objects.exists()


def test_a_truncated_zip_archive_is_refused(full_imported, update_folder, tmp_path):
    archive = zipped(update_folder, tmp_path / "KboOpenData_0154_2026_12_Update.zip")
    archive.write_bytes(archive.read_bytes()[:-200])

    with pytest.raises(ImportFileError, match="is not a complete ZIP archive: the download"):
        KboImporter(archive).run()


def test_a_zip_archive_with_a_damaged_member_is_refused(full_imported, update_folder, tmp_path):
    archive = tmp_path / "KboOpenData_0154_2026_12_Update.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for member in sorted(update_folder.iterdir()):
            zf.write(member, member.name)
    data = archive.read_bytes()
    spot = data.index(b"Bakkerij Dupont")
    archive.write_bytes(data[:spot] + b"Bakkerij Duponx" + data[spot + 15 :])

    with pytest.raises(ImportFileError) as error:
        KboImporter(archive).run()

    assert str(error.value) == (
        "KboOpenData_0154_2026_12_Update.zip is damaged (bad CRC-32 for "
        "denomination_insert.csv): the download was cut short or the file was changed. "
        "Download it again."
    )
    assert organisation("0410000291").name == "Boulangerie Dupont"
    assert ImportRun.objects.count() == 1


def test_a_file_of_the_update_with_a_wrong_header_is_refused_before_anything_is_written(
    full_imported, update_folder
):
    (update_folder / "contact_insert.csv").write_text('"EntityNumber","Type","Value"\n')
    before = snapshot()

    with pytest.raises(ImportFileError) as error:
        KboImporter(update_folder).run()

    assert str(error.value).startswith(
        "contact_insert.csv is not a KBO contact file: the header lacks the columns "
        "EntityContact, ContactType."
    )
    assert snapshot() == before
    assert ImportRun.objects.count() == 1


def test_a_malformed_enterprise_number_is_rejected_with_file_line_and_reason(
    full_imported, update_folder
):
    deletes = update_folder / "denomination_delete.csv"
    deletes.write_text(deletes.read_text() + '"0410.000.29"\n"0410.000.699"\n')

    run = KboImporter(update_folder).run()

    assert rejections(run) == [
        (
            "denomination_delete.csv",
            4,
            "EntityNumber '0410.000.29' is not a KBO number (ten digits, written "
            "0123.456.789 for an enterprise or 2.123.456.789 for an establishment)",
        ),
        (
            "denomination_delete.csv",
            5,
            "EntityNumber '0410.000.699': The check digits of this enterprise number do not "
            "match (first 8 digits plus last 2 must be divisible by 97).",
        ),
    ]
    assert organisation("0410000291").name == "Bakkerij Dupont"  # the rest is applied


def test_a_failure_in_a_table_rolls_that_table_back_and_the_next_run_goes_on(
    full_imported, update_folder, monkeypatch
):
    real_apply = ContactTable.apply_change

    def crash(step, batch, change):
        real_apply(step, batch, change)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ContactTable, "apply_change", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        KboImporter(update_folder).run()

    run = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert run.step == "address"  # the tables before contact are committed
    assert organisation("0410000291").name == "Bakkerij Dupont"
    assert organisation("0410001083").email == ""  # the contact table was rolled back
    assert not AppliedExtract.objects.filter(kind="update").exists()

    monkeypatch.setattr(ContactTable, "apply_change", real_apply)
    resumed = KboImporter(update_folder).run()

    assert resumed.pk == run.pk
    assert resumed.counts == UPDATE_COUNTS
    assert organisation("0410001083").email == "info@demandel.be"
    assert AppliedExtract.objects.get(kind="update").run_id == run.pk


def test_the_command_applies_the_update_and_refuses_the_older_one(municipality):
    stdout = io.StringIO()
    with pytest.raises(CommandError):  # the full sample has rows wrong on purpose
        call_command("import_enterprises", str(SAMPLES / "kbo"), "--no-progress", stdout=stdout)

    call_command("import_enterprises", str(SAMPLES / "kbo-update"), "--no-progress", stdout=stdout)
    with pytest.raises(CommandError, match="kbo-update-old is extract 0152, not newer"):
        call_command(
            "import_enterprises", str(SAMPLES / "kbo-update-old"), "--no-progress", stdout=stdout
        )

    output = stdout.getvalue()
    assert "enterprise: 4 rows read, 1 created, 1 stopped (no longer in the KBO), 0 rejected" in (
        output
    )
    assert "denomination: 5 rows read, 2 updated, 0 rejected" in output


def next_full_file(full, update, folder):
    """The full file that follows ``full`` after ``update``: each table's rows of the
    deleted entities removed, the inserted rows added, sorted by entity number."""
    folder.mkdir()

    def number(line: str) -> int:
        first = line.split(",", 1)[0].strip('"').replace(".", "")
        return int(first) if first.isdigit() else 0

    for path in full.iterdir():
        table = path.stem
        lines = path.read_text().splitlines()
        if table == "meta":
            meta = (update / "meta.csv").read_text().replace('"update"', '"full"')
            (folder / path.name).write_text(meta)
            continue
        deleted = {number(line) for line in _rows(update / f"{table}_delete.csv")}
        rows = [line for line in lines[1:] if number(line) not in deleted]
        rows += _rows(update / f"{table}_insert.csv")
        rows.sort(key=number)  # stable: the order within an entity stays
        (folder / path.name).write_text("\n".join([lines[0], *rows]) + "\n")
    return folder


def _rows(path) -> list[str]:
    return path.read_text().splitlines()[1:] if path.exists() else []


def register_state() -> dict:
    return {
        organisation.enterprise_number: (
            organisation.name,
            organisation.alternative_name,
            organisation.legal_form,
            organisation.kind,
            organisation.email,
            organisation.phone,
            organisation.website,
            sorted(str(link.address) for link in organisation.organisationaddress_set.all()),
            sorted(
                organisation.activities.values_list(
                    "activity_group", "nace_version", "nace_code", "classification"
                )
            ),
        )
        for organisation in Organisation.objects.all()
    }


def test_an_update_gives_the_organisations_the_next_full_file_gives(
    full_imported, kbo_folder, update_folder, tmp_path
):
    KboImporter(update_folder).run()
    updated = register_state()
    stopped = set(
        Organisation.objects.filter(status="stopped").values_list("enterprise_number", flat=True)
    )
    Organisation.objects.all().delete()
    AppliedExtract.objects.all().delete()

    KboImporter(next_full_file(kbo_folder, update_folder, tmp_path / "next")).run()

    # The one difference: the next full file no longer lists the enterprise that left;
    # the update said so, and the register keeps it, stopped.
    assert stopped == {"0410000588", "0410000885"}  # 588 was stopped in the full file
    del updated["0410000885"]
    assert register_state() == updated
