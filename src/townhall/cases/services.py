"""Every write of case handling: opening a case, doing a task, asking and answering.

Each service locks the case row, checks the ``version`` the staff member's form
was read at (:class:`CaseChanged` when someone else acted meanwhile), loads the
engine's state, applies the change, runs the service tasks that follow
(:func:`_advance`), and saves the case's plain columns and state once, with its
version raised, in one transaction. Status changes send ``case_status_changed``
after the commit.
"""

import datetime
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from townhall.cases import engine
from townhall.cases.actions import ActionRun
from townhall.cases.actions import register as actions
from townhall.cases.events import case_opened
from townhall.cases.models import (
    Case,
    CaseEvent,
    CaseFile,
    InformationRequest,
    Workflow,
    WorkflowVersion,
)
from townhall.cases.notify import applicant_message, case_link
from townhall.cases.timeline import event_add, status_set
from townhall.catalog.models import Product
from townhall.eforms.models import Submission
from townhall.eforms.submissions import reference_next
from townhall.eforms.uploads import upload_store
from townhall.languages import FALLBACK
from townhall.municipality.models import Department
from townhall.registry.models import CorrectionRequest

logger = logging.getLogger(__name__)

SHIPPED = Path(__file__).parent / "workflows"
# The model a product without one of its own starts with (each product gets its own copy).
STANDARD = "standard"
CORRECTION = "correction"
# The model of a product issued automatically (straight through): see its comment.
ISSUED_AUTOMATICALLY = "issued-automatically"
# How many days a case gets when its product names no processing time.
DEFAULT_DAYS = 30
# A service task that leads back into itself would never stop: give up after this many.
MAX_STEPS = 50


class CaseChanged(Exception):
    """The case changed after the form was read: the staff member must look again."""


class TaskNotOffered(ValidationError):
    """What was asked is not something the workflow offers now."""


# ---------------------------------------------------------------- what staff can do now


@dataclass(frozen=True)
class Choice:
    """A button on the case page: one way to finish a task the workflow waits for."""

    task_id: str
    task_label: str
    value: str  # the "decision" the flow's condition tests, or "" for "done"
    label: str
    asks: str  # what the staff member types, "" for nothing
    required: bool
    applies_correction: bool = False  # leads to apply_correction: may ask the corrected value


DECISION_CONDITION = re.compile(r"""^\s*decision\s*==\s*["']([A-Za-z0-9_-]+)["']\s*$""")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def choices_in_model(bpmn_xml: bytes, service_calls: dict) -> dict[str, list[Choice]]:
    """Per user task of a model, its buttons: one per flow of the exclusive gateway
    that follows it whose condition is ``decision == "value"`` (named by the flow's
    name), else one "done" button."""
    root = etree.fromstring(
        bpmn_xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    nodes = {n.get("id"): n for n in root.iter() if n.get("id")}
    flows_from: dict[str, list] = {}
    for flow in root.iter(f"{BPMN}sequenceFlow"):
        flows_from.setdefault(flow.get("sourceRef"), []).append(flow)
    choices = {}
    for task in root.iter(f"{BPMN}userTask"):
        task_id, label = task.get("id"), task.get("name") or task.get("id")
        buttons = []
        for out in flows_from.get(task_id, []):
            target = nodes.get(out.get("targetRef"))
            if target is None or target.tag != f"{BPMN}exclusiveGateway":
                continue
            for flow in flows_from.get(target.get("id"), []):
                condition = flow.find(f"{BPMN}conditionExpression")
                match = (
                    DECISION_CONDITION.match(condition.text or "")
                    if condition is not None
                    else None
                )
                if match is None:
                    continue
                asks = _asks_after(flow.get("targetRef"), service_calls, flows_from)
                buttons.append(
                    Choice(
                        task_id,
                        label,
                        match.group(1),
                        flow.get("name") or match.group(1),
                        asks,
                        bool(asks),
                        getattr(service_calls.get(flow.get("targetRef")), "topic", "")
                        == "apply_correction",
                    )
                )
        if not buttons:
            buttons.append(Choice(task_id, label, "", _("Done"), "", False))
        choices[task_id] = buttons
    return choices


def _asks_after(node_id: str, service_calls: dict, flows_from: dict) -> str:
    """What the button leading to ``node_id`` asks: what its action asks, or, when that
    action asks nothing (issuing a document before the close), what the next service
    task on the one flow out of it asks."""
    for _step in range(MAX_STEPS):
        call = service_calls.get(node_id)
        if call is None or call.topic not in actions:
            return ""
        if actions[call.topic].asks:
            return str(actions[call.topic].asks)
        out = flows_from.get(node_id, [])
        if len(out) != 1:
            return ""
        node_id = out[0].get("targetRef")
    return ""


def choices_for(case: Case) -> list[Choice]:
    """The buttons of ``case`` now, read from its plain columns and its version's model."""
    if not case.is_open or not case.task_id or case.status == Case.Status.WAITING:
        return []
    return list(_choices_of(case.workflow_version).get(case.task_id, []))


def _choices_of(version: WorkflowVersion) -> dict[str, list[Choice]]:
    return _choices_cached((version.pk, version.checksum), version)


@lru_cache(maxsize=256)
def _choices_cached(key: tuple, version: WorkflowVersion) -> dict[str, list[Choice]]:
    # Keyed by the version's id and checksum (a version never changes), once per process.
    return choices_in_model(version.bpmn.encode(), engine.spec_for(version).service_calls)


# ---------------------------------------------------------------- workflows


def _bpmn_of(name: str) -> str:
    return (SHIPPED / f"{name}.bpmn").read_text()


@transaction.atomic
def workflow_version_add(
    *, workflow: Workflow, bpmn: str, dmn_tables=(), note: str = "", actor=None
):
    """A new version of ``workflow``; the caller has checked the model."""
    model = engine.model_parse(bpmn.encode(), tuple(t.encode() for t in dmn_tables))
    last = workflow.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return WorkflowVersion.objects.create(
        workflow=workflow,
        number=last + 1,
        bpmn=bpmn,
        dmn_tables=list(dmn_tables),
        process_id=model.process_id,
        note=note,
        created_by=actor,
    )


def workflow_current(workflow: Workflow) -> WorkflowVersion:
    return workflow.versions.order_by("-number").first()


def _workflow_for_product(product: Product | None) -> Workflow:
    """The product's workflow; made from its shipped model, or the standard one, if
    missing (its title and note in Dutch, see :func:`workflows_ensure`)."""
    with translation.override(FALLBACK):
        return _workflow_made(product)


def _shipped_model_for(product: Product) -> str:
    """The shipped model a product's workflow starts from: its own (by slug), the
    straight-through one for a product issued automatically, else the standard one."""
    if (SHIPPED / f"{product.slug}.bpmn").exists():
        return product.slug
    if product.issued_automatically:
        return ISSUED_AUTOMATICALLY
    return STANDARD


def _workflow_made(product: Product | None) -> Workflow:
    if product is None:
        key, title, source = STANDARD, _("Standard handling"), STANDARD
    else:
        key, title = product.slug, product.title
        source = _shipped_model_for(product)
    workflow, created = Workflow.objects.get_or_create(
        key=key, defaults={"title": title, "product": product}
    )
    if created or not workflow.versions.exists():
        workflow_version_add(
            workflow=workflow, bpmn=_bpmn_of(source), note=_("Shipped with Townhall")
        )
    return workflow


def workflows_ensure() -> int:
    """Give every online product and the corrections a workflow (from the shipped
    models); how many were made. Their titles and notes are stored text, written in
    the municipality's first language (Dutch), whatever language the caller has."""
    with translation.override(FALLBACK):
        return _workflows_ensure()


def _workflows_ensure() -> int:
    made = 0
    for product in Product.objects.filter(online=True).exclude(workflow__isnull=False):
        _workflow_for_product(product)
        made += 1
    if not Workflow.objects.filter(key=CORRECTION).exists():
        workflow = Workflow.objects.create(key=CORRECTION, title=_("Correction of register data"))
        workflow_version_add(
            workflow=workflow, bpmn=_bpmn_of(CORRECTION), note=_("Shipped with Townhall")
        )
        made += 1
    return made


# ---------------------------------------------------------------- opening a case


def _due_on(opened_at, days: int | None) -> datetime.date:
    return timezone.localdate(opened_at) + datetime.timedelta(
        days=DEFAULT_DAYS if days is None else days
    )


def _department(code: str | None, fallback: Department | None) -> Department | None:
    if code:
        found = Department.objects.filter(municipality__is_active=True, code=code).first()
        if found is not None:
            return found
    return fallback


def case_facts(case: Case) -> dict:
    """What a model's conditions and decision tables may read about a case at its start:
    who applies (a person, an organisation, or anonymous), for which product, and
    whether staff helped. No personal data: the engine's state is not encrypted."""
    if case.applicant_organisation_id is not None:
        applicant = "organisation"
    elif case.applicant_person_id is not None or case.handed_in_by_id is not None:
        applicant = "person"
    else:
        applicant = "anonymous"
    submission = case.submission
    return {
        "applicant": applicant,
        "product": case.product.slug if case.product_id else "",
        "assisted": bool(submission and submission.assisted_by_id),
    }


def _start(case: Case, version: WorkflowVersion, actor=None) -> None:
    model = engine.spec_for(version)
    workflow = engine.workflow_start(model, case_facts(case))
    _advance(case, workflow, model, actor)


@transaction.atomic
def case_open_for_submission(*, submission_id: int) -> Case | None:
    """Open the case of a submission (the receiver of ``submission_received``); a
    submission has one case, so a second call returns the first."""
    submission = Submission.objects.select_related("version__form", "user").get(pk=submission_id)
    existing = Case.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    product = Product.objects.filter(slug=submission.version.form.product_slug).first()
    department = _department(None, product.department if product else None) or _department(
        "citizens_affairs", None
    )
    if department is None:
        logger.error("No department to open a case for %s", submission.reference)
        return None
    version = workflow_current(_workflow_for_product(product))
    case = Case.objects.create(
        reference=submission.reference,
        workflow_version=version,
        product=product,
        submission=submission,
        applicant_person=submission.subject_person
        if submission.subject_organisation_id is None
        else None,
        applicant_organisation=submission.subject_organisation,
        handed_in_by=submission.user,
        language=submission.language,
        department=department,
        opened_at=submission.submitted_at,
        due_on=_due_on(submission.submitted_at, product.processing_days if product else None),
    )
    _opened(case)
    _start(case, version)
    _save(case)
    return case


@transaction.atomic
def case_open_for_correction(*, correction_request_id: int) -> Case | None:
    """Open the case of a correction request (the receiver of ``correction_requested``)."""
    correction = CorrectionRequest.objects.select_related("person").get(pk=correction_request_id)
    existing = Case.objects.filter(correction_request=correction).first()
    if existing is not None:
        return existing
    department = _department(correction.department_code, None)
    if department is None:
        logger.error(
            "No department %s for correction request %s", correction.department_code, correction.pk
        )
        return None
    workflows_ensure()
    version = workflow_current(Workflow.objects.get(key=CORRECTION))
    case = Case.objects.create(
        reference=reference_next(prefix="COR", year=timezone.localdate().year),
        workflow_version=version,
        correction_request=correction,
        applicant_person=correction.person,
        handed_in_by=correction.reported_by,
        language=correction.person.language or "nl",
        department=department,
        opened_at=correction.created_at,
        due_on=_due_on(correction.created_at, DEFAULT_DAYS),
    )
    _opened(case)
    _start(case, version)
    _save(case)
    return case


def _opened(case: Case) -> None:
    event_add(case, kind=CaseEvent.Kind.OPENED, status=case.status, public=True)
    case_opened.send_on_commit(
        subject_id=case.pk,
        case=case.pk,
        reference=case.reference,
        product=case.product.slug if case.product_id else "",
        department=case.department.code,
        person=case.applicant_person_id,
        organisation=case.applicant_organisation_id,
    )


# ---------------------------------------------------------------- running the workflow


def _advance(
    case: Case, workflow, model: engine.ParsedModel, actor, values: dict | None = None
) -> None:
    """Run the engine and the service tasks it stops at, then copy where it stands
    onto the case's columns. ``values`` (a corrected value) reach the actions but
    never the engine's state, which is not encrypted."""
    for _step in range(MAX_STEPS):
        workflow.do_engine_steps()
        progressed = False
        for task in engine.waiting_service_tasks(workflow):
            call = model.service_calls[task.task_spec.bpmn_id]
            run = ActionRun(
                case=case,
                parameters=call.parameters,
                data=task.data,
                actor=actor,
                task_key=str(task.id),
                values=values or {},
            )
            if actions[call.topic].run(run):
                task.run()
                progressed = True
        if not progressed:
            break
    else:
        raise RuntimeError(f"The workflow of {case} does not settle after {MAX_STEPS} steps.")
    _position_copy(case, workflow, actor)


def _position_of(workflow) -> tuple[str, str, str | None]:
    """Where ``workflow`` waits: the task's id, its label and its lane (a user task
    first, else a service task; ``("", "", None)`` when it waits for nothing)."""
    users = engine.user_tasks(workflow)
    if users:
        spec = users[0].task_spec
        return spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, spec.lane
    services = engine.waiting_service_tasks(workflow)
    if services:
        return services[0].task_spec.bpmn_id, services[0].task_spec.bpmn_name or "", None
    return "", "", None


def _position_copy(case: Case, workflow, actor) -> None:
    """Copy where ``workflow`` stands onto the case's columns: closed when it is
    completed; else its current task, the department of that task's lane, its state."""
    if workflow.is_completed():
        if case.is_open or case.status not in Case.CLOSED:
            case.is_open = False
            case.closed_at = case.closed_at or timezone.now()
            status_set(
                case, case.status if case.status in Case.CLOSED else Case.Status.DONE, actor=actor
            )
        case.task_id = case.task_label = case.state = ""
        case.wakes_at = None
        return
    case.task_id, case.task_label, lane_code = _position_of(workflow)
    lane = _department(lane_code, None)
    if lane is not None and lane != case.department:
        case.department, case.assignee = lane, None
    case.state = engine.state_dump(workflow)
    case.wakes_at = engine.next_timer(workflow)


def _save(case: Case) -> None:
    case.version += 1
    case.save()


def _for_update():
    """Cases locked for a change, with what a change reads beside the row. Only the
    case's row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an
    outer join (the product)."""
    return Case.objects.select_for_update(of=("self",)).select_related(
        "department", "product", "workflow_version"
    )


def _locked(case: Case, expected_version: int | None) -> Case:
    locked = _for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CaseChanged(
            _("Someone else changed this case meanwhile. Look at it again before you go on.")
        )
    return locked


def _workflow_of(case: Case):
    model = engine.spec_for(case.workflow_version)
    return engine.state_load(case.state, case.workflow_version), model


@transaction.atomic
def case_task_complete(
    *,
    case: Case,
    version: int,
    task_id: str,
    value: str,
    text: str,
    actor,
    values: dict | None = None,
) -> Case:
    """Finish the task ``task_id`` the way the button ``value`` says, with ``text``
    (a question, a motivation or a note) as the button asks; ``values`` go to the
    actions that follow (``apply_correction``'s ``item`` and ``corrected``)."""
    case = _locked(case, version)
    choice = next((c for c in choices_for(case) if c.task_id == task_id and c.value == value), None)
    if choice is None:
        raise TaskNotOffered(_("This step is not open now. Look at the case again."))
    text = (text or "").strip()
    if choice.required and not text:
        raise ValidationError({"text": _("Fill this in: %(what)s") % {"what": choice.asks}})
    workflow, model = _workflow_of(case)
    task = next((t for t in engine.user_tasks(workflow) if t.task_spec.bpmn_id == task_id), None)
    if task is None:
        raise TaskNotOffered(_("This step is not open now. Look at the case again."))
    task.data.update({"decision": value, "message": text})
    task.run()
    event_add(
        case,
        kind=CaseEvent.Kind.TASK,
        actor=actor,
        text=text,
        data={"task": task_id, "task_label": choice.task_label, "choice": choice.label},
    )
    if case.status == Case.Status.RECEIVED:
        status_set(case, Case.Status.IN_PROGRESS, actor=actor)
    if case.assignee_id is None:
        case.assignee = actor
    _advance(case, workflow, model, actor, values)
    _save(case)
    return case


def _resume_after_answer(case: Case, actor) -> None:
    workflow, model = _workflow_of(case)
    for task in engine.waiting_service_tasks(workflow):
        if model.service_calls[task.task_spec.bpmn_id].topic == "request_information":
            task.run()
    if case.paused_since is not None:
        paused = timezone.now() - case.paused_since
        case.due_on += datetime.timedelta(days=math.ceil(paused.total_seconds() / 86400))
        case.paused_since = None
    status_set(case, Case.Status.IN_PROGRESS, actor=actor)
    _advance(case, workflow, model, actor)


ANSWER_MAX_LENGTH = 5000


@transaction.atomic
def information_answer(
    *, request: InformationRequest, answer: str, files, user
) -> InformationRequest:
    """The applicant's answer to a request for information, with files (checked
    uploads); the case goes on, and its deadline moves by the days it waited."""
    case = _locked(Case(pk=request.case_id), None)  # not request.case: one read, the locked one
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_at is not None:
        raise ValidationError({"answer": _("You answered this question already.")})
    if request.withdrawn_at is not None:
        raise ValidationError({"answer": _("The municipality no longer needs this answer.")})
    answer = (answer or "").strip()
    if not answer and not files:
        raise ValidationError({"answer": _("Write an answer or add a file.")})
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {"answer": _("Keep it under %(n)d characters.") % {"n": ANSWER_MAX_LENGTH}}
        )
    request.answer, request.answered_by, request.answered_at = answer, user, timezone.now()
    request.save(update_fields=["answer", "answered_by", "answered_at"])
    names = [_file_store(case, upload, user=user, request=request).name for upload in files]
    event_add(
        case,
        kind=CaseEvent.Kind.INFORMATION_GIVEN,
        actor=user,
        text=answer,
        public=True,
        data={"request": str(request.uuid), "files": names},
    )
    if case.is_open:
        _resume_after_answer(case, user)
    _save(case)
    return request


def _file_store(case: Case, upload, *, user, request=None, from_applicant=True) -> CaseFile:
    stored = upload_store(upload, folder=f"cases/{case.uuid}")
    return CaseFile.objects.create(
        case=case,
        information_request=request,
        name=stored["name"],
        kind=stored["content_type"],
        size=stored["size"],
        path=stored["path"],
        from_applicant=from_applicant,
        uploaded_by=user,
    )


def last_step_undoable(case: Case) -> bool:
    """Whether staff can take back the last step of ``case``: it is open and a task
    was done on it since it was opened."""
    return case.is_open and case.events.filter(kind=CaseEvent.Kind.TASK).exists()


@transaction.atomic
def case_step_undo(*, case: Case, version: int, reason: str, actor) -> Case:
    """Take back the last step done on ``case`` (a button pressed by mistake): the
    workflow goes back to that task, a question it led to is withdrawn, and the status
    goes back with a public line marked as a *correction*, with ``reason``, so the
    applicant reads it as a correction, not as progress. A closed case's decision is
    final: correcting it is a new case (an appeal)."""
    case = _locked(case, version)
    reason = _text(reason, "reason")
    last = case.events.filter(kind=CaseEvent.Kind.TASK).order_by("-at", "-id").first()
    if not case.is_open or last is None:
        raise TaskNotOffered(_("There is no step to take back on this case."))
    workflow, model = _workflow_of(case)
    done = [
        t
        for t in workflow.get_tasks(state=engine.TaskState.COMPLETED)
        if t.task_spec.bpmn_id == last.data.get("task")
    ]
    if not done:
        raise TaskNotOffered(_("There is no step to take back on this case."))
    task = max(done, key=lambda t: t.last_state_change)
    workflow.reset_from_task_id(task.id)
    # The engine keeps the timers of the branch it removed among its waiting events;
    # a round trip through the stored state rebuilds them from the tasks that remain.
    workflow = engine.state_load(engine.state_dump(workflow), case.workflow_version)
    for question in case.information_requests.filter(answered_at=None, withdrawn_at=None):
        question.withdrawn_at = timezone.now()
        question.save(update_fields=["withdrawn_at"])
    if case.paused_since is not None:
        case.paused_since = None
    previous = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS, at__lt=last.at)
    earlier = previous.order_by("-at", "-id").values_list("status", flat=True).first()
    status_set(case, earlier or Case.Status.RECEIVED, actor=actor, correction=True, text=reason)
    _advance(case, workflow, model, actor)
    _save(case)
    return case


# ---------------------------------------------------------------- staff's other work

NOTE_MAX_LENGTH = 5000


def _text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Write something first.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep it under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}}
        )
    return text


@transaction.atomic
def case_note_add(*, case: Case, text: str, actor) -> CaseEvent:
    """An internal note: for staff only, never shown to the applicant."""
    return event_add(case, kind=CaseEvent.Kind.NOTE, actor=actor, text=_text(text))


@transaction.atomic
def case_message_send(*, case: Case, text: str, actor) -> CaseEvent:
    """A message to the applicant: on Mijn zaken, and by their channel through the outbox."""
    text = _text(text)
    entry = event_add(case, kind=CaseEvent.Kind.MESSAGE, actor=actor, text=text, public=True)
    applicant_message(
        case,
        template="case-message",
        context={"text": text, "link": case_link(case)},
        key=f"case-{case.uuid}-message-{entry.pk}",
        sent_by=actor,
    )
    return entry


@transaction.atomic
def case_reply_add(*, case: Case, text: str, user) -> CaseEvent:
    """A message from the applicant about their case."""
    return event_add(case, kind=CaseEvent.Kind.REPLY, actor=user, text=_text(text), public=True)


@transaction.atomic
def cases_assign(*, cases, assignee, actor) -> int:
    """Give the open ``cases`` (already scoped to what ``actor`` may see, each with the
    ``version`` the list showed) to ``assignee`` (None: to nobody); how many changed.
    All or none: when one of them closed or changed since it was read, checked under
    the rows' locks, nothing changes and CaseChanged says so."""
    expected = {case.pk: case.version for case in cases}
    locked = list(
        Case.objects.select_for_update().filter(pk__in=list(expected), is_open=True).order_by("pk")
    )
    if len(locked) != len(expected) or any(c.version != expected[c.pk] for c in locked):
        raise CaseChanged(
            _("A ticked case closed or changed meanwhile. Nothing was changed: look again.")
        )
    changed = 0
    for case in locked:
        if case.assignee_id == (assignee.pk if assignee else None):
            continue
        if (
            assignee is not None
            and assignee.department_id != case.department_id
            and not assignee.is_superuser
        ):
            raise ValidationError(
                {
                    "assignee": _("%(name)s does not work in the department of this case.")
                    % {"name": assignee.get_full_name() or assignee.get_username()}
                }
            )
        case.assignee = assignee
        event_add(
            case,
            kind=CaseEvent.Kind.ASSIGNED,
            actor=actor,
            data={"assignee": assignee.pk if assignee else None},
        )
        _save(case)
        changed += 1
    return changed


def case_data_viewed(*, case: Case, actor, purpose: str) -> None:
    """Record that ``actor`` looked at the submitted data of ``case``: in the
    applicant's access log and in the case's timeline. Part of the view's transaction."""
    from townhall.registry.services import access_log_record

    if case.applicant_person_id is not None:
        access_log_record(actor=actor, person=case.applicant_person, action="view", purpose=purpose)
    event_add(case, kind=CaseEvent.Kind.VIEWED, actor=actor)


# How many cases one sweep wakes at most (the next sweep takes the rest).
TIMER_BATCH = 500


def case_timers_run(*, now=None) -> int:
    """Fire the timers that are due (reminders, deadlines of the models): each case in
    its own transaction, locked; how many cases moved on. The ``case_timers`` command
    runs it every minute."""
    now = now or timezone.now()
    due = list(
        Case.objects.filter(is_open=True, wakes_at__lte=now)
        .order_by("wakes_at")
        .values_list("pk", flat=True)[:TIMER_BATCH]
    )
    moved = 0
    for pk in due:
        with transaction.atomic(durable=True):
            case = _for_update().filter(pk=pk, is_open=True, wakes_at__lte=now).first()
            if case is None:  # someone acted on it meanwhile
                continue
            workflow, model = _workflow_of(case)
            workflow.refresh_timers()
            _advance(case, workflow, model, None)
            _save(case)
            moved += 1
    return moved
