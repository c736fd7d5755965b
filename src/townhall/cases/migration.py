"""Moving running cases to another version of their workflow.

:func:`cases_migrate` tries every case it is given, and with ``dry_run=False``
moves those that can move:

1. Only an open case of the same workflow, on another version, is tried.
2. Its state is loaded on its own version; SpiffWorkflow's
   ``diff_workflow`` aligns the old model's tasks with the new one's (by id,
   then by their place in the flow, so a renamed task is found).
3. A task the case waits at (READY or WAITING) that the new model does not
   have is taken to the task the administrator's ``task_map`` (old id -> new
   id) names; the new id must be a user or service task of the new model.
   Without one, the case cannot move and the outcome says why.
4. ``migrate_workflow`` moves the state to the new model; it is written out
   and read back with the new version to prove it loads (a completed task the
   new model lacks fails here), and the case's new current task is read from it.
5. Moving is one locked update per case (the steps above again, on the row
   locked with ``select_for_update``): the version, the state, the current
   task and the department of its lane change, ``version`` is raised, and an
   internal timeline line (``MIGRATED``) says from which version number to
   which. No action runs: a case that waits at a service task keeps waiting.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from townhall.cases import engine, services
from townhall.cases.models import Case, CaseEvent, WorkflowVersion
from townhall.cases.timeline import event_add

WAITING = TaskState.READY | TaskState.WAITING


@dataclass
class MigrationOutcome:
    """What happens to one case: its task before and after, or why it cannot move."""

    reference: str
    from_number: int
    task_before: str
    task_after: str = ""
    ok: bool = False
    reason: str = ""
    moved: bool = False


class CannotMove(Exception):
    """Why a case cannot move, in words for the administrator."""


def _label(task_id: str, label: str) -> str:
    if not task_id:
        return "–"
    return f"{label} ({task_id})" if label and label != task_id else task_id


def _task_kind_ok(spec) -> bool:
    return bool(getattr(spec, "manual", False)) and spec.bpmn_id is not None


def _moved_workflow(case: Case, to_version: WorkflowVersion, task_map: dict[str, str]):
    """The case's workflow on ``to_version``'s model, proved to load; CannotMove if not."""
    if not case.is_open or not case.state:
        raise CannotMove(_("The case is closed."))
    if case.workflow_version.workflow_id != to_version.workflow_id:
        raise CannotMove(_("The case runs on another workflow."))
    if case.workflow_version_id == to_version.pk:
        raise CannotMove(_("The case runs on this version already."))
    try:
        workflow = engine.state_load(case.state, case.workflow_version)
    except Exception as error:  # a state this process cannot read: say so, never a 500
        raise CannotMove(_("Its state does not load on its own version.")) from error
    new = engine.spec_for(to_version)
    top_diff, _sub_diffs = diff_workflow(
        engine.SERIALIZER.registry, workflow, new.spec, new.subprocess_specs
    )
    for task in top_diff.removed:
        if not task.state & WAITING:
            continue
        old_id = task.task_spec.bpmn_id or task.task_spec.name
        new_id = task_map.get(old_id)
        if not new_id:
            raise CannotMove(
                _(
                    "Its current task %(task)s is not in the new model; say which task of "
                    "the new model it becomes."
                )
                % {"task": old_id}
            )
        spec = new.spec.task_specs.get(new_id)
        if spec is None or not _task_kind_ok(spec):
            raise CannotMove(
                _("%(new)s, given for %(old)s, is no user or service task of the new model.")
                % {"new": new_id, "old": old_id}
            )
        top_diff.alignment[task] = spec
    try:
        migrate_workflow(top_diff, workflow, new.spec)
        workflow.do_engine_steps()
        moved = engine.state_load(engine.state_dump(workflow), to_version)
    except Exception as error:  # the engine's errors are many; each one means "cannot move"
        raise CannotMove(
            _("Its state does not load on the new version (a finished task may be missing).")
        ) from error
    return moved


def _outcome(case: Case, to_version: WorkflowVersion, task_map: dict[str, str]):
    outcome = MigrationOutcome(
        reference=case.reference,
        from_number=case.workflow_version.number,
        task_before=_label(case.task_id, case.task_label),
    )
    try:
        workflow = _moved_workflow(case, to_version, task_map)
    except CannotMove as error:
        outcome.reason = str(error)
        return outcome, None
    task_id, label, _lane = services._position_of(workflow)
    outcome.task_after, outcome.ok = _label(task_id, label), True
    return outcome, workflow


@transaction.atomic(durable=True)
def _move(case: Case, to_version: WorkflowVersion, task_map: dict[str, str], actor):
    locked = services._locked(case, None)
    outcome, workflow = _outcome(locked, to_version, task_map)
    if workflow is None:
        return outcome
    from_number = locked.workflow_version.number
    locked.workflow_version = to_version
    services._position_copy(locked, workflow, actor)
    event_add(
        locked,
        kind=CaseEvent.Kind.MIGRATED,
        actor=actor,
        data={"from": from_number, "to": to_version.number},
    )
    services._save(locked)
    outcome.moved = True
    return outcome


def cases_migrate(
    *, cases, to_version: WorkflowVersion, task_map: dict[str, str], dry_run: bool, actor
) -> list[MigrationOutcome]:
    """Try (``dry_run``) or move every case of ``cases`` to ``to_version``; an outcome
    per case, in their order."""
    outcomes = []
    for case in cases:
        outcome, workflow = _outcome(case, to_version, task_map)
        if workflow is not None and not dry_run:
            outcome = _move(case, to_version, task_map, actor)
        outcomes.append(outcome)
    return outcomes
