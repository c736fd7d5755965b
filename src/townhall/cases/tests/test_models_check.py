"""The check of an uploaded model: what Townhall runs passes, the rest is refused with why."""

import pytest
from lxml import etree

from townhall.cases import dmn_overlap
from townhall.cases.models_check import BPMN, BPMNDI, MAX_BYTES, model_problems
from townhall.cases.tests.models import (
    PARKING_BPMN,
    SHORT,
    WITH_TABLE,
    WORKFLOWS,
    dmn_table,
    parking,
)


def problems(bpmn: str | bytes, tables=()) -> list[str]:
    bpmn = bpmn.encode() if isinstance(bpmn, str) else bpmn
    return model_problems(bpmn=bpmn, dmn_tables=[t.encode() for t in tables])


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.bpmn")), ids=lambda p: p.stem)
def test_every_shipped_model_passes(path):
    assert model_problems(bpmn=path.read_bytes(), dmn_tables=[]) == []


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.bpmn")), ids=lambda p: p.stem)
def test_every_shipped_model_has_a_complete_diagram(path):
    # Camunda Modeler and bpmn.io draw only what has a shape: every participant, lane
    # and flow node a shape with bounds, every sequence flow an edge with waypoints.
    root = etree.fromstring(path.read_bytes())
    drawn = {
        "BPMNShape": {s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")},
        "BPMNEdge": {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")},
    }
    process = root.find(f"{{{BPMN}}}process")
    nodes = {n.get("id") for n in root.iter(f"{{{BPMN}}}participant", f"{{{BPMN}}}lane")}
    nodes |= {
        n.get("id")
        for n in process
        if isinstance(n.tag, str) and etree.QName(n).localname not in ("laneSet", "sequenceFlow")
    }
    flows = {f.get("id") for f in process.iter(f"{{{BPMN}}}sequenceFlow")}
    assert drawn["BPMNShape"] == nodes
    assert drawn["BPMNEdge"] == flows
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        assert shape.find("{http://www.omg.org/spec/DD/20100524/DC}Bounds") is not None
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2


def test_a_model_of_our_own_with_a_table_passes():
    assert problems(SHORT) == []
    table = dmn_table(rules=(("< 18", '"child"'), (">= 18", '"adult"')))
    assert problems(WITH_TABLE, [table]) == []


def test_a_script_task_is_refused_with_its_own_message():
    model = parking(
        **{
            '<bpmn:endEvent id="granted"': '<bpmn:scriptTask id="run_it" name="Opruimen">'
            "<bpmn:script>import os</bpmn:script></bpmn:scriptTask>"
            '<bpmn:endEvent id="granted"'
        }
    )
    (found,) = problems(model)
    assert "“Opruimen” (run_it) is a script task" in found
    assert "runs no code" in found


def test_a_camunda_script_in_the_extensions_is_refused():
    model = parking(
        **{
            '<camunda:inputParameter name="decision">granted</camunda:inputParameter>': (
                '<camunda:inputParameter name="decision">granted</camunda:inputParameter>'
                '<camunda:inputParameter name="x"><camunda:script scriptFormat="python">1'
                "</camunda:script></camunda:inputParameter>"
            )
        }
    )
    assert any("Camunda script" in p and "(grant)" in p for p in problems(model))


def test_an_unknown_service_task_is_refused():
    model = parking(**{'camunda:topic="request_information"': 'camunda:topic="launch_rocket"'})
    assert problems(model) == [
        "“Document vragen aan de aanvrager” (ask_document) names the action launch_rocket, "
        "which Townhall does not have."
    ]


def test_a_service_task_without_a_topic_is_refused():
    model = parking(**{' camunda:topic="request_information"': ""})
    assert problems(model) == [
        "“Document vragen aan de aanvrager” (ask_document): a service task must name its "
        "action in camunda:topic."
    ]


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [
        ('name="decision">granted<', "must be one of: granted, refused, withdrawn, done"),
        ('name="colour">granted<', "has no parameter colour"),
    ],
)
def test_a_service_task_with_a_bad_parameter_is_refused(parameter, expected):
    model = parking(**{'name="decision">granted<': parameter.replace("granted", "maybe")})
    found = problems(model)
    assert any(p.startswith("“Toekennen en de aanvrager verwittigen” (grant): ") for p in found)
    assert any(expected.replace("granted, ", "granted, ") in p for p in found), found


def test_a_lane_without_a_role_is_refused():
    (found,) = problems(parking(**{'name="finance"': 'name="kitchen"'}))
    assert found.startswith("“kitchen” (lane_finance): a lane is named by the code of a department")


@pytest.mark.parametrize(
    "content",
    [b"", b"not xml at all", b"<a", b"<bpmn:definitions/>"],
    ids=["empty", "text", "broken", "no namespace"],
)
def test_what_is_not_xml_or_not_bpmn_is_refused(content):
    (found,) = problems(content)
    assert "not readable XML" in found or "not a BPMN 2.0 model" in found


def test_another_xml_is_not_bpmn():
    assert problems('<definitions xmlns="urn:other"/>') == [
        "This is not a BPMN 2.0 model: its first element must be bpmn:definitions of the "
        "namespace http://www.omg.org/spec/BPMN/20100524/MODEL."
    ]


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;'
    "</bpmn:definitions>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
    "</bpmn:definitions>"
)


@pytest.mark.parametrize(
    "content",
    [BOMB.encode(), XXE.encode(), BOMB.replace('<?xml version="1.0"?>', "").encode("utf-16")],
    ids=["billion laughs", "external entity", "utf-16"],
)
def test_a_doctype_or_entities_are_refused(content):
    assert problems(content) == [
        "The BPMN file declares a DOCTYPE or entities, which Townhall refuses for safety."
    ]


def test_a_file_over_one_megabyte_is_refused():
    big = PARKING_BPMN.replace("<!-- Resident", "<!--" + "x" * MAX_BYTES + "--><!-- Resident")
    assert problems(big) == ["The BPMN file is larger than 1 MB."]


def test_two_executable_processes_are_refused():
    model = parking(
        **{
            "</bpmn:definitions>": '<bpmn:process id="other" isExecutable="true">'
            '<bpmn:startEvent id="s2" /></bpmn:process></bpmn:definitions>'
        }
    )
    assert "The model must have exactly one executable process; it has 2." in problems(model)


def test_an_element_townhall_does_not_run_is_refused():
    model = parking(
        **{
            '<bpmn:endEvent id="granted"': '<bpmn:callActivity id="sub" name="Elders" />'
            '<bpmn:endEvent id="granted"'
        }
    )
    assert problems(model) == [
        "“Elders” (sub): Townhall does not run the BPMN element callActivity."
    ]


def test_an_event_that_waits_for_a_message_is_refused():
    model = parking(
        **{
            '<bpmn:endEvent id="granted"': '<bpmn:intermediateCatchEvent id="wait" name="Post">'
            "<bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>"
            '<bpmn:endEvent id="granted"'
        }
    )
    found = problems(model)
    assert any("“Post” (wait): an event that waits must wait for a timer" in p for p in found)


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os')",
        "__import__('os').system('id')",
        "decision.__class__",
        "open('/etc/passwd')",
        'decision == "granted" and',
        "(lambda: 1)()",
    ],
)
def test_a_condition_that_could_run_code_or_cannot_be_read_is_refused(condition):
    model = parking(**{'decision == "ask"': condition.replace("<", "&lt;")})
    (found,) = problems(model)
    assert found.startswith("“Document vragen” (flow_ask): the expression ")
    assert "is refused" in found


def test_a_timer_expression_that_cannot_be_read_is_refused():
    model = parking(
        **{
            '<bpmn:endEvent id="granted"': '<bpmn:intermediateCatchEvent id="pause" name="Even">'
            "<bpmn:timerEventDefinition><bpmn:timeDuration>'P14D</bpmn:timeDuration>"
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
            '<bpmn:endEvent id="granted"'
        }
    )
    (found,) = problems(model)
    assert found.startswith("“Even” (pause): the expression 'P14D is refused")


def test_a_table_that_is_not_dmn_is_refused():
    found = problems(WITH_TABLE, ["<definitions xmlns='urn:x'/>"])
    assert "The DMN file 1 is not a DMN decision table (DMN 1.1, 1.2 or 1.3)." in found


def test_a_business_rule_task_naming_a_missing_table_is_refused():
    assert problems(WITH_TABLE) == [
        "“Tarief bepalen” (fee_task) names the decision fee, which no uploaded DMN file has."
    ]


def test_overlapping_rules_under_unique_are_refused_and_first_accepts_them():
    (found,) = problems(WITH_TABLE, [dmn_table()])
    assert found.startswith(
        "“Tarief” (fee): the rules 1 (rule_1) and 2 (rule_2) can both match the same input"
    )
    assert problems(WITH_TABLE, [dmn_table(hit_policy="UNIQUE")]) == [found]
    assert problems(WITH_TABLE, [dmn_table(hit_policy="FIRST")]) == []


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("-", '"a"', True),
        ("", "< 3", True),
        ('"a", "b"', '"b"', True),
        ('"a", "b"', '"c"', False),
        ("1, 2", "2", True),
        ("1", "1.0", True),
        ("< 18", ">= 18", False),
        ("<= 18", ">= 18", True),
        ("[1..5]", "]5..9]", False),
        ("[1..5]", "[5..9]", True),
        ("(1..5)", "5", False),
        ("[1..5]", "3", True),
        ("!= 3", "3", False),
        ("!= 3", "< 0", True),
        ("!= 3", "!= 4", True),
        ("[3..3]", "!= 3", False),
        ("== 4", "[1..5]", True),
        ("date(x)", "date(x)", True),
        ("date(x)", "date(y)", False),
        ("date(x)", "< 3", False),
    ],
)
def test_entries_overlap(first, second, overlap):
    assert dmn_overlap.rules_overlap([first], [second]) is overlap
    assert dmn_overlap.rules_overlap([second], [first]) is overlap


def test_rules_overlap_only_when_every_column_does():
    assert dmn_overlap.rules_overlap(["< 18", '"x"'], ["< 10", '"y"']) is False
    assert dmn_overlap.rules_overlap(["< 18", "-"], ["< 10", '"y"']) is True


def test_what_the_engine_refuses_becomes_a_message():
    model = parking(**{'targetRef="granted"': 'targetRef="nowhere"'})
    (found,) = problems(model)
    assert found.startswith("The workflow engine refuses ")


def test_a_timer_with_a_duration_passes():
    model = parking(
        **{
            '<bpmn:sequenceFlow id="to_granted" sourceRef="grant" targetRef="granted" />': (
                '<bpmn:sequenceFlow id="to_pause" sourceRef="grant" targetRef="pause" />'
                '<bpmn:sequenceFlow id="to_granted" sourceRef="pause" targetRef="granted" />'
                '<bpmn:intermediateCatchEvent id="pause" name="Even wachten">'
                '<bpmn:timerEventDefinition><bpmn:timeDuration>"P14D"</bpmn:timeDuration>'
                "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
            ),
            "<bpmn:outgoing>to_granted</bpmn:outgoing>": "<bpmn:outgoing>to_pause</bpmn:outgoing>",
        }
    )
    assert problems(model) == []
