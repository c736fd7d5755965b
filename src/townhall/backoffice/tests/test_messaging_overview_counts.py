"""The messaging overview shows the kept counts, and they stay right as messages
are sent, fail and are cancelled."""

import pytest

from townhall.messaging.models import Message
from townhall.messaging.services import message_send
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


def shown(client) -> dict:
    """The state table as the page shows it: per channel, the count per state."""
    table = client.get("/backoffice/berichten/").context["table"]
    return {
        row["channel"]: dict(zip(table["states"], row["cells"], strict=True))
        for row in table["rows"]
        if row["total"]
    }


def test_the_overview_counts_sent_failed_and_cancelled_messages(
    client, citizens_affairs, templates, kerkstraat, django_capture_on_commit_callbacks
):
    Message.objects.all().delete()  # the overview counts every message; rolled back after
    assert client.get("/backoffice/berichten/").context["table"]["empty"]
    nobody = PersonFactory(domicile=None, email="", mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(recipient=kerkstraat["an"], template="decision", context=DECISION)
        message_send(recipient=nobody, template="decision", context=DECISION)
    waiting = message_send(recipient=kerkstraat["bart"], template="decision", context=DECISION)
    assert shown(client) == {
        "e-mail": {"sent": 1, "queued": 0, "failed": 0},
        "text message (SMS)": {"sent": 0, "queued": 1, "failed": 0},
        "letter by post": {"sent": 0, "queued": 0, "failed": 1},
    }

    client.post(f"/backoffice/berichten/bericht/{waiting.uuid}/annuleren/", {"confirming": "1"})
    assert shown(client) == {
        "e-mail": {"sent": 1, "failed": 0, "cancelled": 0},
        "text message (SMS)": {"sent": 0, "failed": 0, "cancelled": 1},
        "letter by post": {"sent": 0, "failed": 1, "cancelled": 0},
    }
