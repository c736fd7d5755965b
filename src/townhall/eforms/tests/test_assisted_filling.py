"""Filling a form for a resident in an assisted session at the counter: the draft and
the submission name the staff member, handing in needs their confirmation that the
resident asked for it, and the resident's access log shows it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.accounts.assisted import ACCESS_PURPOSE
from townhall.accounts.models import ActivityRecord
from townhall.accounts.tests.staff import resident_person, sign_in_verified
from townhall.accounts.tests.test_assisted_rules import staff_of, start
from townhall.eforms.models import Draft, Submission
from townhall.eforms.tests.test_step_view import DUMPING, PNG, media  # noqa: F401
from townhall.registry.models import AccessLogEntry


@pytest.fixture
def assisted(client, forms):
    """Katrien of Burgerzaken, in an assisted session for Marie Peeters."""
    katrien = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, katrien)
    marie, number = resident_person()
    start(client, number)
    return {"staff": katrien, "marie": marie}


def _fill(client):
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(
        DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras", "photo": photo}
    )
    assert client.post(DUMPING.format(2), {"wants_contact": "no"})["Location"] == (
        DUMPING.format(3)
    )


def test_handing_in_needs_the_staff_members_confirmation(client, assisted):
    _fill(client)
    draft = Draft.objects.get()
    assert draft.assisted_by == assisted["staff"]
    assert draft.subject_person == assisted["marie"]
    page = client.get(DUMPING.format(3)).content.decode()
    assert 'name="resident_confirmed"' in page
    response = client.post(DUMPING.format(3))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "Confirm that the resident in front of you asked" in page
    assert not Submission.objects.exists()
    assert not ActivityRecord.objects.filter(action="assisted_session.change_confirmed").exists()


def test_a_confirmed_submission_names_both_and_the_resident_sees_it(client, assisted):
    staff, marie = assisted["staff"], assisted["marie"]
    _fill(client)
    response = client.post(DUMPING.format(3), {"resident_confirmed": "on"})
    submission = Submission.objects.get()
    assert response["Location"] == f"/loket/aanvraag/{submission.uuid}/"
    assert submission.assisted_by == staff
    assert submission.user.person == marie
    assert submission.subject_person == marie
    confirmed = ActivityRecord.objects.get(action="assisted_session.change_confirmed")
    assert confirmed.detail["change"] == "submission.handed_in"
    assert (confirmed.actor, confirmed.on_behalf_of_person) == (staff, marie)
    handed = ActivityRecord.objects.get(action="submission.handed_in_assisted")
    assert handed.detail["reference"] == submission.reference
    assert handed.assisted_by == staff
    # Marie's access log: the staff member's looks at her form, and the hand-in.
    entries = AccessLogEntry.objects.filter(person=marie, actor=staff)
    assert entries.filter(purpose__contains=submission.reference).exists()
    assert all(entry.purpose.startswith(str(ACCESS_PURPOSE)) for entry in entries)
    assert entries.filter(purpose__contains="Report illegal dumping").exists()


def test_outside_an_assisted_session_nobody_is_asked_to_confirm(client, resident):
    from townhall.eforms.tests.test_step_view import PARKING

    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    assert 'name="resident_confirmed"' not in client.get(PARKING.format(3)).content.decode()
    client.post(PARKING.format(3))
    submission = Submission.objects.get()
    assert submission.assisted_by is None
    assert Draft.objects.count() == 0


def test_removing_the_residents_draft_needs_the_confirmation_too(client, assisted):
    _fill(client)
    draft = Draft.objects.get()
    remove = f"/mijn/concepten/{draft.uuid}/verwijderen/"
    assert 'name="resident_confirmed"' in client.get(remove).content.decode()
    response = client.post(remove)
    assert response.status_code == 200
    assert "Confirm that the resident in front of you asked" in response.content.decode()
    assert Draft.objects.exists()
    assert client.post(remove, {"resident_confirmed": "on"})["Location"] == "/mijn/"
    assert not Draft.objects.exists()
    confirmed = ActivityRecord.objects.get(action="assisted_session.change_confirmed")
    assert confirmed.detail["change"] == "draft.removed"
    assert confirmed.actor == assisted["staff"]
