"""Handing a form in: the reference, the tracking code, the event, who may see it."""

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.eforms import events
from townhall.eforms.models import Draft, ReferenceCounter, Submission
from townhall.eforms.selectors import submission_by_tracking_code
from townhall.eforms.submissions import reference_next, tracking_code_hash
from townhall.eforms.tests.test_step_view import DUMPING, PARKING, PDF, PNG, media  # noqa: F401


def _park(client):
    """The resident's parking card, every step answered, up to the check step."""
    client.post(PARKING.format(1), {})
    response = client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    assert response["Location"] == PARKING.format(3)


def _dump(client):
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(
        DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras", "photo": photo}
    )
    response = client.post(DUMPING.format(2), {"wants_contact": "no"})
    assert response["Location"] == DUMPING.format(3)


@pytest.fixture
def received(django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, event, **kwargs):
        seen.append(event)

    events.submission_received.connect(receiver)
    yield seen
    events.submission_received.disconnect(receiver)


def test_a_resident_hands_in_and_gets_a_reference(
    client, resident, received, django_capture_on_commit_callbacks
):
    _park(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PARKING.format(3))
    submission = Submission.objects.get()
    assert response["Location"] == reverse("eforms:confirmation", args=[submission.uuid])
    assert re.fullmatch(r"TH-\d{4}-000001", submission.reference)  # the default prefix
    assert submission.subject_person == resident
    assert not Draft.objects.exists()
    # The answers are kept encrypted, with the known address and its source.
    assert "1-ABC-234" not in submission.answers_encrypted
    assert submission.answers["values"]["number_plate"] == "1-ABC-234"
    assert "Kerkstraat" in str(submission.answers["values"])
    assert submission.answers["known"]
    page = client.get(response["Location"]).content.decode()
    assert submission.reference in page
    assert "tracking code" not in page.lower()
    [event] = received
    assert event.data["reference"] == submission.reference
    assert event.data["person"] == resident.pk
    assert event.data["anonymous"] is False
    assert event.data["product"] == "bewonersparkeerkaart"


def test_a_second_post_of_the_check_step_hands_in_nothing_more(client, resident):
    _park(client)
    first = client.post(PARKING.format(3))
    # A double click or a second tab: the request handed in, not a new one.
    again = client.post(PARKING.format(3))
    assert Submission.objects.count() == 1
    assert again["Location"] == first["Location"]


def test_a_check_step_posted_without_any_draft_starts_the_form(client, resident):
    assert client.post(PARKING.format(3))["Location"] == PARKING.format(1)
    assert not Submission.objects.exists()


def test_an_incomplete_draft_is_not_handed_in(client, resident):
    client.post(PARKING.format(1), {})
    draft = Draft.objects.get()
    # A forged steps_done cannot hand in a draft whose vehicle step asks an answer.
    draft.steps_done = ["details", "vehicle"]
    draft.save()
    response = client.post(PARKING.format(3))
    assert response["Location"] == PARKING.format(2)
    assert not Submission.objects.exists()
    assert Draft.objects.exists()


def test_an_anonymous_report_is_followed_with_its_tracking_code(client, forms, received):
    _dump(client)
    response = client.post(DUMPING.format(3))
    submission = Submission.objects.get()
    assert submission.user is None
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'class="tracking-code"><strong>([A-Z0-9-]+)<', page).group(1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert code not in str(Submission.objects.values().get())
    assert submission.tracking_code_hash == tracking_code_hash(code)
    assert submission_by_tracking_code(code.lower().replace("-", " ")) == submission
    assert submission_by_tracking_code("AAAA-AAAA-AAAA") is None
    assert submission_by_tracking_code("<script>") is None


def test_nobody_else_sees_the_confirmation(client, resident, forms):
    _park(client)
    response = client.post(PARKING.format(3))
    url = response["Location"]
    client.logout()
    assert client.get(url).status_code == 404
    from django.test import Client

    assert Client().get(url).status_code == 404
    assert (
        Client()
        .get(reverse("eforms:confirmation", args=["00000000-0000-4000-8000-000000000000"]))
        .status_code
        == 404
    )


def test_references_count_per_prefix_and_year(db):
    assert reference_next(prefix="ING", year=2026) == "ING-2026-000001"
    assert reference_next(prefix="ING", year=2026) == "ING-2026-000002"
    assert reference_next(prefix="ING", year=2027) == "ING-2027-000001"
    assert reference_next(prefix="AB", year=2026) == "AB-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_when_submits_come_at_once():
    # PostgreSQL: the counter's row lock; SQLite: its IMMEDIATE transactions (settings.py).
    from django.db import connections, transaction

    references, errors = [], []

    def take():
        try:
            with transaction.atomic():
                references.append(reference_next(prefix="ING", year=2026))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(references) == [f"ING-2026-{n:06d}" for n in range(1, 9)]
    assert ReferenceCounter.objects.get(prefix="ING", year=2026).last == 8
