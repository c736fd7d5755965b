"""The KBO/BCE importer on a small set of files in the published format, bad rows included."""

import zipfile

import pytest

from townhall.importers.base import ImportAbort
from townhall.importers.best import BestImporter
from townhall.importers.kbo import EnterpriseStep, KboImporter
from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportFileError
from townhall.importers.tests.conftest import SAMPLES
from townhall.registry.models import Address, Organisation, OrganisationAddress
from townhall.registry.provenance import RecordSource

REGISTERED_OFFICE = OrganisationAddress.Kind.REGISTERED_OFFICE
EXPECTED_REJECTIONS = [
    ("address.csv", 8, "A house number starts with a digit. (postcode '8770', house number '')"),
    ("address.csv", 12, "a second registered office (line 11 has one)"),
    ("contact.csv", 6, "not a valid telephone number: '12345'"),
    ("contact.csv", 9, "not a valid e-mail address: 'not-an-email'"),
    ("denomination.csv", 5, "duplicate of line 4"),
    ("denomination.csv", 13, "the denomination is empty"),
    ("denomination.csv", 16, "bad quoting: ',' expected after '\"'"),
    ("enterprise.csv", 3, "duplicate of line 2"),
    (
        "enterprise.csv",
        8,
        "EnterpriseNumber '0410.000.699': The check digits of this enterprise number do not "
        "match (first 8 digits plus last 2 must be divisible by 97).",
    ),
    (
        "enterprise.csv",
        10,
        "out of order: 0410.000.291 comes after a higher EnterpriseNumber "
        "(the KBO publishes its files sorted by number)",
    ),
    ("enterprise.csv", 11, "bad quoting: ',' expected after '\"'"),
]
EXPECTED_COUNTS = {
    "enterprises": {
        "read": 52,
        "created": 7,
        "activities changed": 1,
        "names shortened": 1,
        "offices linked": 6,
        "rejected": 11,
        "skipped": {
            "fax number": 1,
            "out of scope": 3,
            "enterprise rejected": 2,
            "branch address": 1,
            "no enterprise row": 1,
            "row of an establishment": 4,
        },
    },
    "establishments": {"read": 1, "created": 1},
}


def import_kbo(path, **options) -> ImportRun:
    return KboImporter(path, **options).run()


def rejections(run: ImportRun) -> list[tuple[str, int, str]]:
    return list(
        run.rejections.order_by("file_name", "line").values_list("file_name", "line", "reason")
    )


def organisation(number: str) -> Organisation:
    return Organisation.objects.get(enterprise_number=number)


def addresses_of(number: str, kind=REGISTERED_OFFICE) -> list[str]:
    return [
        str(link.address)
        for link in OrganisationAddress.objects.filter(
            organisation__enterprise_number=number, kind=kind
        ).select_related("address")
    ]


def snapshot() -> tuple:
    return (
        list(Organisation.objects.order_by("pk").values_list()),
        list(OrganisationAddress.objects.order_by("pk").values_list()),
        list(Address.objects.order_by("pk").values_list()),
        list(RecordSource.objects.order_by("pk").values_list()),
    )


def test_imports_the_enterprises_of_the_municipality(municipality, kbo_folder):
    run = import_kbo(kbo_folder)

    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts == EXPECTED_COUNTS
    assert sorted(Organisation.objects.values_list("enterprise_number", flat=True)) == [
        "0410000192",  # registered office in 8770
        "0410000291",
        "0410000390",  # registered office in Kortrijk, an establishment in 8770
        "0410000588",
        "0410000786",
        "0410000885",
        "0410000984",
    ]  # 0410.000.489 lies outside the municipality; 0410.000.699 has wrong check digits


def test_names_kind_status_and_contacts_follow_the_documented_rules(municipality, kbo_folder):
    import_kbo(kbo_folder)

    club = organisation("0410000192")
    assert (club.name, club.alternative_name) == ("Sportclub Ingelmunster", "SCI")  # Dutch first
    assert (club.kind, club.legal_form, club.status) == ("association", "017", "active")
    assert (club.phone, club.email, club.website) == (
        "+3251337400",
        "info@sci.be",
        "https://www.sci.be",
    )
    bakery = organisation("0410000291")
    assert (bakery.name, bakery.alternative_name, bakery.kind) == (
        "Boulangerie Dupont",  # the only legal name is French
        "BD",
        "business",
    )
    assert (bakery.phone, bakery.email) == ("", "bakker@dupont.be")  # the phone was rejected
    assert organisation("0410000588").status == "stopped"
    assert organisation("0410000786").name == "KVO"  # only an abbreviation
    chip_shop = organisation("0410000885")
    assert (chip_shop.name, chip_shop.legal_form, chip_shop.kind) == (
        "Frituur 't Hoekje",  # a natural person's commercial name
        "",
        "business",
    )
    foundation = organisation("0410000984")
    assert foundation.kind == "association"  # 029, stichting van openbaar nut
    assert len(foundation.name) == 200
    assert foundation.name.startswith("Stichting tot Behoud van het Erfgoed")


def test_registered_offices_and_establishments_become_addresses(municipality, kbo_folder):
    import_kbo(kbo_folder)

    assert addresses_of("0410000192") == ["Bruggestraat 1, 8770 Ingelmunster"]
    assert addresses_of("0410000390") == ["Doorniksestraat 4, 8500 Kortrijk"]
    assert addresses_of("0410000885") == ["Bruggestraat 3 box 1, 8770 Ingelmunster"]
    assert addresses_of("0410000984") == ["Kortrijksestraat 5, 8770 Ingelmunster"]
    assert addresses_of("0410000786") == []  # its address was rejected
    assert addresses_of("0410000390", OrganisationAddress.Kind.ESTABLISHMENT) == [
        "Kortrijksestraat 5, 8770 Ingelmunster"
    ]
    # One address row for the foundation's office and the textile firm's establishment.
    assert Address.objects.filter(street_name="Kortrijksestraat").count() == 1


def test_reports_every_rejected_row_with_file_line_and_reason(municipality, kbo_folder):
    run = import_kbo(kbo_folder)

    assert rejections(run) == EXPECTED_REJECTIONS


def test_a_second_run_of_the_same_files_changes_nothing(municipality, kbo_folder):
    import_kbo(kbo_folder)
    before = snapshot()

    second = import_kbo(kbo_folder)

    assert snapshot() == before
    assert second.counts["enterprises"]["unchanged"] == 7
    assert "created" not in second.counts["enterprises"]
    assert "updated" not in second.counts["enterprises"]
    assert "offices linked" not in second.counts["enterprises"]
    assert second.counts["establishments"] == {"read": 1, "unchanged": 1}


def test_the_zip_archive_is_read_like_the_folder(municipality, kbo_folder, tmp_path):
    archive = tmp_path / "KboOpenData_0153_2026_11_Full.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in kbo_folder.iterdir():
            zf.write(path, path.name)

    run = import_kbo(archive)

    assert run.counts == EXPECTED_COUNTS
    assert rejections(run) == EXPECTED_REJECTIONS


def test_with_the_address_register_imported_streets_are_checked(municipality, kbo_folder):
    BestImporter(SAMPLES / "openaddress-bevlg.csv").run()
    best_address = Address.objects.get(street_name="Kortrijksestraat", house_number="5")

    run = import_kbo(kbo_folder)

    assert ("address.csv", 6) in [(file, line) for file, line, _ in rejections(run)]
    assert run.rejections.get(file_name="address.csv", line=6).reason == (
        "the street 'Meulebeekstraat' is not known in 8770 Ingelmunster: "
        "check its spelling against the address register"
    )
    assert addresses_of("0410000588") == []
    # The office found in the address register is linked, with its register URI.
    link = OrganisationAddress.objects.get(organisation__enterprise_number="0410000984")
    assert link.address_id == best_address.pk


def test_a_moved_registered_office_replaces_the_old_one(municipality, kbo_folder):
    import_kbo(kbo_folder)
    address_csv = kbo_folder / "address.csv"
    address_csv.write_text(
        address_csv.read_text().replace('"Bruggestraat","Bruggestraat","1"', '"Markt","Markt","2"')
    )

    run = import_kbo(kbo_folder)

    assert addresses_of("0410000192") == ["Markt 2, 8770 Ingelmunster"]
    assert run.counts["enterprises"]["offices removed"] == 1
    assert run.counts["enterprises"]["offices linked"] == 1


def test_all_imports_every_enterprise(municipality, kbo_folder):
    run = import_kbo(kbo_folder, everything=True)

    assert run.scope == "all"
    assert run.counts["enterprises"]["created"] == 8
    assert organisation("0410000489").name == "Buiten de Gemeente"


def test_staff_corrections_of_the_kind_and_of_contacts_the_kbo_lacks_are_kept(
    municipality, kbo_folder
):
    import_kbo(kbo_folder)
    textile = organisation("0410000390")
    textile.kind, textile.email = "school", "info@textiel.test"
    textile.save()

    import_kbo(kbo_folder)

    textile.refresh_from_db()
    assert (textile.kind, textile.email) == ("school", "info@textiel.test")


def test_a_crash_in_the_middle_of_a_batch_rolls_it_back_and_the_next_run_resumes(
    municipality, kbo_folder, monkeypatch
):
    real_apply = EnterpriseStep.apply
    calls = []

    def apply_then_crash(step, batch):
        calls.append(len(batch.items))
        real_apply(step, batch)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(EnterpriseStep, "apply", apply_then_crash)
    with pytest.raises(RuntimeError, match="disk full"):
        import_kbo(kbo_folder, batch_size=4)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.step == "enterprises"
    committed = Organisation.objects.count()
    assert 0 < committed < 7

    monkeypatch.setattr(EnterpriseStep, "apply", real_apply)
    resumed = import_kbo(kbo_folder, batch_size=4)

    assert resumed.pk == run.pk
    assert resumed.counts == EXPECTED_COUNTS
    assert rejections(resumed) == EXPECTED_REJECTIONS
    assert Organisation.objects.count() == 7
    assert OrganisationAddress.objects.count() == 7


def test_the_activities_are_imported_and_a_second_run_leaves_them(municipality, kbo_folder):
    import_kbo(kbo_folder)
    club = organisation("0410000192")
    assert list(
        club.activities.values_list("nace_code", "nace_version", "classification", "activity_group")
    ) == [("93120", "2008", "MAIN", "006")]

    second = import_kbo(kbo_folder)

    assert "activities changed" not in second.counts["enterprises"]
    assert club.activities.count() == 1


def test_an_activity_row_with_an_unknown_version_is_rejected(municipality, kbo_folder):
    activities = kbo_folder / "activity.csv"
    activities.write_text(activities.read_text() + '"0410.000.291","001","1993","1234","MAIN"\n')

    run = import_kbo(kbo_folder)

    assert run.rejections.get(file_name="activity.csv", line=3).reason == (
        "NaceVersion '1993' is not one of 2003, 2008, 2025"
    )
    assert not organisation("0410000291").activities.exists()


def test_an_older_full_file_than_the_last_applied_is_refused(municipality, kbo_folder):
    import_kbo(kbo_folder)
    meta = kbo_folder / "meta.csv"
    meta.write_text(meta.read_text().replace('"0153"', '"0150"'))

    with pytest.raises(ImportAbort, match="extract 0150, older than the last applied extract 0153"):
        import_kbo(kbo_folder)


def test_a_folder_without_the_kbo_files_is_refused(municipality, tmp_path):
    (tmp_path / "enterprise.csv").write_text("x\n")

    with pytest.raises(ImportFileError, match=r"denomination\.csv, address\.csv not found"):
        import_kbo(tmp_path)


def test_a_file_of_another_kind_is_refused_naming_the_missing_columns(municipality, kbo_folder):
    (kbo_folder / "denomination.csv").write_bytes((SAMPLES / "openaddress-bevlg.csv").read_bytes())

    with pytest.raises(ImportFileError) as error:
        import_kbo(kbo_folder)

    message = str(error.value)
    assert message.startswith("denomination.csv is not a KBO denomination file")
    assert "EntityNumber, Language, TypeOfDenomination, Denomination" in message
    assert "Expected header: EntityNumber,Language,TypeOfDenomination,Denomination" in message
    assert not ImportRun.objects.exists()


def test_without_contact_and_establishment_files_the_rest_is_imported(municipality, kbo_folder):
    (kbo_folder / "contact.csv").unlink()
    (kbo_folder / "establishment.csv").unlink()
    notices = []

    run = KboImporter(kbo_folder, notify=notices.append).run()

    assert "contact.csv not found" in notices[0]
    assert (
        run.counts["enterprises"]["created"] == 6
    )  # 0410.000.390 was in scope by its establishment
    assert organisation("0410000192").phone == ""


def test_a_line_in_another_encoding_is_rejected_and_the_rest_imported(municipality, kbo_folder):
    denominations = kbo_folder / "denomination.csv"
    text = denominations.read_bytes().replace(
        b'"Schrijnwerkerij Vandamme"', '"Schrijnwerkerij Vandammé"'.encode("latin-1")
    )
    denominations.write_bytes(text)

    run = import_kbo(kbo_folder)

    assert run.rejections.get(file_name="denomination.csv", line=10).reason == (
        "the line is not valid UTF-8 (byte 0xE9 at position 50); save the file as UTF-8"
    )
    assert organisation("0410000588").name == "0410.000.588"  # no usable name: the number
    assert run.counts["enterprises"]["created"] == 7


def test_the_kbo_is_recorded_as_the_source_of_what_it_gave(municipality, kbo_folder):
    import_kbo(kbo_folder)

    sources = {
        (source.group, source.source, source.detail, source.recorded_on.isoformat())
        for source in organisation("0410000192").sources.all()
    }
    assert sources == {
        ("organisation", "enterprise_register", "KBO open data", "2026-11-01"),  # meta.csv
        ("organisation_contact", "enterprise_register", "KBO open data", "2026-11-01"),
    }
    textile = organisation("0410000390")  # no contact details in the file
    assert list(textile.sources.values_list("group", flat=True)) == ["organisation"]


def test_a_changed_name_renews_its_source_only(municipality, kbo_folder):
    import_kbo(kbo_folder)
    club = organisation("0410000192")
    club.sources.update(recorded_on="2026-01-01")
    denominations = kbo_folder / "denomination.csv"
    denominations.write_text(
        denominations.read_text().replace("Sportclub Ingelmunster", "Sportclub Ingelmunster 2000")
    )

    run = import_kbo(kbo_folder)

    assert run.counts["enterprises"]["updated"] == 1
    assert organisation("0410000192").name == "Sportclub Ingelmunster 2000"
    dates = dict(club.sources.values_list("group", "recorded_on"))
    assert dates["organisation"].isoformat() == "2026-11-01"
    assert dates["organisation_contact"].isoformat() == "2026-01-01"  # contacts unchanged


def test_a_full_zip_with_a_damaged_member_stops_with_a_clear_message(
    municipality, kbo_folder, tmp_path
):
    archive = tmp_path / "KboOpenData_0153_2026_11_Full.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(kbo_folder.iterdir()):
            zf.write(path, path.name)
    data = archive.read_bytes()
    spot = data.index(b"Textiel Noord")
    archive.write_bytes(data[:spot] + b"Textiel Zuid " + data[spot + 13 :])

    with pytest.raises(ImportFileError) as error:
        import_kbo(archive)

    assert str(error.value) == (
        "KboOpenData_0153_2026_11_Full.zip is damaged (Bad CRC-32 for file "
        "'denomination.csv'): the download was cut short or the file was changed. "
        "Download it again."
    )
    # Here the small member is read whole with its header; in a real file the error
    # comes in the middle, and the batch that read it is rolled back.
    assert not Organisation.objects.filter(name="Textiel Zuid").exists()
