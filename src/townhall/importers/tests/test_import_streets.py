"""The population and KBO imports give every address they write its street: the
register's street of that name in that postcode, or a new one (without a register id)."""

from django.db.models import F

from townhall.importers.kbo import KboImporter
from townhall.importers.population import PopulationImporter
from townhall.importers.tests.conftest import SAMPLES
from townhall.importers.tests.test_population import STREETS, address_register  # noqa: F401
from townhall.registry.models import Address, Street


def assert_every_address_has_its_street():
    assert not Address.objects.filter(street__isnull=True).exists()
    assert not Address.objects.exclude(street_name=F("street__name")).exists()


def test_the_population_import_puts_its_addresses_on_the_registers_streets(address_register):  # noqa: F811
    streets_before = dict(Street.objects.values_list("name", "pk"))
    assert set(streets_before) == {street for street, _, _ in STREETS}

    PopulationImporter(SAMPLES / "population" / "persons.csv").run()

    assert Address.objects.count() > len(STREETS)  # new house numbers on known streets
    assert dict(Street.objects.values_list("name", "pk")) == streets_before
    assert_every_address_has_its_street()


def test_the_kbo_import_finds_or_creates_the_streets_of_its_addresses(municipality, kbo_folder):
    KboImporter(kbo_folder).run()

    assert Address.objects.exists()
    assert_every_address_has_its_street()
    assert not Street.objects.filter(best_id__isnull=False).exists()  # KBO knows no street id
