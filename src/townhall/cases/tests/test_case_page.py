"""The case page for staff: scoped to the department, every look logged, the buttons
of the workflow, and what happens when two act at once."""

import pytest
from django.test import Client
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.cases.models import Case, CaseEvent
from townhall.cases.tests.conftest import staff_of
from townhall.registry.models import AccessLogEntry


@pytest.fixture
def wim(departments):
    """Wim of finance, which handles parking cards, signed in with his second factor."""
    user = staff_of("finance", "wim")
    client = Client()
    sign_in_verified(client, user)
    client.user = user
    return client


def _page(case):
    return reverse("backoffice:case", args=[case.uuid])


def _step(client, case, value, text="", version=None):
    return client.post(
        reverse("backoffice:case_step", args=[case.uuid]),
        {
            "version": case.version if version is None else version,
            "task": "review",
            "value": value,
            "text": text,
        },
    )


def test_the_department_sees_the_request_and_the_look_is_logged(wim, handed_in, resident):
    response = wim.get(_page(handed_in))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1-ABC-234" in page  # the submitted data
    assert "Aanvraag beoordelen" in page
    for label in ("Toekennen", "Weigeren", "Document vragen"):
        assert label in page
    entry = AccessLogEntry.objects.get(person=resident)
    assert entry.actor == wim.user
    assert handed_in.reference in entry.purpose
    assert handed_in.events.filter(kind=CaseEvent.Kind.VIEWED, actor=wim.user).exists()
    assert "no-store" in response["Cache-Control"]


def test_another_department_gets_not_found(handed_in, departments):
    other = Client()
    sign_in_verified(other, staff_of("environment", "els"))
    assert other.get(_page(handed_in)).status_code == 404
    assert _step(other, handed_in, "granted", "ok").status_code == 404
    assert not AccessLogEntry.objects.filter(person=handed_in.applicant_person).exists()


def test_a_button_moves_the_case_on(wim, handed_in):
    response = _step(wim, handed_in, "ask", "Een kopie van het inschrijvingsbewijs.")
    assert response.status_code == 302
    handed_in.refresh_from_db()
    assert handed_in.status == Case.Status.WAITING
    assert handed_in.assignee == wim.user
    assert "Waiting for the applicant" in wim.get(_page(handed_in)).content.decode()


def test_the_second_of_two_at_once_is_told_and_keeps_what_they_typed(wim, handed_in):
    stale = handed_in.version
    assert _step(wim, handed_in, "refused", "U woont niet in de zone.").status_code == 302
    response = _step(wim, handed_in, "granted", "Mijn motivering", version=stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed this case meanwhile" in page
    handed_in.refresh_from_db()
    assert handed_in.status == Case.Status.REFUSED


def test_a_refusal_without_motivation_is_asked_again(wim, handed_in):
    response = _step(wim, handed_in, "refused", "   ")
    assert response.status_code == 400
    assert "Fill this in" in response.content.decode()
    handed_in.refresh_from_db()
    assert handed_in.status == Case.Status.RECEIVED


@pytest.mark.parametrize(
    "post",
    [
        {},
        {"version": "x", "task": "review", "value": "granted"},
        {"version": "-1", "task": "review", "value": "granted"},
        {"version": "1", "task": "grant", "value": "granted", "text": "ok"},
        {"version": "1", "task": "review", "value": "x" * 500},
    ],
)
def test_hostile_step_posts_get_a_page_and_change_nothing(wim, handed_in, post):
    response = wim.post(reverse("backoffice:case_step", args=[handed_in.uuid]), post)
    assert response.status_code in (400, 409)
    handed_in.refresh_from_db()
    assert handed_in.status == Case.Status.RECEIVED


def test_notes_are_internal_and_too_long_ones_are_refused(wim, handed_in):
    url = reverse("backoffice:case_note", args=[handed_in.uuid])
    assert wim.post(url, {"text": "Gebeld met de aanvrager."}).status_code == 302
    note = handed_in.events.get(kind=CaseEvent.Kind.NOTE)
    assert not note.public
    response = wim.post(url, {"text": "x" * 5001})
    assert response.status_code == 400
    assert handed_in.events.filter(kind=CaseEvent.Kind.NOTE).count() == 1


def test_a_role_that_handles_no_cases_is_refused(handed_in, departments):
    other = Client()
    sign_in_verified(other, staff_of("communication", "sofie"))
    assert other.get(_page(handed_in)).status_code == 403
