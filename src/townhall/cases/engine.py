"""The workflow engine: SpiffWorkflow, held to what an uploaded model may do.

Townhall runs BPMN 2.0 and DMN on SpiffWorkflow and keeps three rules of its own:

1. **No model runs Python.** SpiffWorkflow's default script environment calls
   ``eval``/``exec`` on the model's text. :class:`SafeExpressions` evaluates
   gateway conditions, timer durations and DMN entries with ``simpleeval``
   (names from the case's data, no attribute access to dunders, no imports, no
   calls but a few pure functions) and refuses every script. Script tasks are
   refused on upload as well (:mod:`townhall.cases.models_check`).
2. **Service tasks wait for Townhall.** SpiffWorkflow's own service task runs
   by itself and does nothing. :class:`TownhallServiceTask` is *manual*: the
   engine stops in front of it, and :func:`townhall.cases.services` runs the
   action it names (``camunda:topic``, from :mod:`townhall.cases.actions`)
   inside the case's transaction, then completes it, or leaves it waiting
   (a request for information waits for the applicant's answer).
3. **The model is stored once, the state per case.** A case's state is the
   engine's serialized workflow without its specification; the specification
   is the version's, parsed once per process and cached (:func:`spec_for`).
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from simpleeval import EvalWithCompoundTypes
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


class ScriptRefused(Exception):
    """A model asked the engine to run a script."""


# The functions a condition may call: pure, on values only.
SAFE_FUNCTIONS = {
    "len": len,
    "str": str,
    "int": int,
    "float": float,
    "abs": abs,
    "min": min,
    "max": max,
}


class SafeExpressions(BasePythonScriptEngineEnvironment):
    """Evaluate expressions with simpleeval over the task's data; never run a script."""

    def evaluate(self, expression, context, external_context=None):
        names = {**(external_context or {}), **context}
        evaluator = EvalWithCompoundTypes(names=names, functions=SAFE_FUNCTIONS)
        return evaluator.eval(expression)

    def execute(self, script, context, external_context=None):
        raise ScriptRefused("Townhall runs no scripts from a workflow model.")

    def call_service(self, context, **kwargs):
        raise ScriptRefused("Service tasks are run by Townhall's actions, not by the engine.")


class SafeScriptEngine(PythonScriptEngine):
    def __init__(self):
        super().__init__(environment=SafeExpressions())

    def validate(self, expression):
        # Checked on upload by parsing it as simpleeval would, not by ast.parse alone.
        EvalWithCompoundTypes().parse(expression)


SCRIPT_ENGINE = SafeScriptEngine()


class TownhallServiceTask(ServiceTask):
    """A service task the engine stops in front of; Townhall runs its action."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = True

    def _run_hook(self, my_task):
        return True


class TownhallParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (CamundaTaskParser, TownhallServiceTask),
    }


class StateConverter(BpmnWorkflowConverter):
    """A workflow's state without its specification, which the version keeps once.

    :func:`state_load` puts the version's parsed specification objects back in
    place before restoring (the converter keeps a value that is not a
    dictionary as it is): many workflows share one specification, as when they
    are started.
    """

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(DEFAULT_CONFIG)
    config[TownhallServiceTask] = BpmnTaskSpecConverter
    config[BpmnWorkflow] = StateConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


SERIALIZER = _serializer()


@dataclass(frozen=True)
class ServiceCall:
    """What a service task asks: the action's name and its input parameters."""

    topic: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedModel:
    """A parsed model: the process's specification and what Townhall reads beside it."""

    process_id: str
    spec: object
    subprocess_specs: dict
    service_calls: dict[str, ServiceCall]  # bpmn id -> the action it calls


def service_calls_in(bpmn_xml: bytes) -> dict[str, ServiceCall]:
    """The ``camunda:topic`` and ``camunda:inputParameter``s of every service task."""
    root = etree.fromstring(
        bpmn_xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    calls = {}
    for node in root.iter(f"{{{BPMN}}}serviceTask"):
        parameters = {
            p.get("name"): (p.text or "").strip()
            for p in node.iter(f"{{{CAMUNDA}}}inputParameter")
            if p.get("name")
        }
        calls[node.get("id")] = ServiceCall(node.get(f"{{{CAMUNDA}}}topic") or "", parameters)
    return calls


def model_parse(bpmn_xml: bytes, dmn_xml: tuple[bytes, ...] = ()) -> ParsedModel:
    """Parse a BPMN model (and its DMN tables) into its one executable process.

    Raises SpiffWorkflow's ``ValidationException`` or lxml's ``XMLSyntaxError``
    for what the engine cannot read; :mod:`townhall.cases.models_check` turns
    those into messages for people and checks Townhall's own rules first.
    """
    xml_parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    parser = TownhallParser()
    parser.add_bpmn_xml(etree.fromstring(bpmn_xml, parser=xml_parser), filename="model.bpmn")
    for number, table in enumerate(dmn_xml):
        parser.add_dmn_xml(
            etree.fromstring(table, parser=xml_parser), filename=f"table{number}.dmn"
        )
    process_ids = parser.get_process_ids()
    if len(process_ids) != 1:
        raise ValueError(f"expected one executable process, found {len(process_ids)}")
    process_id = process_ids[0]
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    return ParsedModel(process_id, spec, subprocess_specs, service_calls_in(bpmn_xml))


@lru_cache(maxsize=256)
def _parsed(key: tuple, bpmn_xml: bytes, dmn_xml: tuple[bytes, ...]) -> ParsedModel:
    return model_parse(bpmn_xml, dmn_xml)


def spec_for(version) -> ParsedModel:
    """The parsed model of a :class:`~townhall.cases.models.WorkflowVersion`, once per process."""
    return _parsed(
        (version.pk, version.checksum),
        version.bpmn.encode(),
        tuple(t.encode() for t in version.dmn_tables),
    )


def workflow_start(model: ParsedModel, data: dict | None = None) -> BpmnWorkflow:
    """A new workflow of ``model``, run up to its first wait, with ``data`` for its
    conditions and decision tables (facts about the case, never personal data:
    the state is kept on the case row as it is)."""
    workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE)
    for task in ready_tasks(workflow):
        task.data.update(data or {})
    workflow.do_engine_steps()
    return workflow


def state_dump(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON, without the specification (kept once, on the version)."""
    return SERIALIZER.serialize_json(workflow)


def state_load(state: str, version) -> BpmnWorkflow:
    """The workflow of a case from its stored state and its version's model."""
    model = spec_for(version)
    data = json.loads(state, cls=SERIALIZER.json_decoder_cls)
    SERIALIZER.migrate(data)
    data["spec"] = model.spec
    data["subprocess_specs"] = dict(model.subprocess_specs)
    workflow = SERIALIZER.from_dict(data)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def ready_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY)


def waiting_service_tasks(workflow: BpmnWorkflow) -> list:
    return [t for t in ready_tasks(workflow) if isinstance(t.task_spec, TownhallServiceTask)]


def user_tasks(workflow: BpmnWorkflow) -> list:
    return [
        t
        for t in ready_tasks(workflow)
        if t.task_spec.manual and not isinstance(t.task_spec, TownhallServiceTask)
    ]


TIMER_EVENTS = ("DurationTimerEventDefinition", "TimeDateEventDefinition")


def next_timer(workflow: BpmnWorkflow) -> datetime.datetime | None:
    """When the earliest timer the workflow waits for fires, or None."""
    times = []
    for event in workflow.waiting_events():
        if event.event_type in TIMER_EVENTS and isinstance(event.value, str):
            try:
                times.append(datetime.datetime.fromisoformat(event.value))
            except ValueError:
                continue
    return min(times) if times else None
