"""The importers' shortcuts for common rows give what the general rules give."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from townhall.importers.addresses import address_parts
from townhall.importers.base import Rejected
from townhall.importers.kbo_rows import _enterprise_number
from townhall.registry.identifiers import parse_enterprise_number
from townhall.registry.models import address_errors, normalise_address

STREETS = ["Kerkstraat", "  Sint-Amandsstraat ", "Rue de la\tGare", "Église", "KERK  straat", ""]
NUMBERS = ["12", " 12 a ", "3b", "a1", "", "1\u00a02"]
BOXES = ["", "  ", "\u00a0", "bus 3", "B 1", "a"]
POSTCODES = ["8770", " 8770 ", "0770", "87701", "87 70"]
PLACES = ["Ingelmunster", " Sint-Martens-Latem", "Liège"]


def _by_the_rules(street, number, box, postcode, place):
    parts = normalise_address(street, number, box, postcode, place)
    if address_errors(parts[3], parts[1]) or not parts[0] or not parts[4]:
        return None
    return parts


@pytest.mark.parametrize("street", STREETS)
def test_address_parts_agree_with_normalise_address(street):
    for number, box, postcode, place in itertools.product(NUMBERS, BOXES, POSTCODES, PLACES):
        expected = _by_the_rules(street, number, box, postcode, place)
        try:
            parts = address_parts(
                street_name=street,
                house_number=number,
                box_number=box,
                postcode=postcode,
                municipality_name=place,
            )
        except Rejected:
            parts = None
        assert parts == expected, (street, number, box, postcode, place)


@pytest.mark.parametrize(
    "text",
    [
        "0403.019.261",
        "0403.019.262",
        "1403.019.261",
        "0000.000.000",
        "2403.019.261",
        "0403.0l9.261",
        "０403.019.261",
        " 0403.019.261",
        "403.019.261",
        "BE0403019261",
        "0403 019 261",
        "0403-019-261",
        "",
    ],
)
def test_the_enterprise_number_shortcut_agrees_with_parse_enterprise_number(text):
    try:
        expected = parse_enterprise_number(text)
    except ValidationError as error:
        expected = error.messages
    try:
        found = _enterprise_number(text)
    except ValidationError as error:
        found = error.messages
    assert found == expected
