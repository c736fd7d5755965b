"""One active run per source, held by the database; dead runs given up and resumed."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from townhall.importers.base import file_checksum
from townhall.importers.best import AddressStep, BestImporter
from townhall.importers.locking import DEAD, ImportRunning, run_claim
from townhall.importers.models import ImportRun
from townhall.importers.tests.conftest import SAMPLES
from townhall.registry.models import Address

FILE = "openaddress-bevlg.csv"
SCOPE = "nis:36007 postcodes:8770"


def running_run(**fields) -> ImportRun:
    return ImportRun.objects.create(
        source="best", file_name="other.csv", checksum="0" * 64, scope=SCOPE, **fields
    )


def age(run: ImportRun, minutes: int) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def killed_half_way(best_file, monkeypatch) -> ImportRun:
    """A run whose process died after its first batch of three rows: still "running",
    its position at line 4, its heartbeat 20 minutes old (the limit is 15)."""
    real_apply = AddressStep.apply
    calls = []

    def apply_then_die(step, batch):
        calls.append(1)
        real_apply(step, batch)
        if len(calls) == 2:
            raise RuntimeError("killed")

    monkeypatch.setattr(AddressStep, "apply", apply_then_die)
    with pytest.raises(RuntimeError):
        BestImporter(best_file, batch_size=3).run()
    monkeypatch.setattr(AddressStep, "apply", real_apply)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, error="")
    age(run, 20)
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_run_of_a_source(municipality):
    running_run()
    with pytest.raises(IntegrityError), transaction.atomic():
        running_run()
    with pytest.raises(IntegrityError), transaction.atomic():
        running_run(status=ImportRun.Status.QUEUED)
    # Another source, and runs that ended, are no obstacle.
    ImportRun.objects.create(source="kbo", file_name="kbo.zip", checksum="1", scope="all")
    running_run(status=ImportRun.Status.FAILED)
    running_run(status=ImportRun.Status.COMPLETED)


@pytest.mark.django_db
def test_a_start_while_a_run_of_the_source_is_running_is_refused_naming_it(municipality, best_file):
    other = running_run()
    started = timezone.localtime(other.started_at).strftime("%H:%M")

    with pytest.raises(ImportRunning) as refused:
        BestImporter(best_file).run()

    assert str(refused.value) == (
        f"An import of the addresses (BeST) is running since {started} (run {other.pk})."
    )
    assert ImportRun.objects.count() == 1
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_a_resume_of_a_failed_run_is_refused_too_while_another_is_running(
    municipality, best_file, monkeypatch
):
    failed = killed_half_way(best_file, monkeypatch)
    ImportRun.objects.filter(pk=failed.pk).update(status=ImportRun.Status.FAILED)
    running_run()

    with pytest.raises(ImportRunning):
        BestImporter(best_file, batch_size=3).run()

    failed.refresh_from_db()
    assert failed.status == ImportRun.Status.FAILED
    assert Address.objects.count() == 3


@pytest.mark.django_db
def test_a_run_killed_half_way_is_given_up_and_the_next_start_resumes_it(
    municipality, best_file, monkeypatch
):
    dead = killed_half_way(best_file, monkeypatch)
    assert dead.position == {FILE: 4}
    assert Address.objects.count() == 3  # the first batch, whole; the second rolled back
    notices = []

    resumed = BestImporter(best_file, batch_size=3, notify=notices.append).run()

    assert resumed.pk == dead.pk
    assert resumed.status == ImportRun.Status.COMPLETED
    assert notices == [
        f"Resuming import run #{dead.pk} of this file after line 4 of {FILE} (step addresses)."
    ]
    assert Address.objects.count() == 7
    assert resumed.counts["addresses"]["created"] == 7
    assert resumed.rejections.count() == 8


@pytest.mark.django_db
def test_a_dead_run_of_another_file_is_marked_failed_and_the_new_one_runs(municipality, best_file):
    dead = running_run(position={"other.csv": 5000}, step="addresses")
    age(dead, 16)

    run = BestImporter(best_file).run()

    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED
    assert dead.error == DEAD == "stopped: its process ended without finishing"
    assert dead.position == {"other.csv": 5000}  # kept, for a resume of that file
    assert run.status == ImportRun.Status.COMPLETED


@pytest.mark.django_db
def test_a_run_with_a_recent_heartbeat_is_alive_whatever_its_age(municipality, best_file, settings):
    settings.TOWNHALL_IMPORTS = {**settings.TOWNHALL_IMPORTS, "STALE_MINUTES": 30}
    alive = running_run()
    age(alive, 20)

    with pytest.raises(ImportRunning):
        BestImporter(best_file).run()

    alive.refresh_from_db()
    assert alive.status == ImportRun.Status.RUNNING


@pytest.mark.django_db
def test_a_run_records_its_steps_and_its_progress_at_each_commit(municipality, best_file):
    run = BestImporter(best_file, batch_size=5).run()

    run.refresh_from_db()
    assert run.steps == ["addresses"]
    assert run.total == best_file.stat().st_size
    assert run.done == run.total
    assert run.started_from == ImportRun.Origin.COMMAND_LINE
    assert run.started_by is None
    assert run.checksum == file_checksum(best_file)


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_exactly_one_runs(municipality):
    """Two processes (threads with their own connections) start at once; each holds
    its transaction open a moment after its insert. The database lets one through."""
    barrier = threading.Barrier(2)
    outcomes = []

    def start(name):
        def claim():
            run = ImportRun.objects.create(
                source="best", file_name=name, checksum=name * 64, scope="all"
            )
            time.sleep(0.3)  # the other start's insert comes now
            return run

        try:
            barrier.wait()
            outcomes.append(run_claim(source="best", claim=claim))
        except ImportRunning as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    runs = [outcome for outcome in outcomes if isinstance(outcome, ImportRun)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ImportRunning)]
    assert len(runs) == 1
    assert len(refused) == 1
    assert refused[0].run.pk == runs[0].pk
    assert list(ImportRun.objects.values_list("pk", flat=True)) == [runs[0].pk]


@pytest.mark.django_db(transaction=True)
def test_two_whole_imports_at_once_one_imports_the_other_is_refused(municipality, monkeypatch):
    """The same through the importer: the first holds the lock while it reads."""
    barrier = threading.Barrier(2)
    real_prepare = BestImporter.prepare

    def slow_prepare(importer):
        time.sleep(0.5)  # the run is active (committed); the other start comes now
        real_prepare(importer)

    monkeypatch.setattr(BestImporter, "prepare", slow_prepare)
    outcomes = []

    def start():
        try:
            barrier.wait()
            outcomes.append(BestImporter(SAMPLES / FILE).run())
        except ImportRunning as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ImportRun", "ImportRunning"]
    assert ImportRun.objects.get().status == ImportRun.Status.COMPLETED
    assert Address.objects.count() == 7
