"""The kept counts per channel and state follow every way a message is written,
changed or removed, and the overview reads them instead of counting the outbox."""

import pytest
from django.db.models import Count

from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Message, MessageStateCount
from townhall.messaging.selectors import message_counts
from townhall.messaging.services import message_cancel, message_send
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import AddressFactory, PersonFactory, street_pk

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.fixture(autouse=True)
def _municipality(db):
    municipality_for_tests()


def counted_by_hand() -> dict[tuple[str, str], int]:
    """The truth: a count over every message (what the overview used to run)."""
    return {
        (channel, state): n
        for channel, state, n in Message.objects.order_by()
        .values_list("channel", "state")
        .annotate(n=Count("pk"))
        .values_list("channel", "state", "n")
    }


def test_the_counts_follow_sending_failing_cancelling_bulk_writes_and_deletes(
    smtp, templates, committed
):
    an = PersonFactory(email="an@example.org", domicile=AddressFactory(street_name="Kerkstraat"))
    nobody = PersonFactory(email="", mobile="", domicile=None)
    with committed():
        message_send(recipient=an, template="decision", context=DECISION)  # sent
        message_send(recipient=nobody, template="decision", context=DECISION)  # failed
    waiting = message_send(
        recipient=an, template="decision", context={**DECISION, "case_reference": "2026-8"}
    )  # its task never runs: queued
    assert message_counts() == counted_by_hand()
    assert message_counts()[("email", "queued")] == 1

    message_cancel(message=waiting, actor=None)
    assert message_counts() == counted_by_hand()
    assert ("email", "queued") not in message_counts()
    assert message_counts()[("email", "cancelled")] == 1

    # A broadcast writes its messages in bulk (messages_insert), then delivers them.
    for number in range(3):
        PersonFactory(
            email=f"resident{number}@example.org",
            domicile=AddressFactory(street_name="Kerkstraat"),
        )
    with committed():
        broadcast_send(
            template="document-request",
            context={"case_reference": "2026-9", "document": "een foto", "deadline": "morgen"},
            selection=Selection(street=street_pk("Kerkstraat")),
        )
    assert message_counts() == counted_by_hand()

    # A change made outside every service (the admin, a repair by hand) counts too.
    Message.objects.filter(state=Message.State.SENT).update(channel="sms")
    assert message_counts() == counted_by_hand()
    Message.objects.filter(state=Message.State.FAILED).delete()
    assert message_counts() == counted_by_hand()
    assert ("letter", "failed") not in message_counts()


def test_the_counts_are_a_few_rows_read_in_one_query(templates, django_assert_num_queries):
    before = message_counts()  # other tests may keep messages for the session
    nobody = PersonFactory(email="", mobile="", domicile=None)
    for _ in range(5):
        message_send(recipient=nobody, template="decision", context=DECISION)
    with django_assert_num_queries(1):
        counts = message_counts()
    grown = {key: n - before.get(key, 0) for key, n in counts.items() if n != before.get(key, 0)}
    assert grown == {("letter", "failed"): 5}
    assert MessageStateCount.objects.count() == len(counts)  # one row per channel and state
