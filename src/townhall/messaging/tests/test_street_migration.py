"""The streets migration: one street per street name, postcode and NIS code of the
addresses already there, every address pointed at its street, and the broadcasts'
stored selections moved from the street's name to its row.

The database is taken back to before the streets and forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from townhall.messaging.broadcasts import Selection
from townhall.messaging.models import Broadcast
from townhall.registry.models import Address, Street

BEFORE_THE_STREETS = [("registry", "0008_search_indexes"), ("messaging", "0008_field_labels")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_addresses_and_selections_made_before_the_streets_find_their_street():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE_THE_STREETS)
        OldAddress = old.get_model("registry", "Address")
        for number, (street, postcode, nis_code) in enumerate(
            [
                ("Kerkstraat", "8770", "36007"),
                ("Kerkstraat", "8770", "36007"),
                ("Kerkstraat", "8780", "36008"),
                ("Sint-Amandsplein", "8770", "36007"),
            ]
        ):
            OldAddress.objects.create(
                street_name=street,
                house_number=str(number + 1),
                postcode=postcode,
                municipality_name="Ingelmunster",
                nis_code=nis_code,
                key=f"{postcode}|{street.lower()}|{number + 1}|",
            )
        Template = old.get_model("messaging", "MessageTemplate")
        template = Template.objects.create(code="notice", name="Notice", kind="announcement")
        OldBroadcast = old.get_model("messaging", "Broadcast")
        to_street = OldBroadcast.objects.create(
            template=template,
            selection={"street": "kerkstraat", "postcode": "8770", "person_ids": []},
            selection_label="residents of kerkstraat",
        )
        to_nowhere = OldBroadcast.objects.create(
            template=template,
            selection={"street": "Verdwenen Straat", "postcode": "", "person_ids": []},
            selection_label="residents of Verdwenen Straat",
        )
        to_all = OldBroadcast.objects.create(
            template=template,
            selection={"street": "", "postcode": "", "age_min": 65, "person_ids": []},
            selection_label="all residents, aged 65 or more",
        )
    finally:
        migrate(latest)

    streets = {(s.name, s.postcode, s.nis_code): s for s in Street.objects.all()}
    assert set(streets) == {
        ("Kerkstraat", "8770", "36007"),
        ("Kerkstraat", "8780", "36008"),
        ("Sint-Amandsplein", "8770", "36007"),
        ("Verdwenen Straat", "", ""),  # kept for the old selection, without addresses
    }
    assert not Address.objects.filter(street__isnull=True).exists()
    kerkstraat = streets["Kerkstraat", "8770", "36007"]
    assert kerkstraat.key == "8770|kerkstraat"
    assert sorted(kerkstraat.addresses.values_list("house_number", flat=True)) == ["1", "2"]

    selection = Selection.from_json(Broadcast.objects.get(pk=to_street.pk).selection)
    assert selection.street == kerkstraat.pk
    nowhere = Selection.from_json(Broadcast.objects.get(pk=to_nowhere.pk).selection)
    assert Street.objects.get(pk=nowhere.street).status == Street.Status.RETIRED
    assert not nowhere.persons().exists()
    everyone = Selection.from_json(Broadcast.objects.get(pk=to_all.pk).selection)
    assert everyone.street is None
    assert everyone.age_min == 65
