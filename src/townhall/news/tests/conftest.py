"""Shared set-up of the news tests: a municipality, the shipped message templates, a
real SMTP server and a real SMS gateway on 127.0.0.1 (never the network), a
communication staff member (the writer and publisher) and publications in each state."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import department, staff_user
from townhall.messaging.templates import templates_load
from townhall.messaging.tests.conftest import committed, smtp  # noqa: F401 (fixtures)
from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.news import services
from townhall.news.models import NewsTopic


@pytest.fixture(autouse=True)
def municipality(db):
    return municipality_for_tests()


@pytest.fixture
def templates(db):
    return {t.code: t for t in templates_load()}


@pytest.fixture
def gateway(settings):
    """A real HTTP SMS gateway; no quiet hours, so texts go at once."""
    cache.clear()  # the gateways' cool-downs
    with FakeSmsGateway("generic") as server:
        settings.TOWNHALL_SMS = {
            **settings.TOWNHALL_SMS,
            "QUIET_HOURS": ("00:00", "00:00"),
            "TIMEOUT": (2.0, 2.0),
            "GATEWAYS": [{"NAME": "primary", "ADAPTER": "generic-http", "URL": server.url}],
        }
        yield server
    cache.clear()


def link_path(text: str, marker: str) -> str:
    """The path of the first link in ``text`` that contains ``marker``."""
    match = re.search(rf"https?://[^/\s]+(\S*{re.escape(marker)}\S*)", text)
    assert match, f"no link with {marker!r} in {text!r}"
    return match.group(1)


def topic(code: str) -> NewsTopic:
    """A topic by its code. The migration seeds them, but a test that flushes the
    database (a browser test) takes them away for the tests after it."""
    found, _created = NewsTopic.objects.get_or_create(
        code=code, defaults={"name": code.replace("-", " ").capitalize()}
    )
    return found


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
