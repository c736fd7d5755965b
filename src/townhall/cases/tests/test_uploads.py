"""Uploading a new version of a workflow: checked first, refused with every problem."""

import logging

import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.tests.staff import staff_user
from townhall.cases import services
from townhall.cases.models import Workflow, WorkflowVersion
from townhall.cases.tests.models import PARKING_BPMN, WITH_TABLE, dmn_table, parking
from townhall.cases.tests.test_models_check import BOMB
from townhall.cases.uploads import workflow_version_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow():
    workflow = Workflow.objects.create(key="bewonersparkeerkaart", title="Bewonersparkeerkaart")
    services.workflow_version_add(workflow=workflow, bpmn=PARKING_BPMN, note="Shipped")
    return workflow


@pytest.fixture
def secretary(db):
    return staff_user("els", department_code="secretariat")


def test_an_accepted_model_is_the_newest_version(workflow, secretary):
    version = workflow_version_upload(
        workflow=workflow,
        bpmn=parking(**{"Aanvraag beoordelen": "Aanvraag nakijken"}).encode(),
        dmn_tables=[],
        note="  Een duidelijkere naam  ",
        actor=secretary,
    )
    assert version.number == 2
    assert (version.note, version.created_by) == ("Een duidelijkere naam", secretary)
    assert services.workflow_current(workflow) == version


def test_a_model_with_its_table_is_kept_with_it(workflow, secretary):
    table = dmn_table(rules=(("< 18", '"child"'), (">= 18", '"adult"')))
    version = workflow_version_upload(
        workflow=workflow,
        bpmn=WITH_TABLE.encode(),
        dmn_tables=[table.encode()],
        note="",
        actor=None,
    )
    assert version.dmn_tables == [table]


BAD = {
    "script task": parking(
        **{
            '<bpmn:endEvent id="granted"': '<bpmn:scriptTask id="s" name="Opruimen" />'
            '<bpmn:endEvent id="granted"'
        }
    ),
    "unknown service task": parking(**{'camunda:topic="close"': 'camunda:topic="nope"'}),
    "bad parameter": parking(**{'name="decision">granted<': 'name="decision">maybe<'}),
    "lane without a role": parking(**{'name="finance"': 'name="kitchen"'}),
    "not BPMN": "<html><body>Hallo</body></html>",
    "entity bomb": BOMB,
    "import in a condition": parking(**{'decision == "ask"': "__import__('os')"}),
}


@pytest.mark.parametrize("bpmn", BAD.values(), ids=BAD.keys())
def test_a_refused_model_saves_nothing_and_logs_why_not_what(workflow, secretary, bpmn, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="townhall.cases.uploads"),
        pytest.raises(ValidationError) as refused,
    ):
        workflow_version_upload(
            workflow=workflow, bpmn=bpmn.encode(), dmn_tables=[], note="x", actor=secretary
        )
    assert refused.value.message_dict["bpmn"]
    assert WorkflowVersion.objects.filter(workflow=workflow).count() == 1
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert "els" in record.getMessage()
    assert "bewonersparkeerkaart" in record.getMessage()
    assert "<bpmn:" not in record.getMessage()


def test_overlapping_rules_are_refused_and_first_is_accepted(workflow):
    def upload(policy):
        return workflow_version_upload(
            workflow=workflow,
            bpmn=WITH_TABLE.encode(),
            dmn_tables=[dmn_table(hit_policy=policy).encode()],
            note="",
            actor=None,
        )

    with pytest.raises(ValidationError) as refused:
        upload("UNIQUE")
    assert "the rules 1 (rule_1) and 2 (rule_2)" in refused.value.message_dict["bpmn"][0]
    assert WorkflowVersion.objects.filter(workflow=workflow).count() == 1
    assert upload("FIRST").number == 2


def test_a_file_that_is_not_utf8_is_refused(workflow):
    with pytest.raises(ValidationError) as refused:
        workflow_version_upload(
            workflow=workflow,
            bpmn=PARKING_BPMN.replace("UTF-8", "ISO-8859-1")
            .replace("Gemeente", "Gemeenté")
            .encode("latin-1"),
            dmn_tables=[],
            note="",
            actor=None,
        )
    assert refused.value.message_dict["bpmn"] == ["The BPMN file is not UTF-8 text."]


def test_a_note_too_long_is_refused(workflow):
    with pytest.raises(ValidationError) as refused:
        workflow_version_upload(
            workflow=workflow, bpmn=PARKING_BPMN.encode(), dmn_tables=[], note="x" * 301, actor=None
        )
    assert "note" in refused.value.message_dict
