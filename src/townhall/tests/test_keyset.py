"""Keyset pages: every row once, in order, both ways, without OFFSET or COUNT."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from townhall.keyset import keyset_page
from townhall.messaging.models import LetterBatch, Message
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages():
    """Seven messages to one person; three of them written in the same microsecond,
    so the id has to break the tie."""
    person = PersonFactory()
    rows = [
        Message.objects.create(
            person=person,
            recipient_name="An",
            kind="personal",
            topic="reminders",
            channel="email",
            address="an@example.org",
            language="nl",
            body=f"message {n}",
            queue="default",
        )
        for n in range(7)
    ]
    start = timezone.now() - datetime.timedelta(days=1)
    for n, row in enumerate(rows):
        at = start + datetime.timedelta(minutes=min(n, 3))  # rows 3..6 share a time
        Message.objects.filter(pk=row.pk).update(created_at=at)
    return Message.objects.filter(person=person)


def bodies(page):
    return [m.body for m in page]


def test_pages_go_older_and_back_newer_over_every_row_once(messages):
    first = keyset_page(messages, params={}, size=3)
    assert bodies(first) == ["message 6", "message 5", "message 4"]
    assert first.newer is None
    assert first.older

    second = keyset_page(messages, params={"older": first.older}, size=3)
    assert bodies(second) == ["message 3", "message 2", "message 1"]
    third = keyset_page(messages, params={"older": second.older}, size=3)
    assert bodies(third) == ["message 0"]
    assert third.older is None
    assert third.newer

    back = keyset_page(messages, params={"newer": third.newer}, size=3)
    assert bodies(back) == bodies(second)
    newest = keyset_page(messages, params={"newer": back.newer}, size=3)
    assert bodies(newest) == bodies(first)
    assert newest.newer is None


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "nonsense",
        "2026-13-45T00:00:00~1",
        "~",
        "2026-01-01T00:00:00~x",
        "9" * 400,
        "2026-01-01T00:00:00~" + "9" * 30,
        "2026-01-01T00:00:00~-1",
        "\x00~1",
    ],
)
def test_a_cursor_that_cannot_be_read_starts_at_the_newest_page(messages, cursor):
    page = keyset_page(messages, params={"older": cursor}, size=3)
    assert bodies(page) == ["message 6", "message 5", "message 4"]


def test_a_page_reads_no_offset_and_counts_nothing(messages):
    first = keyset_page(messages, params={}, size=3)
    with CaptureQueriesContext(connection) as queries:
        keyset_page(messages, params={"older": first.older}, size=3)
    [query] = queries.captured_queries
    assert "OFFSET" not in query["sql"].upper()
    assert "COUNT(" not in query["sql"].upper()


def test_pages_by_a_date_as_the_posted_letter_batches():
    days = [datetime.date(2026, 11, d) for d in (3, 1, 2, 2)]
    for day in days:
        LetterBatch.objects.create(day=day, state=LetterBatch.State.POSTED)
    batches = LetterBatch.objects.all()
    first = keyset_page(batches, params={}, size=2, field="day")
    second = keyset_page(batches, params={"older": first.older}, size=2, field="day")
    seen = [(b.day.day, b.pk) for b in [*first, *second]]
    assert seen == sorted(seen, reverse=True)
    assert len(set(seen)) == 4
    assert second.older is None


def test_oldest_first_pages_forward_and_back_over_every_row_once(messages):
    """An inbox's deadlines, soonest first: ``older`` is the next page, ``newer`` the one
    before."""
    first = keyset_page(messages, params={}, size=3, descending=False)
    assert bodies(first) == ["message 0", "message 1", "message 2"]
    assert first.newer is None
    second = keyset_page(messages, params={"older": first.older}, size=3, descending=False)
    assert bodies(second) == ["message 3", "message 4", "message 5"]
    third = keyset_page(messages, params={"older": second.older}, size=3, descending=False)
    assert bodies(third) == ["message 6"]
    assert third.older is None

    back = keyset_page(messages, params={"newer": third.newer}, size=3, descending=False)
    assert bodies(back) == bodies(second)
    start = keyset_page(messages, params={"newer": back.newer}, size=3, descending=False)
    assert bodies(start) == bodies(first)
    assert start.newer is None


def test_oldest_first_by_a_date_with_ties_broken_by_id():
    days = [datetime.date(2026, 11, d) for d in (3, 1, 2, 2, 1)]
    for day in days:
        LetterBatch.objects.create(day=day, state=LetterBatch.State.POSTED)
    batches = LetterBatch.objects.all()
    seen, params = [], {}
    while True:
        page = keyset_page(batches, params=params, size=2, field="day", descending=False)
        seen += [(b.day.day, b.pk) for b in page]
        if page.older is None:
            break
        params = {"older": page.older}
    assert seen == sorted(seen)
    assert len(set(seen)) == 5
