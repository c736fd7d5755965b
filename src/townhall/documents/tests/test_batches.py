"""Print batches: many documents, each issued and sealed, joined for the printer, on
every core, with progress a staff page can follow, resumed after a worker died."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from townhall.accounts.tests.staff import staff_user
from townhall.documents import batches
from townhall.documents.batches import BatchRefused, document_batch_render, document_batch_request
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.documents.seal import SealUnavailable, seal_check
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def residents(db):
    municipality_for_tests()
    home = AddressFactory(
        street_name="Dorpsstraat", house_number="3", postcode="9999", nis_code="99999"
    )
    people = [
        PersonFactory(
            given_names=f"Inwoner{index}",
            family_name="Maes",
            domicile=home,
            state=Person.State.RESIDENT,
            state_since=datetime.date(2015, 9, 1),
            language="fr" if index == 2 else "nl",
        )
        for index in range(6)
    ]
    away = AddressFactory(street_name="Elders", house_number="1", postcode="1000", nis_code="21004")
    people.insert(3, PersonFactory(given_names="Weg", domicile=away, state=Person.State.RESIDENT))
    return people


def request(holders, actor=None, **more):
    return document_batch_request(
        kind="certificate_of_residence",
        holders=[person.pk for person in holders],
        title="Test campaign",
        actor=actor,
        **more,
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_a_batch_issues_a_sealed_document_per_holder_and_joins_them_in_order(
    residents, processes, django_capture_on_commit_callbacks
):
    actor = staff_user()
    with django_capture_on_commit_callbacks(execute=False):
        batch = request(residents, actor=actor)
    with django_capture_on_commit_callbacks(execute=True):
        pass
    document_batch_render(batch.pk, processes=processes)
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.DONE
    assert (batch.total, batch.done, batch.issued) == (7, 7, 6)
    assert batch.skipped == {"The holder's domicile is not in this municipality.": 1}
    documents = list(IssuedDocument.objects.filter(batch=batch).order_by("pk"))
    expected = [p for p in residents if p.given_names != "Weg"]
    assert [d.holder for d in documents] == expected  # print order
    assert len({d.number for d in documents}) == 6
    assert [d.language for d in documents] == ["nl", "nl", "fr", "nl", "nl", "nl"]
    for document in documents:  # each its own sealed, verifiable document
        check = seal_check(default_storage.open(document.path).read())
        assert check.status == "valid", check.problem
    printed = PdfReader(io.BytesIO(batch.pdf.read()))
    assert batch.pages == len(printed.pages) == 6
    assert "Inwoner0" in printed.pages[0].extract_text()
    assert "Inwoner5" in printed.pages[5].extract_text()
    # Nobody asked for these: the text says the municipality issued them.
    assert "op verzoek" not in printed.pages[0].extract_text()
    assert "uitgereikt door de gemeente" in printed.pages[0].extract_text().replace("\n", " ")
    # The staff member's batch read each holder's register data: in their access logs.
    logged = AccessLogEntry.objects.filter(actor=actor).values_list("person", flat=True)
    assert sorted(logged) == sorted(p.pk for p in expected)


def test_the_request_is_rendered_by_the_worker_once_it_commits(
    residents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend
        batch = request(residents[:2])
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.DONE
    assert batch.issued == 2


def test_a_batch_asked_for_by_the_system_logs_no_staff_look(residents):
    batch = request(residents[:2])
    document_batch_render(batch.pk, processes=1)
    assert not AccessLogEntry.objects.exists()


def test_a_worker_that_died_is_taken_over_and_the_batch_resumes_where_it_stopped(residents):
    batch = request(residents)
    # A worker had handled the first two holders, then died: its heartbeat stopped.
    batch.holders = batch.holders
    first = request(residents[:2])
    document_batch_render(first.pk, processes=1)
    IssuedDocument.objects.filter(batch=first).update(batch=batch)
    DocumentBatch.objects.filter(pk=batch.pk).update(
        state=DocumentBatch.State.RUNNING, done=2, issued=2
    )
    DocumentBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - batches.STALE_AFTER - datetime.timedelta(seconds=1)
    )
    document_batch_render(batch.pk, processes=1)
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.DONE
    assert (batch.done, batch.issued) == (7, 6)
    holders = list(IssuedDocument.objects.filter(batch=batch).values_list("holder", flat=True))
    assert len(holders) == len(set(holders)) == 6  # nobody got two documents


def test_a_batch_with_a_live_heartbeat_is_left_to_its_worker(residents):
    batch = request(residents[:2])
    DocumentBatch.objects.filter(pk=batch.pk).update(state=DocumentBatch.State.RUNNING)
    assert document_batch_render(batch.pk, processes=1) is None
    assert not IssuedDocument.objects.filter(batch=batch).exists()


def test_a_seal_that_fails_stops_the_batch_with_the_reason_and_a_retry_resumes(
    residents, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "CHUNK", 3)
    real = batches.seal_pdf
    calls = {"n": 0}

    def seal_then_fail(pdf):
        calls["n"] += 1
        if calls["n"] > 3:  # the second chunk's first document
            raise SealUnavailable("the token is gone")
        return real(pdf)

    monkeypatch.setattr(batches, "seal_pdf", seal_then_fail)
    batch = request(residents)
    document_batch_render(batch.pk, processes=1)
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.FAILED
    assert batch.error == "The documents cannot be sealed now. Try the batch again later."
    assert batch.done == 3  # the first chunk, whole; nothing of the second
    assert IssuedDocument.objects.filter(batch=batch).count() == 3
    monkeypatch.setattr(batches, "seal_pdf", real)
    with django_capture_on_commit_callbacks(execute=True):
        batches.document_batch_retry(batch=batch)
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.DONE
    assert (batch.done, batch.issued) == (7, 6)


def test_only_a_failed_batch_can_be_tried_again(residents):
    batch = request(residents[:1])
    with pytest.raises(BatchRefused, match="stopped by an error"):
        batches.document_batch_retry(batch=batch)


@pytest.mark.parametrize(
    ("kind", "holders", "message"),
    [
        ("parking_permit", [1], "is issued for a case only"),
        ("no_such_kind", [1], "knows no document of the kind"),
        ("certificate_of_residence", [], "Nobody is selected"),
        ("certificate_of_residence", range(1, batches.MAX_HOLDERS + 2), "at most 20.000"),
    ],
)
def test_a_batch_that_cannot_be_made_is_refused_with_the_reason(kind, holders, message):
    with pytest.raises(BatchRefused, match=message):
        document_batch_request(kind=kind, holders=holders, title="x", actor=None)
    assert not DocumentBatch.objects.exists()


def test_holders_are_kept_once_in_the_order_given(residents):
    ids = [residents[1].pk, residents[0].pk, residents[1].pk]
    batch = document_batch_request(
        kind="certificate_of_residence", holders=ids, title="", actor=None
    )
    assert batch.holders == [residents[1].pk, residents[0].pk]
    assert batch.title == "Certificate of residence"
