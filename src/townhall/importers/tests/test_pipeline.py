"""Batches committed by a second thread: the same result, the same crash and resume rules."""

import pytest

from townhall.importers import base
from townhall.importers.best import AddressStep, BestImporter
from townhall.importers.models import ImportRun
from townhall.importers.pipeline import Committer
from townhall.registry.models import Address

pytestmark = pytest.mark.django_db(transaction=True)  # outside a transaction: pipelined


def test_a_pipelined_import_gives_the_same_result(municipality, best_file, monkeypatch):
    threads = []
    monkeypatch.setattr(
        base, "Committer", lambda commit: threads.append(Committer(commit)) or threads[-1]
    )
    serial_like = {
        "read": 17,
        "created": 7,
        "streets created": 5,
        "rejected": 8,
        "skipped": {"status retired": 1, "other municipality": 1},
    }

    run = BestImporter(best_file, batch_size=2).run()

    assert len(threads) == 1
    assert not threads[0].is_alive()
    assert run.counts == {"addresses": serial_like}
    assert Address.objects.count() == 7
    assert run.rejections.count() == 8


def test_an_error_in_the_committing_thread_stops_the_import_and_the_next_run_resumes(
    municipality, best_file, monkeypatch
):
    real_apply = AddressStep.apply
    calls = []

    def apply_then_crash(step, batch):
        calls.append(1)
        real_apply(step, batch)
        if len(calls) == 2:
            raise RuntimeError("connection lost")

    monkeypatch.setattr(AddressStep, "apply", apply_then_crash)
    with pytest.raises(RuntimeError, match="connection lost"):
        BestImporter(best_file, batch_size=3).run()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.position == {"openaddress-bevlg.csv": 4}
    assert Address.objects.count() == 3  # the second batch was rolled back, no later one ran

    monkeypatch.setattr(AddressStep, "apply", real_apply)
    resumed = BestImporter(best_file, batch_size=3).run()

    assert resumed.pk == run.pk
    assert Address.objects.count() == 7
    assert resumed.rejections.count() == 8
    assert resumed.counts["addresses"]["read"] == 17
