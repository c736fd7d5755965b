"""Checking a workflow model an administrator uploads, before any case runs on it.

:func:`model_problems` returns every problem it finds, in words for the
administrator (each names the element's name and id), or nothing:

1. **The files.** Each at most 1 MB; readable XML without a DOCTYPE (no
   entities at all, so no XXE and no "billion laughs": the parser resolves
   none and reads nothing from the network); the model's root is BPMN 2.0's
   ``definitions``, each table's root DMN's.
2. **One executable process**, made only of what Townhall runs (:data:`ALLOWED`):
   start and end events, user, service and business-rule tasks, exclusive and
   parallel gateways, timer events; lanes, documentation and the diagram.
   **Script tasks are refused** with their own message, as is any Camunda
   script or listener: no model runs code.
3. **Townhall's conventions.** A service task names a registered action
   (``camunda:topic``) with parameters that action accepts; a lane is named by a
   department code of :data:`townhall.accounts.roles.ROLES`; a business-rule
   task names a decision of the uploaded tables; a condition or timer
   expression is one ``simpleeval`` reads, with no name or attribute that
   starts with ``_`` and no call but to :data:`townhall.cases.engine.SAFE_FUNCTIONS`.
4. **Decision tables.** Under the hit policy UNIQUE (the default) no two rules
   may match the same input (:mod:`townhall.cases.dmn_overlap`).
5. **The engine's own parser**, last, when nothing else was wrong: what
   SpiffWorkflow refuses becomes a message too.
"""

import ast
import logging

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from townhall.accounts.roles import ROLES
from townhall.cases import engine
from townhall.cases.actions import register as actions
from townhall.cases.dmn_overlap import rules_overlap

logger = logging.getLogger(__name__)

MAX_BYTES = 1_000_000
MAX_RULES = 500
MAX_OVERLAPS = 20
BPMN = engine.BPMN
CAMUNDA = engine.CAMUNDA
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DMN_NAMESPACES = (
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
)
# The BPMN elements a model may hold: what Townhall runs, and what only describes it.
ALLOWED = frozenset(
    {
        "definitions",
        "process",
        "collaboration",
        "participant",
        "laneSet",
        "lane",
        "childLaneSet",
        "flowNodeRef",
        "startEvent",
        "endEvent",
        "userTask",
        "serviceTask",
        "businessRuleTask",
        "exclusiveGateway",
        "parallelGateway",
        "intermediateCatchEvent",
        "boundaryEvent",
        "timerEventDefinition",
        "timeDuration",
        "timeDate",
        "timeCycle",
        "sequenceFlow",
        "conditionExpression",
        "incoming",
        "outgoing",
        "documentation",
        "extensionElements",
        "textAnnotation",
        "text",
        "association",
    }
)
TIMER_EVENTS = ("intermediateCatchEvent", "boundaryEvent")
# Camunda extensions that would run code (or call out) when the element runs.
CODE_EXTENSIONS = ("script", "executionListener", "taskListener", "connector")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(node) -> str:
    return etree.QName(node).localname


def _named(node) -> str:
    """How a message names an element: its name and id, or its kind and id."""
    name, ident = (node.get("name") or "").strip(), node.get("id") or "?"
    if name:
        return f"“{name}” ({ident})"
    return f"{_local(node)} ({ident})"


def _read(content: bytes, what: str):
    """The root of ``content``, or a problem: too large, a DOCTYPE, not XML."""
    if len(content) > MAX_BYTES:
        return None, _("The %(what)s file is larger than 1 MB.") % {"what": what}
    if b"<!doctype" in content[:4096].lower() or b"<!entity" in content.lower():
        return None, _(
            "The %(what)s file declares a DOCTYPE or entities, which Townhall refuses for safety."
        ) % {"what": what}
    try:
        root = etree.fromstring(content, parser=_safe_parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        return None, _("The %(what)s file is not readable XML: %(error)s") % {
            "what": what,
            "error": str(error)[:200],
        }
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        return None, _(
            "The %(what)s file declares a DOCTYPE or entities, which Townhall refuses for safety."
        ) % {"what": what}
    return root, ""


def model_problems(*, bpmn: bytes, dmn_tables: list[bytes]) -> list[str]:
    """Every problem of a BPMN model and its DMN tables, for the administrator; [] if none."""
    root, problem = _read(bpmn, "BPMN")
    if root is None:
        return [problem]
    if root.tag != f"{{{BPMN}}}definitions":
        return [
            _(
                "This is not a BPMN 2.0 model: its first element must be bpmn:definitions "
                "of the namespace %(namespace)s."
            )
            % {"namespace": BPMN}
        ]
    problems = _process_count(root)
    problems += _elements(root)
    problems += _service_tasks(root)
    problems += _lanes(root)
    problems += _expressions(root)
    decisions = []
    for number, table in enumerate(dmn_tables, start=1):
        found, table_problems = _table_problems(table, number)
        decisions += found
        problems += table_problems
    problems += _decision_refs(root, decisions)
    if not problems:
        problems = _engine_problems(bpmn, dmn_tables)
    return problems


def _process_count(root) -> list[str]:
    executable = [
        p for p in root.iter(f"{{{BPMN}}}process") if p.get("isExecutable", "true") == "true"
    ]
    if len(executable) != 1:
        return [
            _("The model must have exactly one executable process; it has %(count)d.")
            % {"count": len(executable)}
        ]
    return []


def _element_problem(node) -> str:
    """Why Townhall cannot run the element ``node``, or ""."""
    namespace, local = etree.QName(node).namespace, _local(node)
    if namespace != BPMN:
        return _("%(element)s is not a BPMN element Townhall can run.") % {"element": _named(node)}
    if local == "scriptTask":
        return _(
            "%(element)s is a script task: Townhall runs no code from a model. "
            "Use a service task that names one of Townhall's actions."
        ) % {"element": _named(node)}
    if local not in ALLOWED:
        return _("%(element)s: Townhall does not run the BPMN element %(kind)s.") % {
            "element": _named(node),
            "kind": local,
        }
    if local in TIMER_EVENTS:
        definitions = [_local(child) for child in node if _local(child).endswith("Definition")]
        if definitions != ["timerEventDefinition"]:
            return _(
                "%(element)s: an event that waits must wait for a timer, and only for one."
            ) % {"element": _named(node)}
    if local == "timerEventDefinition" and _local(node.getparent()) not in TIMER_EVENTS:
        return _("%(element)s: only an intermediate or boundary event may wait for a timer.") % {
            "element": _named(node.getparent())
        }
    if local == "businessRuleTask" and not node.get(f"{{{CAMUNDA}}}decisionRef"):
        return _(
            "%(element)s: a business rule task must name its decision table (decisionRef)."
        ) % {"element": _named(node)}
    return ""


def _elements(root) -> list[str]:
    """Every element Townhall cannot run (not looking inside one), outside the parts
    that only describe: documentation, extensions, the diagram."""
    problems = []
    inert = {f"{{{BPMN}}}extensionElements", f"{{{BPMN}}}documentation"}
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or etree.QName(node).namespace == BPMNDI:
            continue  # a comment, a processing instruction, the diagram
        problem = _element_problem(node)
        if problem:
            problems.append(problem)
        elif node.tag not in inert:
            stack.extend(reversed(list(node)))
    for node in root.iter(*(f"{{{CAMUNDA}}}{name}" for name in CODE_EXTENSIONS)):
        owner = next((a for a in node.iterancestors() if a.get("id")), root)
        problems.append(
            _("%(element)s has a Camunda %(kind)s: Townhall runs no code from a model.")
            % {"element": _named(owner), "kind": _local(node)}
        )
    return problems


def _service_tasks(root) -> list[str]:
    problems = []
    calls = engine.service_calls_in(etree.tostring(root))
    for node in root.iter(f"{{{BPMN}}}serviceTask"):
        call = calls[node.get("id")]
        if not call.topic:
            problems.append(
                _("%(element)s: a service task must name its action in camunda:topic.")
                % {"element": _named(node)}
            )
        elif call.topic not in actions:
            problems.append(
                _("%(element)s names the action %(topic)s, which Townhall does not have.")
                % {"element": _named(node), "topic": call.topic}
            )
        else:
            for problem in actions[call.topic].problems(call.parameters):
                problems.append(f"{_named(node)}: {problem}")
    return problems


def _lanes(root) -> list[str]:
    problems = []
    for lane in root.iter(f"{{{BPMN}}}lane"):
        if (lane.get("name") or "").strip() not in ROLES:
            problems.append(
                _(
                    "%(element)s: a lane is named by the code of a department with a role: "
                    "%(codes)s."
                )
                % {"element": _named(lane), "codes": ", ".join(ROLES)}
            )
    return problems


def expression_problem(text: str) -> str:
    """Why ``text`` is not an expression a model may use, or "" when it is."""
    try:
        engine.SCRIPT_ENGINE.validate(text)
        tree = ast.parse(text.strip(), mode="eval")
    except Exception as error:  # SyntaxError, and simpleeval's own InvalidExpression
        logger.debug("Unreadable expression: %s", error)
        return _("it is not an expression Townhall can read")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            return _("it uses the name %(name)s") % {"name": node.id}
        if isinstance(node, ast.Attribute):
            return _("it reads an attribute (%(name)s)") % {"name": node.attr}
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in engine.SAFE_FUNCTIONS
        ):
            return _("it calls a function other than %(allowed)s") % {
                "allowed": ", ".join(engine.SAFE_FUNCTIONS)
            }
        if isinstance(node, ast.Lambda | ast.NamedExpr | ast.Await | ast.Yield):
            return _("it is not an expression Townhall can read")
    return ""


def _expressions(root) -> list[str]:
    problems = []
    wanted = (f"{{{BPMN}}}{tag}" for tag in ("conditionExpression", "timeDuration", "timeDate"))
    for node in root.iter(*wanted, f"{{{BPMN}}}timeCycle"):
        text = (node.text or "").strip()
        problem = expression_problem(text) if text else _("it is empty")
        if problem:
            owner = next((a for a in node.iterancestors() if a.get("id")), root)
            problems.append(
                _("%(element)s: the expression %(text)s is refused: %(problem)s.")
                % {"element": _named(owner), "text": text[:200], "problem": problem}
            )
    return problems


def _table_problems(content: bytes, number: int) -> tuple[list[str], list[str]]:
    """The decision ids of one DMN file, and its problems."""
    what = _("DMN (table %(number)d)") % {"number": number}
    root, problem = _read(content, what)
    if root is None:
        return [], [problem]
    namespace = etree.QName(root).namespace
    if _local(root) != "definitions" or namespace not in DMN_NAMESPACES:
        return [], [
            _("The DMN file %(number)d is not a DMN decision table (DMN 1.1, 1.2 or 1.3).")
            % {"number": number}
        ]
    decisions = list(root.iter(f"{{{namespace}}}decision"))
    problems = []
    for decision in decisions:
        for table in decision.iter(f"{{{namespace}}}decisionTable"):
            problems += _overlaps(table, decision, namespace)
        for node in decision.iter(f"{{{namespace}}}text"):
            if _local(node.getparent()) in ("inputExpression", "outputEntry") and node.text:
                problem = expression_problem(node.text)
                if problem:
                    problems.append(
                        _("%(element)s: the expression %(text)s is refused: %(problem)s.")
                        % {"element": _named(decision), "text": node.text[:200], "problem": problem}
                    )
    return [d.get("id") for d in decisions], problems


def _overlaps(table, decision, namespace: str) -> list[str]:
    if (table.get("hitPolicy") or "UNIQUE").upper() != "UNIQUE":
        return []
    rules = list(table.iter(f"{{{namespace}}}rule"))
    if len(rules) > MAX_RULES:
        return [
            _("%(element)s has more than %(max)d rules; split the table.")
            % {"element": _named(decision), "max": MAX_RULES}
        ]
    entries = [
        [
            (entry.findtext(f"{{{namespace}}}text") or "")
            for entry in rule.iter(f"{{{namespace}}}inputEntry")
        ]
        for rule in rules
    ]
    problems = []
    for first in range(len(rules)):
        for second in range(first + 1, len(rules)):
            if rules_overlap(entries[first], entries[second]):
                problems.append(
                    _(
                        "%(element)s: the rules %(first)d (%(first_id)s) and %(second)d "
                        "(%(second_id)s) can both match the same input, which the hit policy "
                        "UNIQUE forbids. Make them exclusive, or choose the hit policy FIRST."
                    )
                    % {
                        "element": _named(decision),
                        "first": first + 1,
                        "first_id": rules[first].get("id") or "?",
                        "second": second + 1,
                        "second_id": rules[second].get("id") or "?",
                    }
                )
                if len(problems) >= MAX_OVERLAPS:
                    return problems
    return problems


def _decision_refs(root, decisions: list[str]) -> list[str]:
    problems = []
    for node in root.iter(f"{{{BPMN}}}businessRuleTask"):
        ref = node.get(f"{{{CAMUNDA}}}decisionRef")
        if ref and ref not in decisions:
            problems.append(
                _("%(element)s names the decision %(ref)s, which no uploaded DMN file has.")
                % {"element": _named(node), "ref": ref}
            )
    return problems


def _engine_problems(bpmn: bytes, dmn_tables: list[bytes]) -> list[str]:
    """What SpiffWorkflow's own parser refuses, as a message."""
    try:
        engine.model_parse(bpmn, tuple(dmn_tables))
    except ValidationException as error:
        where = f"“{error.name}” ({error.id})" if error.name else (error.id or error.tag or "?")
        return [
            _("The workflow engine refuses %(element)s: %(error)s")
            % {"element": where, "error": str(error).splitlines()[0][:300]}
        ]
    except etree.LxmlError as error:
        return [_("The workflow engine cannot read the model: %(error)s") % {"error": error}]
    except Exception as error:  # the engine's parser raises many kinds; none may be a 500
        logger.warning("The engine refused a model: %r", error)
        return [
            _("The workflow engine cannot read the model: %(error)s") % {"error": str(error)[:300]}
        ]
    return []
