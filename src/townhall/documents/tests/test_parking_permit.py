"""A granted parking card ends with a sealed permit in Mijn zaken; the model that issues
it passes the upload check, and cases running on the model before it move onto it."""

from pathlib import Path

import pytest

from townhall.cases import engine, services
from townhall.cases.migration import cases_migrate
from townhall.cases.models import Case
from townhall.cases.models_check import model_problems
from townhall.cases.services import SHIPPED
from townhall.cases.tests import conftest as case_fixtures
from townhall.documents.models import IssuedDocument
from townhall.documents.seal import seal_check

PARKING = (SHIPPED / "bewonersparkeerkaart.bpmn").read_bytes()
# The fixtures of the cases tests: a parking card request handed in at the counter.
departments = case_fixtures.departments
parking_product = case_fixtures.parking_product
forms = case_fixtures.forms
resident = case_fixtures.resident
handed_in = case_fixtures.handed_in
staff_of = case_fixtures.staff_of
# The shipped model as it was before it issued the permit (as a running deployment has it).
BEFORE = (Path(__file__).parent / "parking-before-permit.bpmn").read_text()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def grant(case, clerk, capture) -> Case:
    with capture(execute=True):
        return services.case_task_complete(
            case=case,
            version=case.version,
            task_id="review",
            value="granted",
            text="U woont in de zone.",
            actor=clerk,
        )


def test_a_granted_parking_card_is_a_sealed_permit_in_mijn_zaken(
    client,
    handed_in,
    resident,
    django_capture_on_commit_callbacks,
):
    clerk = staff_of("finance", "wim-permit")
    # The grant button still asks the motivation: the close after the permit asks it.
    [grant_button] = [c for c in services.choices_for(handed_in) if c.value == "granted"]
    assert grant_button.required
    case = grant(handed_in, clerk, django_capture_on_commit_callbacks)
    assert case.status == Case.Status.GRANTED
    permit = IssuedDocument.objects.get(case=case)
    assert permit.kind == "parking_permit"
    assert permit.holder == resident
    assert permit.issued_by == clerk
    link = f"/mijn/zaken/{case.uuid}/documenten/{permit.uuid}/"
    assert link in client.get(f"/mijn/zaken/{case.uuid}/").content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert seal_check(b"".join(response.streaming_content)).status == "valid"


def test_the_seal_unavailable_refuses_the_grant_and_changes_nothing(
    handed_in,
    settings,
    django_capture_on_commit_callbacks,
):
    from django.core.exceptions import ValidationError

    settings.TOWNHALL_SEAL = {
        **settings.TOWNHALL_SEAL,
        "KEY_FILE": "/nonexistent/key.pem",
        "CERT_FILE": "/nonexistent/cert.pem",
    }
    clerk = staff_of("finance", "wim-no-seal")
    with pytest.raises(ValidationError, match="cannot be sealed now, so nothing was issued"):
        grant(handed_in, clerk, django_capture_on_commit_callbacks)
    case = Case.objects.get(pk=handed_in.pk)
    assert case.is_open
    assert case.task_id == "review"
    assert case.version == handed_in.version
    assert not IssuedDocument.objects.filter(case=case).exists()


def test_the_models_pass_the_upload_check_and_a_wrong_kind_does_not(db):
    assert model_problems(bpmn=PARKING, dmn_tables=[]) == []
    straight = (SHIPPED / "issued-automatically.bpmn").read_bytes()
    assert model_problems(bpmn=straight, dmn_tables=[]) == []
    wrong = PARKING.replace(b">parking_permit<", b">passport<")
    [problem] = model_problems(bpmn=wrong, dmn_tables=[])
    assert "The parameter kind of generate_document must be one of" in problem
    assert "certificate_of_residence" in problem
    bad_failure = straight.replace(b">continue<", b">ignore<")
    assert any("failure" in p for p in model_problems(bpmn=bad_failure, dmn_tables=[]))


def test_a_case_waiting_on_the_model_before_moves_onto_it_and_gets_its_permit(
    handed_in,
    django_capture_on_commit_callbacks,
):
    workflow = handed_in.workflow_version.workflow
    old = services.workflow_version_add(workflow=workflow, bpmn=BEFORE, note="before")
    new = services.workflow_version_add(workflow=workflow, bpmn=PARKING.decode(), note="after")
    # The case as it stands on the model before: waiting at the review.
    started = engine.workflow_start(engine.spec_for(old), services.case_facts(handed_in))
    Case.objects.filter(pk=handed_in.pk).update(
        workflow_version=old, state=engine.state_dump(started)
    )
    case = Case.objects.get(pk=handed_in.pk)
    [outcome] = cases_migrate(cases=[case], to_version=new, task_map={}, dry_run=False, actor=None)
    assert outcome.moved, outcome.reason
    case = Case.objects.get(pk=handed_in.pk)
    assert case.workflow_version == new
    case = grant(case, staff_of("finance", "wim-moved"), django_capture_on_commit_callbacks)
    assert case.status == Case.Status.GRANTED
    assert IssuedDocument.objects.get(case=case).kind == "parking_permit"
