"""Pinned query counts of the outbox's selectors, each with more than one row of
what it reads, so a query per row fails here."""

import pytest

from townhall.messaging import selectors
from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Broadcast, LetterBatch
from townhall.messaging.services import message_cancel, message_send
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import AddressFactory, PersonFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
REQUEST = {"case_reference": "2026-9", "document": "een foto", "deadline": "morgen"}


@pytest.fixture
def outbox(templates, committed):
    """Two residents of the Kerkstraat by e-mail, two by letter, one without any
    channel; a message each, two broadcasts, a message cancelled by staff."""
    municipality_for_tests()
    street = {"domicile": AddressFactory(street_name="Kerkstraat")}
    by_email = [PersonFactory(email=f"r{n}@example.org", **street) for n in range(2)]
    by_letter = [PersonFactory(domicile=AddressFactory(street_name="Kerkstraat")) for _ in range(2)]
    nobody = PersonFactory(email="", mobile="", domicile=None)
    with committed():
        for person in [*by_email, *by_letter, nobody, nobody]:
            message_send(recipient=person, template="decision", context=DECISION)
        for _ in range(2):
            broadcast_send(
                template="document-request",
                context=REQUEST,
                selection=Selection(street="Kerkstraat"),
            )
    waiting = message_send(recipient=by_email[0], template="decision", context=DECISION)
    message_cancel(message=waiting, actor=StaffUserFactory())
    return {"an": by_email[0]}


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        # The messages, their events, and the events' actors.
        (lambda o: selectors.message_log_page_for_person(person=o["an"], params={}, size=50), 3),
        (lambda o: selectors.message_page_for_resident(person=o["an"], params={}, size=25), 1),
        (lambda o: selectors.message_list_problems(limit=15), 1),
        (lambda o: selectors.broadcast_page(params={}, size=15), 1),
        (lambda o: selectors.message_counts(), 1),
        (lambda o: selectors.broadcast_counts(broadcast=o["broadcast"]), 1),
        (lambda o: selectors.broadcast_letters_waiting(broadcast=o["broadcast"]), 1),
        # The open, the printed and a page of the posted batches.
        (lambda o: selectors.letter_batch_lists(params={}, posted_size=10), 3),
        # The templates and their texts.
        (lambda o: selectors.message_template_list(), 2),
    ],
)
def test_selector_query_counts(outbox, django_assert_num_queries, read, expected):
    broadcast = Broadcast.objects.first()  # read before counting, as the page does
    assert LetterBatch.objects.exists()
    with django_assert_num_queries(expected):
        result = read({**outbox, "broadcast": broadcast})
    assert result


def test_one_message_of_a_resident_is_one_query(outbox, django_assert_num_queries):
    shown = selectors.message_page_for_resident(person=outbox["an"], params={}, size=25)
    uuid = shown.items[0].uuid
    with django_assert_num_queries(1):
        assert selectors.message_get_for_resident(person=outbox["an"], uuid=uuid)
