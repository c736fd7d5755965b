"""A dry run shows the path a case would take, in memory: nothing is written, no action runs."""

import pytest

from townhall.cases import services
from townhall.cases.dry_run import MAX_STEPS, dry_run
from townhall.cases.models import Case, CaseEvent, InformationRequest, Workflow
from townhall.cases.tests.models import PARKING_BPMN, WITH_TABLE, dmn_table, parking
from townhall.messaging.models import Message

pytestmark = pytest.mark.django_db


def version_of(bpmn: str, tables=()):
    workflow, _created = Workflow.objects.get_or_create(key="proef", defaults={"title": "Proef"})
    return services.workflow_version_add(workflow=workflow, bpmn=bpmn, dmn_tables=list(tables))


def ids(result) -> list[str]:
    return [step.element_id for step in result.path]


def test_the_parking_card_asked_then_granted(django_assert_num_queries):
    version = version_of(PARKING_BPMN)
    models = (Case, CaseEvent, InformationRequest, Message)
    # Counted before and after: a test run elsewhere may leave rows that are not ours.
    before = [model.objects.count() for model in models]
    with django_assert_num_queries(0):
        result = dry_run(version=version, data={"plate": "1-ABC-234"}, choices=["ask", "granted"])
    assert result.outcome == "completed"
    assert ids(result) == [
        "start",
        "review",
        "decide",
        "ask_document",
        "review",
        "decide",
        "issue_permit",
        "grant",
        "granted",
    ]
    review, ask, grant = result.path[1], result.path[3], result.path[7]
    assert (review.name, review.lane, review.note) == (
        "Aanvraag beoordelen",
        "finance",
        "chose “Document vragen”",
    )
    assert review.kind == "task for staff"
    assert ask.note.startswith("would ask the applicant and wait")
    assert grant.note == 'would run the action close with the parameters {"decision": "granted"}'
    assert [model.objects.count() for model in models] == before


def test_without_choices_left_it_waits_with_the_buttons():
    result = dry_run(version=version_of(PARKING_BPMN), data={}, choices=["ask"])
    assert result.outcome == "waiting"
    assert result.waiting_at.element_id == "review"
    assert [b.value for b in result.buttons] == ["granted", "refused", "ask"]
    assert result.message.startswith("No choice left")


def test_a_choice_that_is_no_button_is_a_problem():
    result = dry_run(version=version_of(PARKING_BPMN), data={}, choices=["maybe"])
    assert result.outcome == "problem"
    assert result.message == (
        "maybe is no button of this task; its buttons are: granted, refused, ask."
    )


def test_a_condition_that_fails_is_a_problem():
    model = parking(
        **{
            '<bpmn:sequenceFlow id="to_granted" sourceRef="grant" targetRef="granted" />': (
                '<bpmn:sequenceFlow id="to_check" sourceRef="grant" targetRef="check" />'
                '<bpmn:exclusiveGateway id="check" name="Bedrag?" />'
                '<bpmn:sequenceFlow id="to_granted" sourceRef="check" targetRef="granted">'
                "<bpmn:conditionExpression>amount &gt; 5</bpmn:conditionExpression>"
                "</bpmn:sequenceFlow>"
            ),
            "<bpmn:outgoing>to_granted</bpmn:outgoing>": "<bpmn:outgoing>to_check</bpmn:outgoing>",
        }
    )
    result = dry_run(version=version_of(model), data={}, choices=["granted"])
    assert result.outcome == "problem"
    assert result.message.startswith("A condition failed or none held")


def test_a_loop_stops_after_the_limit():
    result = dry_run(version=version_of(PARKING_BPMN), data={}, choices=["ask"] * 500)
    assert result.outcome == "problem"
    assert len(result.path) == MAX_STEPS
    assert "loop" in result.message


def test_a_decision_table_is_run_on_the_sample_data():
    tables = [dmn_table(rules=(("< 18", '"child"'), (">= 18", '"adult"')))]
    version = version_of(WITH_TABLE, tables)
    result = dry_run(version=version, data={"age": 40}, choices=["granted"])
    assert result.outcome == "completed", result
    assert ids(result)[:3] == ["start", "fee_task", "review"]
    assert result.path[1].kind == "decision table"
    # Without the input the table reads, its rule cannot be evaluated: a problem, not a 500.
    assert dry_run(version=version, data={}, choices=["granted"]).outcome == "problem"
