"""Models for the workflow tests: the shipped parking-card model and ways to spoil it."""

from pathlib import Path
from xml.sax.saxutils import escape

WORKFLOWS = Path(__file__).parent.parent / "workflows"
PARKING_BPMN = (WORKFLOWS / "bewonersparkeerkaart.bpmn").read_text()
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def parking(**replacements) -> str:
    """The parking-card model with each ``old=new`` text replaced."""
    text = PARKING_BPMN
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


# The review task under another id and name: the diff aligns it by its place.
RENAMED = replaced(
    PARKING_BPMN,
    ('"review"', '"check_request"'),
    (">review<", ">check_request<"),
    ("Aanvraag beoordelen", "Aanvraag nakijken"),
)

# One user task that goes straight to the grant: review, its gateway and the
# question are gone, so a case waiting at review has no place without a map.
SHORT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="definitions_short" targetNamespace="https://townhall.example/bpmn">
  <bpmn:process id="resident_parking_card" name="Bewonersparkeerkaart" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_finance" name="finance">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>assess</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>grant</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>granted</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Aanvraag ontvangen">
      <bpmn:outgoing>a</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="assess" name="Beoordelen en toekennen">
      <bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:serviceTask id="grant" name="Toekennen" camunda:type="external" camunda:topic="close">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="decision">granted</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
      <bpmn:incoming>b</bpmn:incoming><bpmn:outgoing>c</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="granted" name="Toegekend"><bpmn:incoming>c</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="start" targetRef="assess" />
    <bpmn:sequenceFlow id="b" sourceRef="assess" targetRef="grant" />
    <bpmn:sequenceFlow id="c" sourceRef="grant" targetRef="granted" />
  </bpmn:process>
</bpmn:definitions>
"""


def dmn_table(hit_policy: str = "", rules=(("< 18", '"child"'), ("<= 65", '"adult"'))) -> str:
    """A DMN 1.3 table ``fee`` on ``age`` with one rule per (input, output)."""
    policy = f' hitPolicy="{hit_policy}"' if hit_policy else ""
    body = "".join(
        f'<rule id="rule_{n}"><inputEntry id="in_{n}"><text>{escape(entry)}</text></inputEntry>'
        f'<outputEntry id="out_{n}"><text>{output}</text></outputEntry></rule>'
        for n, (entry, output) in enumerate(rules, start=1)
    )
    return (
        f'<definitions xmlns="{DMN13}" id="fees" name="Tarieven" namespace="https://townhall.example">'
        f'<decision id="fee" name="Tarief"><decisionTable id="fee_table"{policy}>'
        '<input id="age_input" label="Leeftijd"><inputExpression id="age_expr" typeRef="number">'
        "<text>age</text></inputExpression></input>"
        '<output id="fee_output" name="fee" typeRef="string" />'
        f"{body}</decisionTable></decision></definitions>"
    )


# The parking model with a business-rule task that reads the table before the review.
WITH_TABLE = replaced(
    PARKING_BPMN,
    (
        '<bpmn:sequenceFlow id="to_review" sourceRef="start" targetRef="review" />',
        '<bpmn:sequenceFlow id="to_fee" sourceRef="start" targetRef="fee_task" />'
        '<bpmn:sequenceFlow id="to_review" sourceRef="fee_task" targetRef="review" />',
    ),
    (
        "<bpmn:outgoing>to_review</bpmn:outgoing>\n    </bpmn:startEvent>",
        "<bpmn:outgoing>to_fee</bpmn:outgoing>\n    </bpmn:startEvent>"
        '<bpmn:businessRuleTask id="fee_task" name="Tarief bepalen" camunda:decisionRef="fee">'
        "<bpmn:incoming>to_fee</bpmn:incoming><bpmn:outgoing>to_review</bpmn:outgoing>"
        "</bpmn:businessRuleTask>",
    ),
    (
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>fee_task</bpmn:flowNodeRef>",
    ),
)
