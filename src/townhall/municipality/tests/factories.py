"""A small active municipality for tests, deliberately unlike the demo one."""

import datetime

from townhall.municipality.models import Department, Municipality, OpeningHours, Postcode


def municipality_for_tests() -> Municipality:
    """The active test municipality "Testdorp", created once with a department and hours."""
    existing = Municipality.objects.filter(is_active=True).first()
    if existing is not None:
        return existing
    municipality = Municipality.objects.create(
        name="Testdorp",
        name_fr="Village-Test",
        name_en="Testville",
        nis_code="99999",
        is_active=True,
        street="Dorpsplein",
        house_number="1",
        postcode="9999",
        email="info@testdorp.example.org",
        phone="+32 50 00 00 00",
        languages=["nl", "fr", "en"],
    )
    Postcode.objects.create(municipality=municipality, code="9999", place_name="Testdorp")
    Department.objects.create(
        municipality=municipality,
        code="citizens_affairs",
        name="Burgerzaken",
        email="burgerzaken@example.org",
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=municipality,
            weekday=weekday,
            opens=datetime.time(9),
            closes=datetime.time(12),
        )
    return municipality
