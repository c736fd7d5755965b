"""A selection by street follows the street: after a rename, a new broadcast and the
saved selection of an earlier one still reach its residents."""

import pytest

from townhall.messaging.broadcasts import Selection, broadcast_preview, broadcast_send
from townhall.messaging.models import MessageTemplate
from townhall.messaging.templates import template_activate, template_text_save
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.streets import street_rename
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(db):
    municipality_for_tests()
    template = MessageTemplate.objects.create(
        code="notice", name="Notice", kind="announcement", topic="alerts"
    )
    for channel in ("email", "sms", "letter"):
        for language in ("nl", "fr", "en"):
            template_text_save(
                template=template, channel=channel, language=language, subject="S", body="B"
            )
    return template_activate(template=template)


def test_a_renamed_street_keeps_its_residents_selected(notice):
    residents = [
        PersonFactory(
            email=f"r{n}@example.org", domicile=AddressFactory(street_name="Stationsstraat")
        )
        for n in range(3)
    ]
    PersonFactory(domicile=AddressFactory(street_name="Kerkstraat"))
    street = residents[0].domicile.street
    selection = Selection(street=street.pk)
    earlier = broadcast_send(template=notice, selection=selection)
    assert earlier.selection_label == "residents of Stationsstraat"

    street_rename(street=street, name="Koning Albertstraat")

    # The saved selection, previewed again, and a new broadcast to the street.
    saved = Selection.from_json(earlier.selection)
    assert broadcast_preview(selection=saved, topic="alerts").total == 3
    again = broadcast_send(template=notice, selection=saved)
    assert again.selection_label == "residents of Koning Albertstraat"
    assert set(saved.persons().values_list("pk", flat=True)) == {p.pk for p in residents}


def test_the_selection_is_stored_by_the_streets_row():
    street = AddressFactory(street_name="Stationsstraat").street
    data = Selection(street=street.pk, age_min=18).as_json()
    assert data["street"] == street.pk
    assert Selection.from_json(data) == Selection(street=street.pk, age_min=18)
