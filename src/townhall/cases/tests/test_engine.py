"""The engine as Townhall runs it: no Python from a model, DMN tables through the same
restricted expressions, the state kept without its model."""

import pytest
from simpleeval import InvalidExpression

from townhall.cases import engine

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="fees" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="fee" name="Retributie" camunda:decisionRef="fee_table">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:exclusiveGateway id="pay" default="free"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>paid</bpmn:outgoing><bpmn:outgoing>free</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="invoice" name="Factuur maken"><bpmn:incoming>paid</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>free</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fee" />
    <bpmn:sequenceFlow id="f2" sourceRef="fee" targetRef="pay" />
    <bpmn:sequenceFlow id="paid" sourceRef="pay" targetRef="invoice">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >fee_cents &gt; 0</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="free" sourceRef="pay" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="invoice" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="fees_dmn" name="Fees"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="fee_table" name="Retributie per aanvrager">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_applicant" label="Aanvrager">
        <inputExpression id="expr" typeRef="string"><text>applicant</text></inputExpression>
      </input>
      <output id="out_fee" name="fee_cents" typeRef="integer" />
      <rule id="r_org"><inputEntry id="e1"><text>"organisation"</text></inputEntry>
        <outputEntry id="o1"><text>5000</text></outputEntry></rule>
      <rule id="r_person"><inputEntry id="e2"><text>"person"</text></inputEntry>
        <outputEntry id="o2"><text>0</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


@pytest.mark.parametrize(("applicant", "waits_at"), [("organisation", "invoice"), ("person", None)])
def test_a_decision_table_decides_through_the_restricted_expressions(applicant, waits_at):
    model = engine.model_parse(BPMN.encode(), (DMN.encode(),))
    workflow = engine.workflow_start(model, {"applicant": applicant})
    waiting = [t.task_spec.bpmn_id for t in engine.user_tasks(workflow)]
    assert waiting == ([waits_at] if waits_at else [])
    assert workflow.is_completed() == (waits_at is None)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd')",
    ],
)
def test_an_expression_cannot_reach_python(expression):
    with pytest.raises(InvalidExpression):
        engine.SafeExpressions().evaluate(expression, {})


def test_a_script_is_never_run():
    with pytest.raises(engine.ScriptRefused):
        engine.SafeExpressions().execute("x = 1", {})


def test_the_state_round_trips_without_its_model():
    model = engine.model_parse(BPMN.encode(), (DMN.encode(),))
    workflow = engine.workflow_start(model, {"applicant": "organisation"})
    state = engine.state_dump(workflow)
    assert "Retributie" not in state  # the model's names live in the version, not per case

    class Version:
        pk, checksum, bpmn, dmn_tables = 99, "x", BPMN, (DMN,)

    again = engine.state_load(state, Version)
    assert [t.task_spec.bpmn_id for t in engine.user_tasks(again)] == ["invoice"]
