"""Shared set-up of the courses tests: a municipality, the shipped message templates,
a course with a session next week, and residents with each kind of channel."""

import datetime

import pytest
from django.utils import timezone

from townhall.courses.models import Course, Session
from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def municipality(db):
    return municipality_for_tests()


@pytest.fixture(autouse=True)
def templates(db):
    return {t.code: t for t in templates_load()}


def course_made(**fields) -> Course:
    values = {
        "code": "eid",
        "title": "Werken met uw eID en kaartlezer",
        "title_fr": "Utiliser votre eID et son lecteur",
        "description": "U leert uw eID gebruiken om in te loggen.",
        "level": Course.Level.BEGINNER,
        **fields,
    }
    return Course.objects.create(**values)


def session_made(course=None, *, capacity=2, days=7, **fields) -> Session:
    starts = timezone.now() + datetime.timedelta(days=days)
    return Session.objects.create(
        course=course or course_made(),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Bibliotheek, leeszaal",
        trainer="Annemie (vrijwilliger)",
        capacity=capacity,
        **fields,
    )


@pytest.fixture
def session(db):
    return session_made()


@pytest.fixture
def residents(db):
    """Three residents: by e-mail, by SMS, and one of 80 with neither (a letter)."""
    return {
        "email": PersonFactory(email="an@example.org", mobile=""),
        "sms": PersonFactory(email="", mobile="+32470000002"),
        "letter": PersonFactory(
            email="", mobile="", birth_date=timezone.localdate().replace(year=1946)
        ),
    }
