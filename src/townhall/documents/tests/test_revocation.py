"""Revoking an issued document: the reason it needs, a second revocation, the case's
timeline, the event, and what the verification page says after."""

import logging

import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.tests.staff import staff_user
from townhall.cases.models import CaseEvent
from townhall.documents.events import document_revoked
from townhall.documents.revocation import REASON_MAX_LENGTH, AlreadyRevoked, document_revoke
from townhall.documents.tests.factories import case_for, document_issued
from townhall.registry.tests.factories import PersonFactory
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return staff_user("katrien")


def test_a_revocation_records_who_when_and_why_and_sends_the_event(
    staff, django_capture_on_commit_callbacks, caplog
):
    holder = PersonFactory()
    case = case_for(holder)
    document, _code = document_issued(holder=holder, holder_name=holder.full_name, case=case)

    with (
        events_received(document_revoked) as got,
        django_capture_on_commit_callbacks(execute=True),
        caplog.at_level(logging.INFO, logger="townhall.documents.revocation"),
    ):
        document_revoke(document, actor=staff, reason="  Adres verkeerd gedrukt  ")

    document.refresh_from_db()
    assert document.revoked_at is not None
    assert document.revoked_by == staff
    assert document.revocation_reason == "Adres verkeerd gedrukt"
    [event] = got
    assert event.subject == f"document/{document.pk}"
    assert event.data == {
        "document": document.pk,
        "number": document.number,
        "kind": "certificate_of_residence",
        "holder": holder.pk,
        "case": case.pk,
    }
    line = case.events.get(kind=CaseEvent.Kind.DOCUMENT)
    assert line.public
    assert line.actor == staff
    assert line.data == {"document": document.pk, "revoked": True}
    # For the applicant (in the case's language), without the reason.
    assert line.text == f"Document {document.number} werd ingetrokken: het is niet meer geldig."
    assert "verkeerd" not in line.text
    [logged] = [record.getMessage() for record in caplog.records]
    assert document.number in logged
    assert "verkeerd" not in logged
    assert holder.family_name not in logged


def test_a_document_without_a_case_is_revoked_without_a_timeline(staff):
    document, _code = document_issued()

    document_revoke(document, actor=staff, reason="Fout")

    document.refresh_from_db()
    assert document.is_revoked
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DOCUMENT).exists()


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_revocation_without_a_reason_is_refused_on_the_reason(staff, reason):
    document, _code = document_issued()

    with pytest.raises(ValidationError) as refused:
        document_revoke(document, actor=staff, reason=reason)

    assert "reason" in refused.value.message_dict
    assert "Say why the document is revoked" in refused.value.message_dict["reason"][0]
    document.refresh_from_db()
    assert document.revoked_at is None


def test_a_reason_too_long_is_refused(staff):
    document, _code = document_issued()

    with pytest.raises(ValidationError) as refused:
        document_revoke(document, actor=staff, reason="x" * (REASON_MAX_LENGTH + 1))

    assert "Keep the reason under" in refused.value.message_dict["reason"][0]


def test_revoking_twice_says_so_and_keeps_the_first_revocation(
    staff, django_capture_on_commit_callbacks
):
    colleague = staff_user("wout")
    document, _code = document_issued()
    document_revoke(document, actor=staff, reason="Eerste")
    stale = type(document).objects.get(pk=document.pk)
    stale.revoked_at = None  # as a page read before the first revocation holds it

    with (
        events_received(document_revoked) as got,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AlreadyRevoked) as refused,
    ):
        document_revoke(stale, actor=colleague, reason="Tweede")

    assert f"Document {document.number} was revoked already, on " in refused.value.messages[0]
    assert "Nothing was changed" in refused.value.messages[0]
    assert got == []
    document.refresh_from_db()
    assert (document.revoked_by, document.revocation_reason) == (staff, "Eerste")
