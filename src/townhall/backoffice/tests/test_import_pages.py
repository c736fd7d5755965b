"""Register imports in the back office: starting one, its run page, the reject report,
the history, and the bad input staff (or a forged form) may send."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.roles import ROLES, staff_role_assign
from townhall.accounts.tests.staff import department, sign_in_verified, staff_user
from townhall.importers.best import AddressStep, BestImporter
from townhall.importers.locking import ImportRunning
from townhall.importers.models import ImportRun
from townhall.importers.sources import SOURCES
from townhall.importers.tests.conftest import SAMPLES
from townhall.municipality.models import Municipality, Postcode
from townhall.registry.models import Address

pytestmark = pytest.mark.django_db

FILE = "openaddress-bevlg.csv"
BEST = SAMPLES / FILE


@pytest.fixture
def ingelmunster(db, settings, tmp_path):
    """The BeST sample's municipality, active; uploads kept under a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    municipality = Municipality.objects.create(
        name="Ingelmunster",
        nis_code="36007",
        is_active=True,
        street="Bruggestraat",
        house_number="1",
        postcode="8770",
        email="info@ingelmunster.test",
        phone="+3251337400",
        languages=["nl", "fr", "en"],
    )
    Postcode.objects.create(municipality=municipality, code="8770", place_name="Ingelmunster")
    return municipality


def member_of(code: str, username: str):
    department(code, ROLES[code].group_name)
    user = staff_user(username, department_code=code)
    staff_role_assign(user=user)
    client = Client()
    sign_in_verified(client, user)
    return client, user


@pytest.fixture
def katrien(ingelmunster):
    """Citizens' affairs: may import the addresses and the population register."""
    return member_of("citizens_affairs", "katrien")


def upload(path=BEST, name=None, content=None):
    data = path.read_bytes() if content is None else content
    return SimpleUploadedFile(name or path.name, data, content_type="text/csv")


def start(client, source="best", **fields):
    data = {"source": source, **{f"{source}-{key}": value for key, value in fields.items()}}
    return client.post(reverse("backoffice:import_start"), data)


def rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_staff_upload_the_best_file_and_follow_the_run_to_its_end(
    katrien, django_capture_on_commit_callbacks, settings
):
    client, user = katrien
    page = client.get(reverse("backoffice:imports"))
    assert page.status_code == 200
    assert "Import the addresses (BeST)" in page.text
    assert "Import the population register" in page.text
    assert "enterprises (KBO)" not in page.text  # the secretariat's

    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, file=upload())

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.COMPLETED
    assert (run.started_from, run.started_by) == (ImportRun.Origin.BACK_OFFICE, user)
    assert run.file_name == FILE
    assert Address.objects.count() == 7
    assert run.upload == ""  # removed from the storage after the run
    assert not any((settings.MEDIA_ROOT / "imports").rglob("*.csv"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "data-refresh" not in page.text  # ended: no more refreshing
    assert "Download the 8 rejected rows" in page.text
    assert "Katrien Vanhoutte" in page.text
    counts = page.context["steps"][0]
    assert (counts["read"], counts["created"], counts["rejected"], counts["skipped"]) == (
        17,
        7,
        8,
        2,
    )

    report = client.get(reverse("backoffice:import_report", args=[run.pk]))
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = rows(report)
    assert lines[0] == ["file", "line", "reason"]
    assert len(lines) == 9
    assert [FILE, "11", "duplicate of line 2 (address_id 2001001)"] in lines


def test_an_upload_kept_in_a_storage_without_local_files_is_copied_out_and_imported(
    katrien, django_capture_on_commit_callbacks, settings
):
    # A remote storage (S3, say) has no path(): the worker copies the upload to a local
    # temporary file first. Django's in-memory storage is one such storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client, _user = katrien
    with django_capture_on_commit_callbacks(execute=True):
        start(client, file=upload())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.COMPLETED, run.error
    assert Address.objects.count() == 7
    assert run.upload == ""


def test_a_waiting_run_page_refreshes_its_progress_and_says_it_waits(katrien):
    client, _user = katrien
    start(client, file=upload())  # no worker in this test: the run waits
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED

    page = client.get(reverse("backoffice:import_run", args=[run.pk]))

    assert 'data-refresh-every="2000"' in page.text
    assert "refresh-section.js" in page.text
    assert "waits for the background worker" in page.text


def test_a_running_run_shows_its_step_and_progress_bar(katrien):
    client, _user = katrien
    run = ImportRun.objects.create(
        source="best",
        file_name=FILE,
        checksum="x",
        scope="all",
        steps=["addresses"],
        step="addresses",
        done=250,
        total=1000,
        counts={"addresses": {"read": 10, "created": 9, "rejected": 1}},
    )

    page = client.get(reverse("backoffice:import_run", args=[run.pk]))

    assert '<progress id="progress-bar" max="100" value="25">' in page.text
    assert "Step 1 of 1: addresses" in page.text
    assert "the command line" in page.text


def test_a_second_start_while_one_runs_is_refused_with_the_run_in_the_way(katrien, ingelmunster):
    client, _user = katrien
    start(client, file=upload())  # waits for the worker
    first = ImportRun.objects.get()
    other, _ = member_of("citizens_affairs", "jan")
    when = timezone.localtime(first.started_at).strftime("%H:%M")

    response = start(other, file=upload())

    assert response.status_code == 400
    assert (
        f"An import of the addresses (BeST) is waiting to start since {when} (run {first.pk})."
        in response.text
    )
    assert ImportRun.objects.count() == 1
    # And the command line is refused as well.
    with pytest.raises(ImportRunning, match=f"is waiting to start since {when}"):
        BestImporter(BEST).run()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "is not a BeST address file"),
        (
            "enterprise.csv",
            (SAMPLES / "kbo" / "enterprise.csv").read_bytes(),
            "is not a BeST address file",
        ),
    ],
)
def test_a_file_of_the_wrong_kind_fails_the_run_with_the_reason_and_writes_nothing(
    katrien, django_capture_on_commit_callbacks, name, content, reason
):
    client, _user = katrien
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, file=upload(name=name, content=content))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert reason in run.error
    assert not Address.objects.exists()
    assert not run.rejections.exists()
    page = client.get(response["Location"])
    assert "The import stopped:" in page.text
    assert reason in page.text


def test_a_zip_without_one_csv_fails_the_run_with_the_reason(
    katrien, django_capture_on_commit_callbacks
):
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    client, _user = katrien
    with django_capture_on_commit_callbacks(execute=True):
        start(client, file=upload(name="best.zip", content=archive.getvalue()))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "best.zip should hold exactly one CSV file; it holds none."


def test_an_upload_over_the_limit_is_refused_and_nothing_starts(katrien, settings):
    settings.TOWNHALL_IMPORTS = {**settings.TOWNHALL_IMPORTS, "UPLOAD_MAX_BYTES": 1000}
    client, _user = katrien

    response = start(client, file=upload())

    assert response.status_code == 400
    assert "the limit is 1000" in response.text
    assert not ImportRun.objects.exists()


def test_a_body_over_the_page_limit_is_refused_unread_on_the_page(katrien):
    client, _user = katrien
    huge = str(10 * 1024**3)

    response = client.post(
        reverse("backoffice:import_start"), {"source": "best"}, CONTENT_LENGTH=huge
    )

    assert response.status_code == 413
    assert "it was not taken in, and nothing was imported" in response.text
    assert not ImportRun.objects.exists()


def test_a_configured_server_file_is_imported_and_a_forged_path_is_refused(
    katrien, settings, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_IMPORTS = {**settings.TOWNHALL_IMPORTS, "PATHS": {"best": [str(BEST)]}}
    client, _user = katrien

    forged = start(client, server_path="/etc/passwd")
    assert forged.status_code == 400
    assert "Select a valid choice" in forged.text
    assert not ImportRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, server_path=str(BEST))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.server_path, run.file_name) == (
        ImportRun.Status.COMPLETED,
        str(BEST),
        FILE,
    )
    assert Address.objects.count() == 7


def test_a_form_without_a_file_or_with_both_says_what_to_do(katrien, settings):
    settings.TOWNHALL_IMPORTS = {**settings.TOWNHALL_IMPORTS, "PATHS": {"best": [str(BEST)]}}
    client, _user = katrien

    assert "Choose the file to import." in start(client).text
    both = start(client, file=upload(), server_path=str(BEST))
    assert "not both" in both.text
    assert not ImportRun.objects.exists()


def test_an_import_the_staff_member_may_not_run_is_not_found_or_refused(katrien, ingelmunster):
    client, _user = katrien
    kbo = ImportRun.objects.create(source="kbo", file_name="kbo.zip", checksum="x", scope="all")
    best = ImportRun.objects.create(source="best", file_name=FILE, checksum="y", scope="all")

    assert client.get(reverse("backoffice:import_run", args=[kbo.pk])).status_code == 404
    assert client.get(reverse("backoffice:import_report", args=[kbo.pk])).status_code == 404
    assert start(client, source="kbo", file=upload()).status_code == 404
    history = client.get(reverse("backoffice:imports"))
    assert [run.pk for run in history.context["page"]] == [best.pk]

    secretariat, _ = member_of("secretariat", "greet")
    assert secretariat.get(reverse("backoffice:import_run", args=[best.pk])).status_code == 404
    assert secretariat.get(reverse("backoffice:import_run", args=[kbo.pk])).status_code == 200
    communication, _ = member_of("communication", "sofie")
    assert communication.get(reverse("backoffice:imports")).status_code == 403
    assert communication.get(reverse("backoffice:import_run", args=[best.pk])).status_code == 403


def test_only_the_departments_that_keep_a_register_may_import_it():
    holders = {
        source.code: sorted(
            code for code, role in ROLES.items() if source.permission in role.permissions
        )
        for source in SOURCES.values()
    }
    assert holders == {
        "best": ["citizens_affairs"],
        "population": ["citizens_affairs"],
        "kbo": ["secretariat"],
    }
    readers = sorted(
        code for code, role in ROLES.items() if "importers.view_importrun" in role.permissions
    )
    assert readers == ["citizens_affairs", "secretariat"]


def test_a_killed_run_is_resumed_by_the_next_start_from_the_back_office(
    katrien, monkeypatch, django_capture_on_commit_callbacks
):
    real_apply = AddressStep.apply
    calls = []

    def apply_then_die(step, batch):
        calls.append(1)
        real_apply(step, batch)
        if len(calls) == 2:
            raise RuntimeError("killed")

    monkeypatch.setattr(AddressStep, "apply", apply_then_die)
    with pytest.raises(RuntimeError):
        BestImporter(BEST, batch_size=3).run()
    monkeypatch.setattr(AddressStep, "apply", real_apply)
    dead = ImportRun.objects.get()
    # The process died: the run stays "running", its last commit 20 minutes ago.
    ImportRun.objects.filter(pk=dead.pk).update(
        status=ImportRun.Status.RUNNING,
        error="",
        updated_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    client, _user = katrien

    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, file=upload())

    run = ImportRun.objects.exclude(pk=dead.pk).get()
    dead.refresh_from_db()
    assert response.status_code == 302
    assert dead.status == ImportRun.Status.FAILED
    assert dead.error == f"Continued in import run #{run.pk}."
    assert run.status == ImportRun.Status.COMPLETED
    assert run.counts["addresses"]["created"] == 7
    assert run.rejections.count() == 8  # those found before the kill came along
    assert Address.objects.count() == 7
    assert run.notices == [
        f"Resuming import run #{dead.pk} of this file after line 4 of {FILE} (step addresses)."
    ]


def test_the_history_filters_by_register_and_status_and_pages_by_keyset(katrien):
    client, _user = katrien
    made = [
        ImportRun.objects.create(
            source="best",
            file_name=f"{n}.csv",
            checksum=str(n),
            scope="all",
            status=ImportRun.Status.COMPLETED if n % 2 else ImportRun.Status.FAILED,
        )
        for n in range(55)
    ]
    ImportRun.objects.create(source="population", file_name="p.csv", checksum="p", scope="x")

    first = client.get(reverse("backoffice:imports"))
    assert len(first.context["page"]) == 50
    assert first.context["page"].items[0].source == "population"  # newest first
    older = client.get(reverse("backoffice:imports") + first.context["older_url"])
    assert len(older.context["page"]) == 6

    failed = client.get(reverse("backoffice:imports"), {"source": "best", "status": "failed"})
    assert {run.pk for run in failed.context["page"]} == {
        r.pk for r in made if r.status == "failed"
    }
    odd = client.get(reverse("backoffice:imports"), {"source": "../x", "status": "\x00"})
    assert odd.status_code == 200
    assert len(odd.context["page"]) == 50
