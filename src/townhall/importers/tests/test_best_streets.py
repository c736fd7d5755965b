"""The streets of the BeST import: by their register id, renamed in place, split,
retired only when the file says so, and a street named two ways in one file refused."""

import pytest
from django.db.models import F

from townhall.importers.best import HEADER, BestImporter
from townhall.importers.reading import ImportFileError
from townhall.registry.models import Address, Person, Street
from townhall.registry.tests.factories import PersonFactory

FILE = "openaddress-bevlg.csv"
COLUMNS = HEADER.split(",")


def row(address_id, number, street_id, street, status="current", french=""):
    values = {
        "EPSG:31370_x": "71234.51",
        "EPSG:31370_y": "176543.20",
        "EPSG:4326_lat": "50.920101",
        "EPSG:4326_lon": "3.254102",
        "address_id": str(address_id),
        "box_number": "",
        "house_number": str(number),
        "municipality_id": "36007",
        "municipality_name_de": "",
        "municipality_name_fr": "Ingelmunster",
        "municipality_name_nl": "Ingelmunster",
        "postcode": "8770",
        "postname_fr": "Ingelmunster",
        "postname_nl": "Ingelmunster",
        "street_id": str(street_id),
        "streetname_de": "",
        "streetname_fr": french,
        "streetname_nl": street,
        "region_code": "BE-VLG",
        "status": status,
    }
    return ",".join(values[column] for column in COLUMNS)


def best(tmp_path, *rows, name=FILE):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return BestImporter(path).run()


FIRST = [
    row(1, 1, 101, "Bruggestraat"),
    row(2, 10, 102, "Stationsstraat"),
    row(3, 12, 102, "Stationsstraat"),
    row(4, 14, 102, "Stationsstraat"),
]


@pytest.fixture
def imported(municipality, tmp_path):
    best(tmp_path, *FIRST, name="first.csv")
    residents = [
        PersonFactory(domicile=Address.objects.get(register_uri__endswith=f"/{n}"))
        for n in (2, 3, 4)
    ]
    station = Street.objects.get(best_id=102)
    return station, residents


def residents_of(street_pk: int) -> set:
    """The residents of the street's row, as a broadcast's selection finds them
    (messaging's tests show the selection itself; the importers do not use messaging)."""
    return set(Person.objects.filter(domicile__street_id=street_pk))


def rejections(run):
    return list(run.rejections.order_by("line").values_list("file_name", "line", "reason"))


def never_diverge():
    assert not Address.objects.exclude(street_name=F("street__name")).exists()
    assert not Address.objects.filter(street__isnull=True).exists()


def test_streets_are_created_with_their_register_id_names_and_status(imported):
    station, _ = imported
    assert (station.name, station.name_nl, station.status) == (
        "Stationsstraat",
        "Stationsstraat",
        Street.Status.CURRENT,
    )
    assert station.uri == "https://data.vlaanderen.be/id/straatnaam/102"
    assert station.addresses.count() == 3
    never_diverge()


def test_a_renamed_street_keeps_its_row_and_its_residents_stay_selected(imported, tmp_path):
    station, residents = imported

    run = best(
        tmp_path,
        row(1, 1, 101, "Bruggestraat"),
        *(
            row(n, 8 + 2 * n, 102, "Koning Albertstraat", french="Rue Roi Albert")
            for n in (2, 3, 4)
        ),
    )

    assert run.counts["addresses"]["streets renamed"] == 1
    renamed = Street.objects.get(pk=station.pk)
    assert renamed.best_id == 102
    assert renamed.names() == {"nl": "Koning Albertstraat", "fr": "Rue Roi Albert"}
    assert set(renamed.addresses.values_list("street_name", flat=True)) == {"Koning Albertstraat"}
    assert residents_of(station.pk) == set(residents)
    never_diverge()


def test_a_split_moves_the_addresses_under_the_new_street_and_keeps_the_old(imported, tmp_path):
    station, residents = imported

    best(
        tmp_path,
        *FIRST[:3],
        row(4, 14, 107, "Stationsplein"),
    )

    square = Street.objects.get(best_id=107)
    assert list(square.addresses.values_list("house_number", flat=True)) == ["14"]
    assert sorted(
        Street.objects.get(pk=station.pk).addresses.values_list("house_number", flat=True)
    ) == [
        "10",
        "12",
    ]
    assert residents_of(station.pk) == set(residents[:2])
    assert list(residents_of(square.pk)) == [residents[2]]
    never_diverge()


def test_a_street_renamed_and_split_in_one_file(imported, tmp_path):
    station, residents = imported

    run = best(
        tmp_path,
        row(2, 10, 102, "Koning Albertstraat"),
        row(3, 12, 107, "Stationsstraat"),  # the old name goes to the new street
        row(4, 14, 102, "Koning Albertstraat"),
    )

    assert rejections(run) == []
    kept = Street.objects.get(pk=station.pk)
    assert kept.name == "Koning Albertstraat"
    assert sorted(kept.addresses.values_list("house_number", flat=True)) == ["10", "14"]
    new = Street.objects.get(best_id=107)
    assert new.pk != station.pk
    assert list(new.addresses.values_list("house_number", flat=True)) == ["12"]
    assert residents_of(station.pk) == {residents[0], residents[2]}
    never_diverge()


def test_a_street_named_two_ways_in_one_file_has_its_later_line_rejected(imported, tmp_path):
    station, _ = imported

    run = best(
        tmp_path,
        row(2, 10, 102, "Koning Albertstraat"),
        row(3, 12, 102, "Koning Albertstraat"),
        row(4, 14, 102, "Albertlaan"),
    )

    assert rejections(run) == [
        (
            FILE,
            4,
            "street_id 102 is named 'Koning Albertstraat' on line 2 and 'Albertlaan' on this "
            "line: a street has one name in a file, so this line is left out (correct the "
            "file and import it again)",
        )
    ]
    station.refresh_from_db()
    assert station.name == "Koning Albertstraat"
    # Number 14 is not moved, and keeps its street under the street's (new) name.
    assert set(station.addresses.values_list("street_name", flat=True)) == {"Koning Albertstraat"}
    never_diverge()


def test_a_csv_with_a_wrong_header_is_refused_and_changes_nothing(imported, tmp_path):
    path = tmp_path / FILE
    path.write_text("address_id;street_id;streetname_nl\n2;102;Albertlaan\n", encoding="utf-8")
    before = list(Street.objects.values_list())

    with pytest.raises(ImportFileError) as error:
        BestImporter(path).run()

    assert str(error.value).startswith(f"{FILE} is not a BeST address file")
    assert list(Street.objects.values_list()) == before


def test_a_street_is_retired_only_when_the_file_says_so(imported, tmp_path):
    station, residents = imported

    best(tmp_path, row(1, 1, 101, "Bruggestraat"))  # the Stationsstraat is not in it
    station.refresh_from_db()
    assert station.status == Street.Status.CURRENT

    run = best(
        tmp_path,
        row(1, 1, 101, "Bruggestraat"),
        *(row(n, 8 + 2 * n, 102, "Stationsstraat", status="retired") for n in (2, 3, 4)),
    )

    assert run.counts["addresses"]["streets retired"] == 1
    station.refresh_from_db()
    assert station.status == Street.Status.RETIRED
    assert station.valid_to is not None
    # Its residents still live there: their addresses stay, and so does their street.
    assert set(Person.objects.filter(domicile__street=station)) == set(residents)
    never_diverge()


def test_a_street_known_without_its_id_gets_it_and_keeps_its_row(municipality, tmp_path):
    resident = PersonFactory(
        domicile=Address.objects.create(
            street_name="stationsstraat",
            house_number="10",
            postcode="8770",
            municipality_name="Ingelmunster",
        )
    )
    street = resident.domicile.street
    assert street.best_id is None

    run = best(tmp_path, *FIRST)

    assert run.counts["addresses"]["streets given their register id"] == 1
    street.refresh_from_db()
    assert (street.best_id, street.name) == (102, "Stationsstraat")
    resident.domicile.refresh_from_db()
    assert resident.domicile.street_name == "Stationsstraat"
    never_diverge()


def test_a_rename_onto_an_address_of_another_street_is_rejected_line_by_line(imported, tmp_path):
    station, _ = imported
    Address.objects.create(
        street_name="Kerkstraat", house_number="10", postcode="8770", municipality_name="X"
    )

    run = best(tmp_path, *(row(n, 8 + 2 * n, 102, "Kerkstraat") for n in (2, 3, 4)))

    reasons = rejections(run)
    assert [line for _, line, _ in reasons] == [2, 3, 4]
    assert "Kerkstraat 10, 8770 X already exists on another street" in reasons[0][2]
    station.refresh_from_db()
    assert station.name == "Stationsstraat"
    never_diverge()
