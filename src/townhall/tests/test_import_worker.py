"""A back-office import carried out by a real task worker, killed half-way, then resumed."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

import townhall
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import department, staff_user
from townhall.importers.models import ImportRun
from townhall.importers.services import import_start
from townhall.importers.tests import conftest as importers_conftest
from townhall.registry.models import Address

HEADER = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,"
    "house_number,municipality_id,municipality_name_de,municipality_name_fr,"
    "municipality_name_nl,postcode,postname_fr,postname_nl,street_id,streetname_de,"
    "streetname_fr,streetname_nl,region_code,status"
)
ROWS = 60_000


def best_file() -> bytes:
    lines = [HEADER] + [
        f"71234.51,176543.20,50.920101,3.254102,{3000000 + n},,{n + 1},36007,,Ingelmunster,"
        f"Ingelmunster,8770,Ingelmunster,Ingelmunster,101,,,Bruggestraat,BE-VLG,current"
        for n in range(ROWS)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker(media: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TOWNHALL_TASKS_BACKEND": "database",
        "MEDIA_ROOT": media,
        # This checkout's code, whichever one the shared virtualenv points at.
        "PYTHONPATH": str(Path(townhall.__file__).parents[1]),
    }
    command = [
        sys.executable, "-m", "townhall", "db_worker", "--queue-name", "bulk",
        "--interval", "0.1", "--no-reload", "--no-startup-delay", "-v", "0",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def _wait_for(condition, timeout=120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _run(pk: int) -> ImportRun:
    return ImportRun.objects.get(pk=pk)


# Ingelmunster (NIS 36007, postcode 8770), whose addresses the generated file holds.
municipality = importers_conftest.municipality


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_whole_batches_and_the_next_start_resumes(
    municipality, settings, tmp_path
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "urgent", "bulk"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    department("citizens_affairs", "Burgerzaken")
    user = staff_user("katrien", department_code="citizens_affairs")
    staff_role_assign(user=user)
    content = best_file()

    first = import_start(
        source="best", started_by=user, upload=SimpleUploadedFile("openaddress-bevlg.csv", content)
    )
    worker = _worker(str(settings.MEDIA_ROOT))
    try:
        # Killed once the first batches are in, the way a power cut would.
        assert _wait_for(lambda: Address.objects.count() >= 10_000)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    dead = _run(first.pk)
    assert dead.status == ImportRun.Status.RUNNING  # nobody said it stopped
    saved = Address.objects.count()
    assert saved % 5000 == 0  # whole batches of 5,000 rows, never half of one
    assert dead.position == {"openaddress-bevlg.csv": saved + 1}  # the header is line 1

    # Its heartbeat grows old; the next start gives it up and carries it on.
    ImportRun.objects.filter(pk=dead.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    second = import_start(
        source="best", started_by=user, upload=SimpleUploadedFile("openaddress-bevlg.csv", content)
    )
    worker = _worker(str(settings.MEDIA_ROOT))
    try:
        assert _wait_for(lambda: _run(second.pk).status == ImportRun.Status.COMPLETED)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    dead, run = _run(first.pk), _run(second.pk)
    assert dead.status == ImportRun.Status.FAILED
    assert dead.error == f"Continued in import run #{run.pk}."
    assert run.counts["addresses"]["created"] == ROWS
    assert Address.objects.count() == ROWS
    assert run.upload == ""
    assert not any((settings.MEDIA_ROOT / "imports").rglob("*.csv"))
