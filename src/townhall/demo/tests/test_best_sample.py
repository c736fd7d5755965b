"""The demo's sample BeST file: imported after the seed it renames a street that has
residents, keeps the street's row (so a broadcast's selection still reaches them) and
reports its bad lines with file, line and reason."""

from pathlib import Path

import pytest
from django.db.models import F

from townhall.demo.services import demo_seed
from townhall.demo.streets import demo_street_id
from townhall.importers.best import BestImporter
from townhall.messaging.broadcasts import Selection
from townhall.registry.models import Address, Street

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parents[1] / "data" / "best-renamed-street.csv"


def test_the_sample_renames_a_street_with_residents_and_keeps_them_selected():
    demo_seed(seed=8770, scale=0.1)
    street = Street.objects.get(best_id=demo_street_id("Tieltstraat"))
    selection = Selection(street=street.pk)
    residents = set(selection.persons())
    assert residents  # a main street: people live there
    homes = street.addresses.count()

    run = BestImporter(SAMPLE).run()

    street.refresh_from_db()
    assert street.name == "Koning Albertstraat"
    assert set(selection.persons()) == residents
    assert "Koning Albertstraat" in selection.label()
    # Its homes are renamed with it; the file's numbers that were not there are new.
    assert street.addresses.count() >= homes
    assert set(street.addresses.values_list("street_name", flat=True)) == {"Koning Albertstraat"}
    assert not Address.objects.exclude(street_name=F("street__name")).exists()
    reasons = list(run.rejections.order_by("line").values_list("file_name", "line", "reason"))
    assert [(name, line) for name, line, _ in reasons] == [(SAMPLE.name, 5), (SAMPLE.name, 6)]
    assert "street_id 700021 is named 'Koning Albertstraat' on line 2" in reasons[0][2]
    assert "postcode '8780' is not a postcode of Ingelmunster" in reasons[1][2]
    # The town hall's address got its address register URI.
    town_hall = Address.objects.get(
        street__best_id=demo_street_id("Bruggestraat"), house_number="1"
    )
    assert town_hall.register_uri == "https://data.vlaanderen.be/id/adres/3600700001"
