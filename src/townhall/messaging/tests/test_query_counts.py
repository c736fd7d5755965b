"""Pinned query counts of the outbox's selectors, each with more than one row of
what it reads, so a query per row fails here."""

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.messaging import selectors
from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Broadcast, LetterBatch
from townhall.messaging.services import message_cancel, message_send
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import (
    AddressFactory,
    PersonFactory,
    StaffUserFactory,
    street_pk,
)
from townhall.registry.tests.test_query_counts import estimate_read

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
                selection=Selection(street=street_pk("Kerkstraat")),
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


def test_the_admin_list_of_messages(client, outbox, django_assert_num_queries):
    """The administration's list of the outbox, as a superuser with the second factor.

    Three for every admin page: the session, the user and the second-factor device
    (the municipality's profile comes from the cache; the session is saved only
    when it changed or is a minute old). Then the rows counted for the pages (not
    the whole table: show_full_result_count is off), the page of rows, and the
    first day and the days of the date hierarchy.
    """
    superuser = StaffUserFactory(superuser=True)
    client.force_login(superuser)
    device = TOTPDevice.objects.create(user=superuser, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/admin/messaging/message/")  # warm the caches, as a second page would
    with django_assert_num_queries(3 + 4 + estimate_read()):
        response = client.get("/admin/messaging/message/")
    assert len(response.context["cl"].result_list) > 3
