"""The retention purge: files past ``retain_until`` go, rows stay, nothing personal logged."""

import datetime
import logging

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from townhall.documents.models import IssuedDocument
from townhall.documents.retention import documents_purge
from townhall.documents.tests.factories import document_issued

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def purge(django_capture_on_commit_callbacks):
    """``documents_purge`` with what it does after each batch's commit (the files' removal)."""

    def run(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return documents_purge(**kwargs)

    return run


def _kept(until: datetime.date, **fields) -> IssuedDocument:
    document, _code = document_issued(store=True, retain_until=until, **fields)
    assert default_storage.exists(document.path)
    return document


def test_the_files_past_their_retention_are_removed_and_the_rows_stay(purge, caplog):
    expired = _kept(TODAY - datetime.timedelta(days=1), holder_name="Jan Peeters")
    permit = _kept(TODAY - datetime.timedelta(days=400), kind="parking_permit")
    last_day = _kept(TODAY)  # kept until today: still kept today
    later = _kept(TODAY + datetime.timedelta(days=30))

    with caplog.at_level(logging.INFO, logger="townhall.documents.retention"):
        assert purge(today=TODAY) == 2

    for document in (expired, permit):
        path = document.path
        document.refresh_from_db()
        assert document.path == ""
        assert document.purged_at is not None
        assert not default_storage.exists(path)
        # What the register keeps of it, and what the verification needs.
        assert document.number
        assert document.sha256
        assert document.code_digest
    for document in (last_day, later):
        document.refresh_from_db()
        assert default_storage.exists(document.path)
        assert document.purged_at is None
    [line] = [record.getMessage() for record in caplog.records]
    assert "Removed the files of 2 documents kept until before 2027-06-01" in line
    assert "1 certificate_of_residence, 1 parking_permit" in line
    assert "Peeters" not in line
    assert expired.number not in line


def test_running_it_again_removes_nothing_more(purge):
    _kept(TODAY - datetime.timedelta(days=1))
    assert purge(today=TODAY) == 1
    purged_at = IssuedDocument.objects.get().purged_at

    assert purge(today=TODAY) == 0

    assert IssuedDocument.objects.get().purged_at == purged_at


def test_a_file_already_missing_is_fine(purge):
    document = _kept(TODAY - datetime.timedelta(days=1))
    default_storage.delete(document.path)

    assert purge(today=TODAY) == 1

    document.refresh_from_db()
    assert document.path == ""
    assert document.purged_at is not None


def test_a_revoked_document_keeps_its_file_until_its_retention_ends(purge):
    document = _kept(TODAY + datetime.timedelta(days=1), revocation_reason="x")
    document.revoked_at = document.issued_at
    document.save()

    assert purge(today=TODAY) == 0
    assert default_storage.exists(document.path)


def test_more_documents_than_a_batch_are_all_purged(purge, monkeypatch):
    from townhall.documents import retention

    monkeypatch.setattr(retention, "BATCH", 2)
    for _n in range(5):
        _kept(TODAY - datetime.timedelta(days=3))

    assert purge(today=TODAY) == 5
    assert not IssuedDocument.objects.exclude(path="").exists()


def test_the_command_purges_once_and_says_how_many(capsys, django_capture_on_commit_callbacks):
    document = _kept(datetime.date(2000, 1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_documents")

    assert "Removed the files of 1 documents past their retention." in capsys.readouterr().out
    assert IssuedDocument.objects.get().purged_at is not None
    assert not default_storage.exists(document.path)
