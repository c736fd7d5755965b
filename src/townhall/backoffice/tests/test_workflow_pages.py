"""The workflows' back-office pages: for the secretariat, closed to other departments."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.cases import engine, services
from townhall.cases.models import Case, CaseEvent, Workflow, WorkflowVersion
from townhall.cases.tests.models import PARKING_BPMN, RENAMED, SHORT, WITH_TABLE, dmn_table, parking
from townhall.cases.tests.test_models_check import BOMB

pytestmark = pytest.mark.django_db

REQUEST = 5


@pytest.fixture
def secretariat(client, municipality):
    user = staff_of("secretariat", "Secretariaat", "els")
    sign_in_verified(client, user)
    return user


@pytest.fixture
def parking_workflow(municipality):
    workflow = Workflow.objects.create(key="bewonersparkeerkaart", title="Bewonersparkeerkaart")
    services.workflow_version_add(workflow=workflow, bpmn=PARKING_BPMN, note="Shipped")
    other = Workflow.objects.create(key="sluikstort", title="Melding sluikstort")
    services.workflow_version_add(workflow=other, bpmn=PARKING_BPMN, note="Shipped")
    return workflow


def open_case(version: WorkflowVersion, reference: str) -> Case:
    """An open case waiting at the review, as a submission would open it."""
    finance = staff_of("finance", "Financiën", f"wim-{reference}").department
    workflow = engine.workflow_start(engine.spec_for(version))
    return Case.objects.create(
        reference=reference,
        workflow_version=version,
        language="nl",
        department=finance,
        due_on=datetime.date(2026, 12, 31),
        task_id="review",
        task_label="Aanvraag beoordelen",
        state=engine.state_dump(workflow),
    )


def urls(workflow: Workflow) -> list[str]:
    version = workflow.versions.get()
    return [
        reverse("backoffice:workflows"),
        reverse("backoffice:workflow", args=[workflow.pk]),
        reverse("backoffice:workflow_upload", args=[workflow.pk]),
        reverse("backoffice:workflow_migrate", args=[workflow.pk]),
        reverse("backoffice:workflow_version_download", args=[version.pk]),
        reverse("backoffice:workflow_version_dry_run", args=[version.pk]),
    ]


def test_the_pages_open_for_the_secretariat(client, secretariat, parking_workflow):
    for url in urls(parking_workflow):
        assert client.get(url).status_code == 200, url


def test_the_pages_answer_403_to_finance(client, municipality, parking_workflow):
    sign_in_verified(client, staff_of("finance", "Financiën", "wim"))
    for url in urls(parking_workflow):
        assert client.get(url).status_code == 403, url


def test_before_the_second_factor_the_pages_ask_to_sign_in(municipality, parking_workflow):
    stranger = Client()
    stranger.force_login(staff_of("secretariat", "Secretariaat", "els"))
    response = stranger.get(reverse("backoffice:workflows"))
    assert response.status_code == 302


def test_the_navigation_offers_the_task_to_the_secretariat(client, secretariat, parking_workflow):
    page = client.get(reverse("backoffice:home")).content.decode()
    assert reverse("backoffice:workflows") in page


def test_the_list_shows_open_cases_per_version(
    client, secretariat, parking_workflow, django_assert_num_queries
):
    version = parking_workflow.versions.get()
    open_case(version, "TH-1")
    services.workflow_version_add(workflow=parking_workflow, bpmn=RENAMED, note="v2")
    url = reverse("backoffice:workflows")
    client.get(url)
    # The session's five, the workflows, the open cases per version.
    with django_assert_num_queries(REQUEST + 2):
        response = client.get(url)
    page = response.content.decode()
    assert "version 2" in page
    assert "version 1: 1" in page


def test_the_workflow_page_lists_its_versions(
    client, secretariat, parking_workflow, django_assert_num_queries
):
    first = parking_workflow.versions.get()
    open_case(first, "TH-1")
    services.workflow_version_add(
        workflow=parking_workflow, bpmn=RENAMED, note="Een duidelijkere naam", actor=secretariat
    )
    url = reverse("backoffice:workflow", args=[parking_workflow.pk])
    client.get(url)
    # The session's five, the workflow, its versions with their open cases.
    with django_assert_num_queries(REQUEST + 2):
        response = client.get(url)
    page = response.content.decode()
    assert "Een duidelijkere naam" in page
    assert "Katrien Vanhoutte" in page  # who uploaded it
    assert reverse("backoffice:workflow_migrate", args=[parking_workflow.pk]) in page


def test_the_download_is_the_versions_bpmn(client, secretariat, parking_workflow):
    version = parking_workflow.versions.get()
    response = client.get(reverse("backoffice:workflow_version_download", args=[version.pk]))
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="bewonersparkeerkaart-v1.bpmn"'
    )
    assert response.content.decode() == PARKING_BPMN


def _upload(client, workflow, bpmn: str, tables=(), note="Nieuwe versie"):
    files = {"bpmn": SimpleUploadedFile("model.bpmn", bpmn.encode(), "application/xml")}
    data = {"note": note, **files}
    if tables:
        data["dmn"] = [
            SimpleUploadedFile(f"t{n}.dmn", t.encode(), "application/xml")
            for n, t in enumerate(tables)
        ]
    return client.post(reverse("backoffice:workflow_upload", args=[workflow.pk]), data)


def test_an_upload_that_passes_is_saved(client, secretariat, parking_workflow):
    response = _upload(client, parking_workflow, RENAMED)
    assert response.status_code == 302
    assert parking_workflow.versions.count() == 2
    table = dmn_table(rules=(("< 18", '"child"'), (">= 18", '"adult"')))
    assert _upload(client, parking_workflow, WITH_TABLE, [table]).status_code == 302
    assert services.workflow_current(parking_workflow).dmn_tables == [table]


BAD = {
    "script task": parking(
        **{'<bpmn:endEvent id="granted"': '<bpmn:scriptTask id="s" /><bpmn:endEvent id="granted"'}
    ),
    "unknown action": parking(**{'camunda:topic="close"': 'camunda:topic="nope"'}),
    "lane without role": parking(**{'name="finance"': 'name="kitchen"'}),
    "not BPMN": "<html/>",
    "entity bomb": BOMB,
    "import": parking(**{'decision == "ask"': "__import__('os')"}),
}


@pytest.mark.parametrize("bpmn", BAD.values(), ids=BAD.keys())
def test_a_refused_upload_lists_every_problem_and_saves_nothing(
    client, secretariat, parking_workflow, bpmn
):
    response = _upload(client, parking_workflow, bpmn)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems
    page = response.content.decode()
    assert "The model was not saved" in page
    assert parking_workflow.versions.count() == 1


def test_an_upload_without_a_file_or_note_says_so(client, secretariat, parking_workflow):
    response = client.post(reverse("backoffice:workflow_upload", args=[parking_workflow.pk]), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"bpmn", "note"}


def test_the_dry_run_shows_the_path(client, secretariat, parking_workflow):
    cases_before = Case.objects.count()
    version = parking_workflow.versions.get()
    url = reverse("backoffice:workflow_version_dry_run", args=[version.pk])
    response = client.post(url, {"data": '{"plate": "1-ABC-234"}', "choices": "ask, granted"})
    assert response.status_code == 200
    assert response.context["result"].outcome == "completed"
    page = response.content.decode()
    assert page.index("Document vragen aan de aanvrager") < page.index("Toegekend")
    assert Case.objects.count() == cases_before


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '"text"', "{" * 20_000])
def test_the_dry_run_refuses_data_that_is_no_json_object(
    client, secretariat, parking_workflow, data
):
    version = parking_workflow.versions.get()
    url = reverse("backoffice:workflow_version_dry_run", args=[version.pk])
    response = client.post(url, {"data": data, "choices": "granted"})
    assert response.status_code == 200
    assert "data" in response.context["form"].errors


def test_moving_cases_tries_first_then_asks_then_moves(client, secretariat, parking_workflow):
    first = parking_workflow.versions.get()
    case = open_case(first, "TH-1")
    services.workflow_version_add(workflow=parking_workflow, bpmn=SHORT, note="Korter")
    url = reverse("backoffice:workflow_migrate", args=[parking_workflow.pk])
    assert "1 open case runs on an older version" in client.get(url).content.decode()

    tried = client.post(url, {"task_map": ""})
    (outcome,) = tried.context["outcomes"]
    assert not outcome.ok
    assert "No case can move with this map." in tried.content.decode()

    tried = client.post(url, {"task_map": "review=assess"})
    (outcome,) = tried.context["outcomes"]
    assert outcome.ok
    page = tried.content.decode()
    assert "Yes, move 1 case" in page
    case.refresh_from_db()
    assert case.workflow_version == first  # nothing moves before the confirmation

    moved = client.post(url, {"task_map": "review=assess", "confirming": "1"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.workflow_version.number == 2
    assert case.task_id == "assess"
    assert case.events.filter(kind=CaseEvent.Kind.MIGRATED).exists()


@pytest.mark.parametrize("task_map", ["review", "review=", "=assess", "a b=c", "x=<script>"])
def test_a_task_map_line_that_is_not_old_new_is_refused(
    client, secretariat, parking_workflow, task_map
):
    open_case(parking_workflow.versions.get(), "TH-1")
    services.workflow_version_add(workflow=parking_workflow, bpmn=SHORT, note="Korter")
    url = reverse("backoffice:workflow_migrate", args=[parking_workflow.pk])
    response = client.post(url, {"task_map": task_map, "confirming": "1"})
    assert response.status_code == 200
    assert "task_map" in response.context["form"].errors
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.MIGRATED).exists()


def test_a_page_of_no_workflow_is_404(client, secretariat, parking_workflow):
    assert client.get(reverse("backoffice:workflow", args=[999999])).status_code == 404
    assert (
        client.get(reverse("backoffice:workflow_version_dry_run", args=[999999])).status_code == 404
    )
