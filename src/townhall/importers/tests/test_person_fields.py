"""The population importer's columns derive from the one declaration of a person's fields
(``registry.person_fields``)."""

from townhall.importers.population_batch import FIELDS as POPULATION_FIELDS
from townhall.registry.person_fields import NUMBER_COLUMNS, PERSON_FIELDS


def test_the_importer_writes_what_the_population_register_delivers():
    delivered = {
        column
        for field in PERSON_FIELDS
        if field.from_population_register
        for column in field.columns
    }
    assert set(POPULATION_FIELDS) == delivered - {"domicile", *NUMBER_COLUMNS}
    assert not {"email", "mobile"} & set(POPULATION_FIELDS)
