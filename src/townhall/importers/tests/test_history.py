"""The importers' writes in the register's history: one version per row created, changed
or deleted, with the import run as the reason and no user; an unchanged row none.

Both write paths are covered: the ORM's on SQLite, COPY and ``INSERT ... SELECT`` on
PostgreSQL (run the suite with ``DATABASE_URL`` pointing at PostgreSQL)."""

import datetime

import pytest
from django.utils import timezone

from townhall.importers.best import BestImporter
from townhall.importers.kbo import KboImporter
from townhall.importers.population import PopulationImporter
from townhall.importers.tests.test_population import (
    CHANGES,
    LOTTE,
    PERSONS,
    address_register,  # noqa: F401 - fixture
)
from townhall.registry.models import Address, Organisation, OrganisationAddress, Person
from townhall.registry.selectors import register_as_of
from townhall.registry.services import person_find_by_national_number

pytestmark = pytest.mark.django_db

URI = "https://data.vlaanderen.be/id/adres/"


def versions(model, **filters) -> list[tuple]:
    return list(
        model.history.filter(**filters)
        .order_by("history_date", "history_id")
        .values_list("history_type", "history_change_reason", "history_user")
    )


def test_a_best_import_versions_each_address_created_then_only_the_one_changed(
    municipality, best_file, tmp_path
):
    first = BestImporter(best_file).run()
    reason = f"import run {first.pk}: BeST file openaddress-bevlg.csv"
    assert Address.history.count() == 7
    assert set(versions(Address)) == {("+", reason, None)}

    again = BestImporter(best_file).run()
    assert again.counts["addresses"]["unchanged"] == 7
    assert Address.history.count() == 7  # an unchanged re-import writes no version

    # The address register renames the street (same street id, a new name on every line
    # of it): the street keeps its row, and each of its addresses gets a version.
    changed = tmp_path / "openaddress-bevlg.csv"
    changed.write_bytes(best_file.read_bytes().replace(b"Bruggestraat,", b"Brugsestraat,"))
    third = BestImporter(changed).run()
    renamed = list(Address.objects.filter(street_name="Brugsestraat"))
    assert renamed
    changed_by = f"import run {third.pk}: BeST file openaddress-bevlg.csv"
    for address in renamed:
        assert versions(Address, id=address.pk) == [("+", reason, None), ("~", changed_by, None)]
    assert Address.history.count() == 7 + len(renamed)
    # What the register said before the third run.
    address = renamed[0]
    then = register_as_of(address, address.history.earliest().history_date)
    assert then.street_name == "Bruggestraat"
    assert register_as_of(address, timezone.now()).street_name == "Brugsestraat"


def test_a_kbo_import_versions_a_changed_name_and_a_moved_office(municipality, kbo_folder):
    first = KboImporter(kbo_folder).run()
    created = Organisation.history.count()
    assert created == first.counts["enterprises"]["created"]
    assert {reason for _, reason, _ in versions(Organisation)} == {
        f"import run {first.pk}: KBO file {kbo_folder.name}"
    }
    offices = OrganisationAddress.history.count()

    unchanged = KboImporter(kbo_folder).run()
    assert Organisation.history.count() == created
    assert OrganisationAddress.history.count() == offices
    assert unchanged.counts["enterprises"]["unchanged"] == created

    denominations = kbo_folder / "denomination.csv"
    denominations.write_text(
        denominations.read_text().replace("Sportclub Ingelmunster", "Sportclub Ingelmunster 2000")
    )
    address_csv = kbo_folder / "address.csv"
    address_csv.write_text(
        address_csv.read_text().replace('"Bruggestraat","Bruggestraat","1"', '"Markt","Markt","2"')
    )
    run = KboImporter(kbo_folder).run()
    reason = f"import run {run.pk}: KBO file {kbo_folder.name}"
    club = Organisation.objects.get(enterprise_number="0410000192")
    assert versions(Organisation, id=club.pk)[-1] == ("~", reason, None)
    assert Organisation.history.count() == created + 1
    # The old office link deleted, the new one created: a version each, the same reason.
    assert sorted(versions(OrganisationAddress, organisation_id=club.pk)[-2:]) == [
        ("+", reason, None),
        ("-", reason, None),
    ]
    assert register_as_of(club, first.finished_at).name == "Sportclub Ingelmunster"
    assert [a.address_id for a in register_as_of(club, first.finished_at).addresses_then] != [
        a.address_id for a in register_as_of(club, timezone.now()).addresses_then
    ]


def test_a_population_import_versions_the_person_it_changes(address_register):  # noqa: F811
    first = PopulationImporter(PERSONS).run()
    lotte = person_find_by_national_number(LOTTE)
    assert versions(Person, id=lotte.pk) == [
        ("+", f"import run {first.pk}: population register file persons.csv", None)
    ]
    persons = Person.history.count()
    assert persons == Person.objects.count()
    before = _persons()

    run = PopulationImporter(CHANGES).run()
    assert versions(Person, id=lotte.pk)[-1] == (
        "~",
        f"import run {run.pk}: population register file changes.csv",
        None,
    )
    # One version per person whose record changed (a membership change alone is the
    # membership's version), and one per person created.
    after = _persons()
    changed = [pk for pk, values in after.items() if before.get(pk) != values]
    assert len(changed) == 4
    assert Person.history.count() == persons + len(changed)

    PopulationImporter(CHANGES).run()  # the same file again: nothing changes
    PopulationImporter(PERSONS).run()
    assert Person.history.count() == persons + len(changed)
    # On the day before the changes, Lotte still lived at home.
    before = register_as_of(lotte, first.finished_at)
    assert before.state == Person.State.RESIDENT
    assert before.domicile_id is not None
    assert register_as_of(lotte, timezone.now()).state == Person.State.MOVED_OUT
    # A version holds no form of the number but its masked fingerprint.
    version = lotte.history.latest()
    assert not hasattr(version, "national_number_hash")
    assert not hasattr(version, "national_number_encrypted")
    assert version.national_number_masked == lotte.national_number_masked


def _persons() -> dict[int, tuple]:
    fields = [f.attname for f in Person._meta.concrete_fields if f.attname != "updated_at"]
    return {values[0]: values for values in Person.objects.values_list(*fields)}


def test_a_record_that_did_not_exist_yet_has_no_version(municipality, best_file):
    BestImporter(best_file).run()
    address = Address.objects.get(register_uri=f"{URI}2001001")
    assert register_as_of(address, datetime.date(2000, 1, 1)) is None
