"""The population register importer on small files in Townhall's format, bad rows included.

``persons.csv`` is a snapshot of twelve residents in five households;
``changes.csv`` a move-in, a move-out, a death with the new reference person, and
a household that moves; ``errors.csv`` one bad row per rule.
"""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.importers.models import ImportRun
from townhall.importers.population import PopulationImporter, PopulationStep
from townhall.importers.reading import ImportAbort, ImportFileError
from townhall.importers.tests.conftest import SAMPLES
from townhall.registry import protection
from townhall.registry.logging import mask_national_numbers
from townhall.registry.models import Address, Household, HouseholdMembership, Person
from townhall.registry.provenance import RecordSource
from townhall.registry.services import person_find_by_national_number
from townhall.registry.tests.factories import person_number

FOLDER = SAMPLES / "population"
PERSONS, CHANGES, ERRORS = (FOLDER / name for name in ("persons.csv", "changes.csv", "errors.csv"))
HEADER = (FOLDER / "persons.csv").read_text().splitlines()[0]
JAN, ELS, LOTTE, WOUT = "75031201161", "77083002272", "05060103415", "08112004517"
MARIA, KAREL = "48010505633", "46091406757"
AHMED, FATIMA, YOUSSEF = "82041707994", "85120208080", "12022909113"
SOFIE, NOAH, PIETER, EMMA = "90070710275", "19101011385", "01011512564", "99050513682"
UNKNOWN = "60060640142"  # a valid number of nobody in the files
ALL_NUMBERS = re.compile(r"\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}")
STREETS = [
    ("Bruggestraat", "1", ""),
    ("Stationsstraat", "10", ""),
    ("Kortrijksestraat", "5", ""),
    ("Meulebekestraat", "7A", ""),
    ("Izegemsestraat", "2", "3"),
]
Relation = HouseholdMembership.Relation


@pytest.fixture
def address_register(municipality):
    """The address register as the BeST import leaves it: a few addresses per street."""
    for number, (street, house_number, box) in enumerate(STREETS):
        Address.objects.create(
            street_name=street,
            house_number=house_number,
            box_number=box,
            postcode="8770",
            municipality_name="Ingelmunster",
            nis_code="36007",
            register_uri=f"https://data.vlaanderen.be/id/adres/{2001001 + number}",
        )
    return municipality


def import_population(path, **options) -> ImportRun:
    return PopulationImporter(path, **options).run()


def write_rows(tmp_path, *rows: str, name: str = "population.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def person(number: str) -> Person:
    return person_find_by_national_number(number)


def members(household_number: str) -> dict[str, str]:
    """The current members of a household: given names -> relation."""
    return dict(
        HouseholdMembership.objects.filter(
            household__register_number=household_number, end_date__isnull=True
        ).values_list("person__given_names", "relation")
    )


def history(number: str) -> list[tuple]:
    return list(
        person(number)
        .memberships.order_by("start_date", "pk")
        .values_list("household__register_number", "relation", "start_date", "end_date")
    )


def rejections(run: ImportRun) -> list[tuple[str, int, str]]:
    return list(run.rejections.order_by("line").values_list("file_name", "line", "reason"))


def snapshot() -> dict[str, list]:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (Person, Household, HouseholdMembership, Address, RecordSource)
    }


def date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- a snapshot of the register -------------------------------------------------


def test_imports_the_residents_and_their_households(address_register):
    run = import_population(PERSONS)

    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts == {"population": {"read": 12, "created": 12, "households created": 5}}
    assert Person.objects.count() == 12
    assert members("100001") == {
        "Jan": Relation.REFERENCE_PERSON,
        "Els Maria": Relation.PARTNER,
        "Lotte": Relation.CHILD,
        "Wout": Relation.CHILD,
    }
    assert members("100002") == {"Maria": "reference_person", "Karel": "partner"}
    assert members("100003") == {
        "Ahmed": "reference_person",
        "Fatima": "partner",
        "Youssef": "child",
    }
    # Noah's row comes before his mother's: a later row names the reference person.
    assert members("100004") == {"Sofie": "reference_person", "Noah": "child"}
    assert members("100005") == {"Pieter": "reference_person"}
    assert str(Household.objects.get(register_number="100001").address) == (
        "Bruggestraat 3 box 1, 8770 Ingelmunster"
    )


def test_a_person_gets_identity_domicile_state_and_a_protected_number(address_register):
    import_population(PERSONS)

    jan = person(JAN)
    assert (jan.given_names, jan.family_name, jan.sex) == ("Jan", "Peeters", Person.Sex.MALE)
    assert jan.birth_date == date("1975-03-12")
    assert (jan.state, jan.state_since) == (Person.State.RESIDENT, date("2003-06-14"))
    assert str(jan.domicile) == "Bruggestraat 3 box 1, 8770 Ingelmunster"
    assert jan.number_kind == Person.NumberKind.NATIONAL_REGISTER
    assert jan.national_number_masked == protection.national_number_mask(
        protection.national_number_hash(JAN)
    )
    assert jan.reveal_national_number() == JAN
    assert JAN not in str(Person.objects.filter(pk=jan.pk).values_list().get())
    ahmed = person(AHMED)
    assert (ahmed.nationality, ahmed.language) == ("MA", "fr")
    # Empty birth date, sex, nationality and language: from the number, and the defaults.
    wout = person(WOUT)
    assert (wout.birth_date, wout.sex) == (date("2008-11-20"), Person.Sex.MALE)
    assert (wout.nationality, wout.language) == ("BE", "nl")
    assert wout.domicile == jan.domicile  # "bus 1" is box 1
    assert history(YOUSSEF) == [("100003", "child", date("2015-09-01"), None)]
    assert person(YOUSSEF).birth_date == date("2012-02-29")


def test_the_population_register_is_recorded_as_the_source(address_register):
    import_population(PERSONS)

    assert set(
        RecordSource.objects.filter(person=person(SOFIE)).values_list(
            "group", "source", "recorded_on"
        )
    ) == {
        ("identity", "population_register", date("2018-03-01")),
        ("domicile", "population_register", date("2018-03-01")),
        ("household", "population_register", date("2018-03-01")),
    }


def test_a_new_language_renews_the_source_of_the_preferences_not_of_the_identity(
    address_register, tmp_path
):
    # My data shows the language with the source of the preferences (person_fields).
    import_population(PERSONS)
    german = write_rows(
        tmp_path,
        "person,2026-01-15,90070710275,Sofie,De Smet,1990-07-07,F,BE,de,Meulebekestraat,7A,,"
        "8770,Ingelmunster,100004,reference_person",
    )

    run = import_population(german)

    assert rejections(run) == []
    assert person(SOFIE).language == "de"
    assert set(
        RecordSource.objects.filter(person=person(SOFIE)).values_list(
            "group", "source", "recorded_on"
        )
    ) == {
        ("identity", "population_register", date("2018-03-01")),
        ("preferences", "population_register", date("2026-01-15")),
        ("domicile", "population_register", date("2018-03-01")),
        ("household", "population_register", date("2018-03-01")),
    }


# --- changes --------------------------------------------------------------------


def test_applies_a_move_in_a_move_out_a_death_and_a_household_change(address_register):
    import_population(PERSONS)

    run = import_population(CHANGES)

    assert rejections(run) == []
    assert run.counts == {
        "population": {"read": 5, "created": 1, "updated": 4, "households moved": 1}
    }
    emma = person(EMMA)
    assert (emma.state, emma.state_since, emma.nationality) == (
        "resident",
        date("2026-02-01"),
        "NL",
    )
    assert members("100004") == {"Sofie": "reference_person", "Noah": "child", "Emma": "partner"}
    lotte = person(LOTTE)
    assert (lotte.state, lotte.state_since, lotte.domicile) == (
        Person.State.MOVED_OUT,
        date("2026-03-01"),
        None,
    )
    assert history(LOTTE) == [("100001", "child", date("2005-06-01"), date("2026-03-01"))]
    maria = person(MARIA)
    assert (maria.state, maria.state_since) == (Person.State.DECEASED, date("2026-04-10"))
    assert str(maria.domicile) == "Stationsstraat 10, 8770 Ingelmunster"  # the last domicile
    assert members("100002") == {"Karel": "reference_person"}
    assert history(KAREL) == [
        ("100002", "partner", date("1970-05-02"), date("2026-04-10")),
        ("100002", "reference_person", date("2026-04-10"), None),
    ]
    pieter = person(PIETER)
    assert str(pieter.domicile) == "Bruggestraat 1, 8770 Ingelmunster"
    assert str(Household.objects.get(register_number="100005").address) == str(pieter.domicile)


def test_moving_to_another_household_ends_the_old_membership_that_day(address_register, tmp_path):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "household_change,2026-05-02,85120208080,,,,,,,,,,,,300001,reference_person",
        "household_change,2026-05-02,12022909113,,,,,,,,,,,,300001,child",
    )

    run = import_population(path)

    assert rejections(run) == []
    assert history(FATIMA) == [
        ("100003", "partner", date("2015-09-01"), date("2026-05-02")),
        ("300001", "reference_person", date("2026-05-02"), None),
    ]
    assert members("300001") == {"Fatima": "reference_person", "Youssef": "child"}
    assert members("100003") == {"Ahmed": "reference_person"}
    new = Household.objects.get(register_number="300001")
    assert new.address == person(FATIMA).domicile  # a household change does not move anyone


def test_a_household_that_moves_out_together_needs_no_new_reference_person(
    address_register, tmp_path
):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "move_out,2026-07-01,82041707994,,,,,,,,,,,,100003,",
        "move_out,2026-07-01,85120208080,,,,,,,,,,,,,",
        "move_out,2026-07-01,12022909113,,,,,,,,,,,,,",
    )

    run = import_population(path)

    assert rejections(run) == []
    assert members("100003") == {}
    assert set(Person.objects.filter(family_name="El Amrani").values_list("state", flat=True)) == {
        Person.State.MOVED_OUT
    }


def test_a_person_row_naming_another_reference_person_ends_the_former_ones_membership(
    address_register, tmp_path
):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "person,2026-08-01,77083002272,Els Maria,Claes,,,,,Bruggestraat,3,1,8770,,100001,"
        "reference_person",
    )

    run = import_population(path)

    assert rejections(run) == []
    assert members("100001") == {"Els Maria": "reference_person", "Lotte": "child", "Wout": "child"}
    assert history(JAN)[-1] == (
        "100001",
        "reference_person",
        date("2003-06-14"),
        date("2026-08-01"),
    )
    assert person(JAN).state == Person.State.RESIDENT  # his own row, if any, places him


def test_a_household_left_without_its_promised_reference_person_is_named(
    address_register, tmp_path
):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "move_out,2026-07-01,75031201161,,,,,,,,,,,,100001,",
        f"household_change,2026-07-01,{UNKNOWN},,,,,,,,,,,,100001,reference_person",
    )
    notices = []

    run = PopulationImporter(path, notify=notices.append).run()

    assert [line for _, line, _ in rejections(run)] == [3]
    assert members("100001") == {"Els Maria": "partner", "Lotte": "child", "Wout": "child"}
    assert notices[-1] == (
        "1 household has members but no reference person: 100001. Name their reference "
        "person with a household_change row (or by hand)."
    )


# --- idempotency and resuming ---------------------------------------------------


def test_a_second_run_of_the_same_files_changes_nothing(address_register):
    import_population(PERSONS)
    import_population(CHANGES)
    before = snapshot()

    again = import_population(CHANGES)
    snapshot_again = import_population(PERSONS)

    assert snapshot() == before
    assert again.counts == {"population": {"read": 5, "unchanged": 5}}
    assert snapshot_again.counts == {"population": {"read": 12, "unchanged": 12}}
    assert ImportRun.objects.count() == 4


def test_an_interrupted_import_resumes_after_the_last_committed_batch(
    address_register, monkeypatch
):
    real_apply = PopulationStep.apply

    def crash_in_the_second_batch(step, batch):
        real_apply(step, batch)
        if Person.objects.count() > 3:
            raise RuntimeError("killed")

    monkeypatch.setattr(PopulationStep, "apply", crash_in_the_second_batch)
    with pytest.raises(RuntimeError):
        import_population(PERSONS, batch_size=3)
    failed = ImportRun.objects.get()
    assert (failed.status, failed.position) == (ImportRun.Status.FAILED, {"persons.csv": 4})
    assert Person.objects.count() == 3
    monkeypatch.setattr(PopulationStep, "apply", real_apply)
    notices = []

    run = PopulationImporter(PERSONS, batch_size=3, notify=notices.append).run()

    assert run.pk == failed.pk
    assert notices[0] == (
        f"Resuming import run #{run.pk} of this file after line 4 of persons.csv (step population)."
    )
    assert run.counts == {"population": {"read": 12, "created": 12, "households created": 5}}
    assert members("100004") == {"Sofie": "reference_person", "Noah": "child"}
    assert HouseholdMembership.objects.count() == 12


# --- bad input ------------------------------------------------------------------

EXPECTED_REJECTIONS = [
    (
        2,
        "national_number: This national register number is not right. Check it on the "
        "identity card. The check digits do not match: 97 minus the first nine digits "
        "modulo 97 (with a 2 in front for people born in 2000 or later) must give the last two.",
    ),
    (
        3,
        "national_number: This national register number is not right. Check it on the "
        "identity card. The birth date in this number does not exist: day 31 of month 2.",
    ),
    (4, "birth_date: The birth date does not match the national register number."),
    (
        5,
        "the street 'Bruggstraat' is not known in 8770 Ingelmunster: check its spelling "
        "against the address register",
    ),
    (
        6,
        "postcode '8780' is not a postcode of Ingelmunster (8770): the population register "
        "holds the municipality's residents",
    ),
    (8, "duplicate of line 7: the same person in two person rows"),
    (
        9,
        "conflicting household data: household 200001 has its reference person on line 7 "
        "already; a household has one reference person",
    ),
    (
        10,
        "no person with this national number in the register: register the person first "
        "with a person or move_in row",
    ),
    (11, "a quoted value is not closed on its line (bad quoting)"),
    (12, "expected 16 values as in the header, found 10"),
    (13, "the line is not valid UTF-8 (byte 0xE9 at position 34); save the file as UTF-8"),
    (
        14,
        "the reference person would leave household 100001 while 3 other members remain: "
        "name the new reference person in a later row of the same date "
        "(relation reference_person, household 100001)",
    ),
    (15, "duplicate of line 10"),
    (
        16,
        "national_number: this is a bis number; residents in the population register have "
        "a national register number",
    ),
    (17, "event_date '2026-13-01' is not a date written YYYY-MM-DD"),
    (
        18,
        "unknown record_type 'birth' (expected person, move_in, move_out, death or "
        "household_change)",
    ),
    (
        19,
        "sex: The sex does not match the national register number (its counter is odd for "
        "men, even for women).",
    ),
    (
        20,
        "household 100003 lives at another address than the person: a household_change "
        "does not move anyone; use move_in rows for a move",
    ),
    (
        21,
        "household 100001 has a reference person already: to hand the role over, give the "
        "former reference person's own row (household_change, move_out or death) of the "
        "same date after this one",
    ),
    (
        22,
        "out of date order: the register holds a later change for this person (2015-09-01); "
        "rows must come in date order",
    ),
    (24, "municipality 'Gent' does not match postcode 8770 (Ingelmunster)"),
    (25, "event_date 2999-01-01 lies in the future"),
    (
        26,
        "relation 'cousin' is not one of reference_person, partner, child, parent, sibling, "
        "grandchild, other_relative, other",
    ),
    (
        27,
        "household 200002 has no reference person, and no later person row names one: "
        "give the reference person's row after this one",
    ),
    (
        28,
        "conflicting household data: line 7 puts household 200001 at another address than "
        "this row (Stationsstraat 10, 8770 Ingelmunster)",
    ),
]


def test_reports_every_rejected_row_with_file_line_and_reason(address_register):
    import_population(PERSONS)

    run = import_population(ERRORS)

    assert rejections(run) == [("errors.csv", line, reason) for line, reason in EXPECTED_REJECTIONS]
    assert run.counts["population"]["created"] == 2  # lines 7 and 23
    assert members("200001") == {"Tom": "reference_person", "Nele": "partner"}
    assert members("100001")["Jan"] == "reference_person"  # line 14 changed nothing


def test_no_rejection_reason_holds_a_national_number(address_register):
    import_population(PERSONS)
    run = import_population(ERRORS)

    for reason in run.rejections.values_list("reason", flat=True):
        assert mask_national_numbers(reason) == reason
        assert not ALL_NUMBERS.search(reason)


def test_a_file_of_another_kind_stops_before_anything_is_written(address_register):
    with pytest.raises(ImportFileError) as error:
        import_population(SAMPLES / "openaddress-bevlg.csv")

    assert str(error.value).startswith(
        "openaddress-bevlg.csv is not a population register export: the header lacks the "
        "columns record_type, event_date, national_number, given_names, family_name, street, "
        "household_number, relation.\nExpected header: record_type,event_date,"
    )
    assert ImportRun.objects.count() == 0


def test_a_missing_column_is_named(address_register, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER.replace(",relation", "") + "\n")

    with pytest.raises(
        ImportFileError,
        match=r"export\.csv is not a population register export: "
        r"the header lacks the column relation\.",
    ):
        import_population(path)


def test_a_file_in_another_encoding_is_refused_by_its_header(address_register, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text(HEADER + "\n", encoding="utf-16")

    with pytest.raises(ImportFileError, match="is not a population register export"):
        import_population(path)


def test_a_zip_holding_the_export_is_read_like_the_file(address_register, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PERSONS, "persons.csv")

    run = import_population(archive)

    assert run.counts["population"]["created"] == 12


def test_without_streets_in_the_address_register_streets_are_not_checked(municipality):
    notices = []

    run = PopulationImporter(PERSONS, notify=notices.append).run()

    assert run.counts["population"]["created"] == 12
    assert notices[0] == (
        "The address register has no streets of 8770 yet: street names are not checked "
        "there. Import the addresses first (import_addresses)."
    )


def test_needs_an_active_municipality_and_refuses_all(db, address_register):
    with pytest.raises(ImportAbort, match="--all does not apply"):
        PopulationImporter(PERSONS, everything=True)
    address_register.is_active = False
    address_register.save()
    with pytest.raises(ImportAbort, match="There is no active municipality"):
        PopulationImporter(PERSONS)


# --- the command ----------------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_population", *args, "--no-progress", stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_the_command_imports_and_exits_normally(address_register):
    stdout, stderr = run_command(str(PERSONS), "--batch-size", "5")

    assert "population: 12 rows read, 12 created, 5 households created, 0 rejected" in stdout
    assert stderr == ""


def test_the_command_exits_with_an_error_and_writes_the_report_without_numbers(
    address_register, tmp_path
):
    run_command(str(PERSONS))
    report = tmp_path / "rejected.csv"
    stdout = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command(
            "import_population",
            str(ERRORS),
            "--no-progress",
            "--report",
            str(report),
            stdout=stdout,
        )

    run = ImportRun.objects.get(file_name="errors.csv")
    assert str(error.value) == (
        f"25 rows were rejected (import run #{run.pk}); every other row was imported."
    )
    output = stdout.getvalue()
    assert "population: 27 rows read, 2 created, 1 households created, 25 rejected" in output
    assert "errors.csv:10: no person with this national number in the register" in output
    assert not ALL_NUMBERS.search(output)
    with open(report, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["file", "line", "reason"]
    assert len(rows) == 26
    assert not ALL_NUMBERS.search(report.read_text())


def test_the_command_names_the_missing_columns_of_a_wrong_file(address_register):
    with pytest.raises(CommandError, match="is not a population register export"):
        run_command(str(SAMPLES / "openaddress-bevlg.csv"))


# --- more household changes ------------------------------------------------------


def test_an_event_hands_the_reference_role_over_when_the_former_one_has_a_row_that_day(
    address_register, tmp_path
):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "household_change,2026-05-01,77083002272,,,,,,,,,,,,100001,reference_person",
        "household_change,2026-05-01,75031201161,,,,,,,,,,,,100001,partner",
    )

    run = import_population(path)
    again = import_population(path)

    assert rejections(run) == []
    assert members("100001") == {
        "Els Maria": "reference_person",
        "Jan": "partner",
        "Lotte": "child",
        "Wout": "child",
    }
    assert history(JAN) == [
        ("100001", "reference_person", date("2003-06-14"), date("2026-05-01")),
        ("100001", "partner", date("2026-05-01"), None),
    ]
    assert again.counts == {"population": {"read": 2, "unchanged": 2}}


def test_a_snapshot_may_move_a_reference_person_before_naming_the_new_one(
    address_register, tmp_path
):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "person,2026-09-01,75031201161,Jan,Peeters,,,,,Stationsstraat,10,,8770,,100009,"
        "reference_person",
        "person,2026-09-01,77083002272,Els Maria,Claes,,,,,Bruggestraat,3,1,8770,,100001,"
        "reference_person",
    )

    run = import_population(path)

    assert rejections(run) == []
    assert members("100009") == {"Jan": "reference_person"}
    assert members("100001") == {"Els Maria": "reference_person", "Lotte": "child", "Wout": "child"}
    assert str(person(JAN).domicile) == "Stationsstraat 10, 8770 Ingelmunster"


def test_several_changes_of_one_person_in_one_batch(address_register, tmp_path):
    import_population(PERSONS)
    path = write_rows(
        tmp_path,
        "move_in,2026-02-01,99050513682,Emma,Wouters,,,,,Meulebekestraat,7A,,8770,,100004,partner",
        "household_change,2026-03-01,99050513682,Emma,Wouters-Peeters,,,,,,,,,,400001,"
        "reference_person",
        "move_out,2026-04-01,99050513682,,,,,,,,,,,,400001,",
        "move_in,2026-05-01,99050513682,Emma,Wouters-Peeters,,,,,Bruggestraat,1,,8770,,400001,"
        "reference_person",
    )

    run = import_population(path)
    again = import_population(path)

    assert rejections(run) == []
    assert run.counts["population"] == {
        "read": 4,
        "created": 1,
        "updated": 3,
        "households created": 1,
    }
    assert history(EMMA) == [
        ("100004", "partner", date("2026-02-01"), date("2026-03-01")),
        ("400001", "reference_person", date("2026-03-01"), date("2026-04-01")),
        ("400001", "reference_person", date("2026-05-01"), None),
    ]
    emma = person(EMMA)
    assert (emma.family_name, emma.state, emma.state_since) == (
        "Wouters-Peeters",
        Person.State.RESIDENT,
        date("2026-05-01"),
    )
    assert str(Household.objects.get(register_number="400001").address) == str(emma.domicile)
    assert again.counts == {"population": {"read": 4, "unchanged": 4}}


def test_a_number_with_day_00_keeps_its_precision_with_a_birth_date_column(
    address_register, tmp_path
):
    # Issue 17, defect 9: the birth_date column gave the first of the month "to the day".
    number = person_number(1960, 7, 0, 11)
    path = write_rows(
        tmp_path,
        f"person,2003-06-14,{number},Piet,Declercq,1960-07-01,M,BE,nl,"
        "Bruggestraat,1,,8770,Ingelmunster,400001,reference_person",
    )
    run = import_population(path)
    assert rejections(run) == []
    piet = person(number)
    assert (piet.birth_date, piet.birth_date_precision) == (
        date("1960-07-01"),
        Person.DatePrecision.MONTH,
    )
