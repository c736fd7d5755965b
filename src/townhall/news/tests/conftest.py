"""A communication staff member (the writer and publisher) and publications in each state."""

import datetime

import pytest
from django.utils import timezone

from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import department, staff_user
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.news import services
from townhall.news.models import NewsTopic


@pytest.fixture
def municipality(db):
    return municipality_for_tests()


@pytest.fixture
def writer(municipality):
    """Pieter of the communication department: writes and publishes."""
    department("communication", "Communicatie")
    user = staff_user("pieter", department_code="communication", first_name="Pieter")
    staff_role_assign(user=user)
    return user


@pytest.fixture
def road_works(db):
    # Seeded by migration 0002; a transactional test's flush removes it, so made again.
    return NewsTopic.objects.get_or_create(
        code="road-works", defaults={"name": "Wegenwerken", "name_fr": "Travaux de voirie"}
    )[0]


def published(writer, **fields):
    """A publication written, published at once and read back."""
    fields.setdefault("title", "Nieuwe speeltuin")
    fields.setdefault("audiences", ["residents"])
    publication = services.publication_create(author=writer, **fields)
    return services.publication_publish(publication=publication, actor=writer)


def event_fields(**fields):
    start = timezone.now() + datetime.timedelta(days=3)
    return {
        "kind": "event",
        "title": "Zomerconcert",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "place": "Kasteelpark, Ingelmunster",
        "organiser": "Cultuurraad",
        "is_free": False,
        "price": "5.00",
        "accessibility": "accessible",
        **fields,
    }


def alert_fields(**fields):
    return {
        "kind": "alert",
        "title": "Wegenwerken Kerkstraat",
        "urgent": True,
        "ends_at": timezone.now() + datetime.timedelta(days=2),
        **fields,
    }
