"""Reads of the workflows for the back office: lists and a workflow's versions.

They show no person: references and counts only.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from townhall.cases.models import Case, Workflow, WorkflowVersion


@dataclass
class WorkflowRow:
    """A workflow in the list: its newest version and its open cases per version."""

    workflow: Workflow
    newest: int | None
    open_by_version: list[tuple[int, int]] = field(default_factory=list)  # (number, count)

    @property
    def open_total(self) -> int:
        return sum(count for _number, count in self.open_by_version)


def workflow_list_for_staff() -> list[WorkflowRow]:
    """Every workflow with its product, newest version and open cases per version (two queries)."""
    workflows = (
        Workflow.objects.select_related("product")
        .annotate(newest=Max("versions__number"))
        .order_by("title", "pk")
    )
    counts: dict[int, list[tuple[int, int]]] = {}
    open_cases = (
        Case.objects.filter(is_open=True)
        .values_list("workflow_version__workflow_id", "workflow_version__number")
        .annotate(n=Count("pk"))
        .order_by("workflow_version__workflow_id", "-workflow_version__number")
    )
    for workflow_id, number, count in open_cases:
        counts.setdefault(workflow_id, []).append((number, count))
    return [WorkflowRow(w, w.newest, counts.get(w.pk, [])) for w in workflows]


def workflow_versions_for_staff(*, workflow: Workflow) -> list[WorkflowVersion]:
    """The versions of ``workflow``, newest first, with who uploaded each and its open
    cases (``open_cases``); without the models' text (one query)."""
    return list(
        workflow.versions.select_related("created_by")
        .defer("bpmn", "dmn_tables")
        .annotate(open_cases=Count("cases", filter=Q(cases__is_open=True)))
        .order_by("-number")
    )


# How many cases one move takes at most; the page says when more wait.
MOVE_BATCH = 200


def cases_to_move(*, workflow: Workflow, newest: WorkflowVersion) -> tuple[list[Case], int]:
    """The open cases of ``workflow`` on older versions than ``newest``, oldest first
    (at most :data:`MOVE_BATCH`), and how many there are in all."""
    older = Case.objects.filter(workflow_version__workflow=workflow, is_open=True).exclude(
        workflow_version=newest
    )
    batch = list(older.select_related("workflow_version").order_by("opened_at", "pk")[:MOVE_BATCH])
    total = len(batch) if len(batch) < MOVE_BATCH else older.count()
    return batch, total
