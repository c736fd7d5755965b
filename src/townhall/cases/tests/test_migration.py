"""Moving running cases to a newer version of their workflow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from townhall.cases import services
from townhall.cases.migration import cases_migrate
from townhall.cases.models import Case, CaseEvent
from townhall.cases.tests.models import PARKING_BPMN, RENAMED, SHORT
from townhall.eforms.models import Submission
from townhall.eforms.tests.test_step_view import PARKING


@pytest.fixture
def running(client, resident):
    """A parking-card request handed in, its case opened, waiting at the review."""
    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    client.post(PARKING.format(3))
    case = services.case_open_for_submission(
        submission_id=Submission.objects.get(subject_person=resident).pk
    )
    assert case.task_id == "review"
    return case


def tried(case, new, task_map=None, *, dry_run=True):
    return cases_migrate(
        cases=[case], to_version=new, task_map=task_map or {}, dry_run=dry_run, actor=None
    )


def upload(case, bpmn: str):
    return services.workflow_version_add(
        workflow=case.workflow_version.workflow, bpmn=bpmn, note="test"
    )


def test_a_renamed_review_task_is_found_and_the_case_moves(running):
    old = running.workflow_version
    new = upload(running, RENAMED)
    (outcome,) = tried(running, new)
    assert outcome.ok
    assert not outcome.moved
    assert (outcome.reference, outcome.from_number) == (running.reference, old.number)
    assert outcome.task_before == "Aanvraag beoordelen (review)"
    assert outcome.task_after == "Aanvraag nakijken (check_request)"
    running.refresh_from_db()
    assert running.workflow_version == old  # a dry run changes nothing
    (moved,) = tried(running, new, dry_run=False)
    assert moved.moved
    running.refresh_from_db()
    assert running.workflow_version == new
    assert (running.task_id, running.task_label) == ("check_request", "Aanvraag nakijken")
    assert running.department.code == "finance"
    event = running.events.get(kind=CaseEvent.Kind.MIGRATED)
    assert event.data == {"from": old.number, "to": new.number}
    assert not event.public
    # The moved case goes on with the new model.
    case = services.case_task_complete(
        case=running,
        version=running.version,
        task_id="check_request",
        value="refused",
        text="Geen bewoner van de zone.",
        actor=None,
    )
    assert case.status == Case.Status.REFUSED


def test_a_removed_task_without_a_map_is_reported_and_the_case_stays(running):
    before = (running.workflow_version_id, running.state, running.version)
    new = upload(running, SHORT)
    (outcome,) = cases_migrate(
        cases=[running], to_version=new, task_map={}, dry_run=False, actor=None
    )
    assert not outcome.ok
    assert not outcome.moved
    assert outcome.reason.startswith("Its current task review is not in the new model")
    running.refresh_from_db()
    assert (running.workflow_version_id, running.state, running.version) == before
    assert not running.events.filter(kind=CaseEvent.Kind.MIGRATED).exists()


def test_the_admins_map_moves_a_removed_task(running):
    new = upload(running, SHORT)
    (outcome,) = cases_migrate(
        cases=[running], to_version=new, task_map={"review": "assess"}, dry_run=False, actor=None
    )
    assert outcome.moved, outcome.reason
    running.refresh_from_db()
    assert running.task_id == "assess"


@pytest.mark.parametrize("target", ["granted", "nowhere"])
def test_a_map_to_no_task_of_the_new_model_is_reported(running, target):
    new = upload(running, SHORT)
    (outcome,) = cases_migrate(
        cases=[running], to_version=new, task_map={"review": target}, dry_run=True, actor=None
    )
    assert outcome.reason == (
        f"{target}, given for review, is no user or service task of the new model."
    )


def test_a_case_on_the_version_already_or_closed_is_not_moved(running):
    (outcome,) = cases_migrate(
        cases=[running], to_version=running.workflow_version, task_map={}, dry_run=True, actor=None
    )
    assert outcome.reason == "The case runs on this version already."
    new = upload(running, PARKING_BPMN)
    Case.objects.filter(pk=running.pk).update(is_open=False)
    running.refresh_from_db()
    (outcome,) = tried(running, new)
    assert outcome.reason == "The case is closed."


def test_a_state_that_does_not_load_is_reported(running):
    new = upload(running, RENAMED)
    Case.objects.filter(pk=running.pk).update(state='{"not": "a workflow"}')
    running.refresh_from_db()
    (outcome,) = tried(running, new)
    assert outcome.reason == "Its state does not load on its own version."


def test_moving_locks_the_row(running):
    new = upload(running, RENAMED)
    before = running.version
    with CaptureQueriesContext(connection) as queries:
        cases_migrate(cases=[running], to_version=new, task_map={}, dry_run=False, actor=None)
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    running.refresh_from_db()
    assert running.version == before + 1
