"""A dry run of a workflow version on sample data: the path a case would take.

:func:`dry_run` runs the version's model in memory only; it writes nothing and
no action has any effect:

1. The sample data is the start's task data (what conditions read).
2. A service task is shown as "would run the action X with the parameters Y" and
   completed; ``request_information`` as "would ask the applicant and wait", and
   the run goes on as if the applicant answered.
3. At a user task the next value of ``choices`` is the button pressed (a
   ``decision`` value, as the case page's buttons set it; ``done`` or an empty
   value for a task with the one button "Done"). When the choices run out, the
   run stops there, waiting, with the task's buttons.
4. A timer is shown as "would wait for the timer" and taken as passed.
5. It stops with a problem when a choice is no button of the task, when no
   condition of a gateway holds (or one fails), or after :data:`MAX_STEPS`
   elements (a loop).
"""

import json
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from townhall.cases import engine
from townhall.cases.models import WorkflowVersion
from townhall.cases.services import Choice, choices_in_model

logger = logging.getLogger(__name__)

MAX_STEPS = 200
KINDS = {
    "StartEvent": gettext_lazy("start"),
    "EndEvent": gettext_lazy("end"),
    "UserTask": gettext_lazy("task for staff"),
    "TownhallServiceTask": gettext_lazy("action"),
    "BusinessRuleTask": gettext_lazy("decision table"),
    "ExclusiveGateway": gettext_lazy("choice of one way"),
    "ParallelGateway": gettext_lazy("parallel ways"),
    "IntermediateCatchEvent": gettext_lazy("timer"),
    "BoundaryEvent": gettext_lazy("timer"),
}


@dataclass(frozen=True)
class Step:
    """One element the run passed: its id, name, kind and lane, and what it would do."""

    element_id: str
    name: str
    kind: str
    lane: str
    note: str = ""


@dataclass
class DryRunResult:
    """The path taken and where it stopped: ``waiting`` (at ``waiting_at``, with its
    ``buttons``), ``completed``, or ``problem`` (``message`` says which)."""

    path: list[Step] = field(default_factory=list)
    outcome: str = ""
    message: str = ""
    waiting_at: Step | None = None
    buttons: list[Choice] = field(default_factory=list)


class _Stop(Exception):
    pass


def _step(task, note: str = "") -> Step:
    spec = task.task_spec
    kind = KINDS.get(type(spec).__name__, type(spec).__name__)
    return Step(spec.bpmn_id, spec.bpmn_name or "", str(kind), spec.lane or "", note)


class _Run:
    def __init__(self, version: WorkflowVersion, data: dict, choices: list[str]):
        self.model = engine.spec_for(version)
        self.buttons = choices_in_model(version.bpmn.encode(), self.model.service_calls)
        self.choices = list(choices)
        self.result = DryRunResult()
        self.timed: set = set()  # the timers taken as passed
        self.workflow = BpmnWorkflow(
            self.model.spec, self.model.subprocess_specs, script_engine=engine.SCRIPT_ENGINE
        )
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)

    def passed(self, task, note: str = "") -> None:
        if task.task_spec.bpmn_id is None:  # the engine's own start and end
            return
        if task.id in self.timed:
            note = _("would wait for the timer, then go on")
        self.result.path.append(_step(task, note))
        if len(self.result.path) >= MAX_STEPS:
            self.stop(
                "problem",
                _("Stopped after %(n)d steps: the model may loop without end.") % {"n": MAX_STEPS},
            )

    def stop(self, outcome: str, message: str) -> None:
        self.result.outcome, self.result.message = outcome, message
        raise _Stop

    def engine_steps(self) -> None:
        try:
            self.workflow.do_engine_steps(did_complete_task=self.passed)
        except SpiffWorkflowException as error:
            self.stop(
                "problem",
                _("A condition failed or none held: %(error)s") % {"error": str(error)[:300]},
            )

    def service_task(self, task) -> None:
        call = self.model.service_calls[task.task_spec.bpmn_id]
        if call.topic == "request_information":
            note = _("would ask the applicant and wait; the run goes on as if they answered")
        else:
            parameters = json.dumps(call.parameters, ensure_ascii=False, sort_keys=True)
            note = _("would run the action %(action)s with the parameters %(parameters)s") % {
                "action": call.topic,
                "parameters": parameters,
            }
        task.run()
        self.passed(task, note)

    def user_task(self, task) -> None:
        buttons = self.buttons.get(task.task_spec.bpmn_id, [])
        if not self.choices:
            self.result.waiting_at, self.result.buttons = _step(task), buttons
            self.stop("waiting", _("No choice left: a case would wait here for a button."))
        value = self.choices.pop(0).strip()
        if value.lower() == "done":
            value = ""
        choice = next((b for b in buttons if b.value == value), None)
        if choice is None:
            self.result.waiting_at, self.result.buttons = _step(task), buttons
            offered = ", ".join(b.value or "done" for b in buttons)
            self.stop(
                "problem",
                _("%(value)s is no button of this task; its buttons are: %(buttons)s.")
                % {"value": value or "done", "buttons": offered},
            )
        task.data.update({"decision": value, "message": ""})
        task.run()
        self.passed(task, _("chose “%(label)s”") % {"label": choice.label})

    def timers(self) -> bool:
        waiting = [
            t
            for t in self.workflow.get_tasks(state=TaskState.WAITING)
            if hasattr(t.task_spec, "event_definition")
        ]
        for task in waiting:
            task._set_internal_data(event_fired=True)
            self.timed.add(task.id)
        if waiting:
            self.workflow.refresh_waiting_tasks()
        return bool(waiting)

    def go(self) -> DryRunResult:
        try:
            while True:
                self.engine_steps()
                if self.workflow.is_completed():
                    self.stop("completed", _("The case would be closed."))
                if services := engine.waiting_service_tasks(self.workflow):
                    self.service_task(services[0])
                elif users := engine.user_tasks(self.workflow):
                    self.user_task(users[0])
                elif not self.timers():
                    self.stop("problem", _("The model stops here: nothing can go on."))
        except _Stop:
            pass
        except Exception as error:  # whatever the engine raises on a sample: a problem, not a 500
            logger.info("Dry run stopped by the engine: %r", error)
            self.result.outcome = "problem"
            self.result.message = _("The engine stopped: %(error)s") % {"error": str(error)[:300]}
        return self.result


def dry_run(*, version: WorkflowVersion, data: dict, choices: list[str]) -> DryRunResult:
    """The path ``version``'s model takes on ``data`` with the buttons ``choices``, in
    memory only (see the module's docstring)."""
    return _Run(version, dict(data), choices).go()
