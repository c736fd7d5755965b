"""The actions a workflow's service tasks call: one plugin registry.

A service task names its action with ``camunda:topic`` (as Camunda Modeler
writes it for an external task) and gives it parameters with
``camunda:inputParameter``. On upload every service task must name a
registered action with parameters it accepts (:meth:`CaseAction.problems`);
while a case runs, :mod:`townhall.cases.services` calls :meth:`CaseAction.run`
inside the case's transaction. An action returns True when its task is done,
False when the case waits (a request for information waits for the answer).

Shipped: ``notify`` (tell the applicant the case moved on), ``request_information``
(ask the applicant for information or documents and wait), ``remind_applicant``
(send that question again: a timer's reminder), ``hand_over`` (to
another department), ``close`` (a decision: granted, refused, withdrawn, or
done for a report, with its motivation) and ``apply_correction`` (a correction
request: apply the value staff typed for an item the municipality keeps itself,
through the register's service, and mark the request handled). Generating a document
comes with the documents app.
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from townhall.cases.models import Case, CaseEvent, InformationRequest
from townhall.cases.notify import applicant_message, case_link
from townhall.cases.timeline import event_add, status_set
from townhall.languages import interface_language
from townhall.municipality.models import Department
from townhall.plugins import Registry, UnknownPlugin


@dataclass
class ActionRun:
    """One call of an action: the case, the task's parameters and data, who acts."""

    case: Case
    parameters: dict
    data: dict  # the task data: "decision", "message" (a question or a motivation)
    actor: object | None
    task_key: str  # the engine task's id: makes messages idempotent
    # What the staff member typed beside the button that is no part of the engine's
    # state (which is not encrypted): a corrected value of the register.
    values: dict = field(default_factory=dict)


class CaseAction(ABC):
    """An action a service task may call."""

    label = ""
    # Parameter name -> the values it accepts (None: any text); missing ones get defaults.
    parameters: dict[str, tuple[str, ...] | None] = {}
    required: tuple[str, ...] = ()
    # What the staff member types when they choose the flow leading here ("" for nothing).
    asks = ""

    def problems(self, parameters: dict) -> list[str]:
        """What is wrong with ``parameters`` for this action, in words for an administrator."""
        found = []
        for name in sorted(set(parameters) - set(self.parameters)):
            found.append(
                _("The action %(action)s has no parameter %(name)s.")
                % {"action": self.name, "name": name}
            )
        for name in self.required:
            if not parameters.get(name):
                found.append(
                    _("The action %(action)s needs the parameter %(name)s.")
                    % {"action": self.name, "name": name}
                )
        for name, allowed in self.parameters.items():
            value = parameters.get(name)
            if value and allowed is not None and value not in allowed:
                found.append(
                    _("The parameter %(name)s of %(action)s must be one of: %(allowed)s.")
                    % {"name": name, "action": self.name, "allowed": ", ".join(allowed)}
                )
        return found

    @abstractmethod
    def run(self, run: ActionRun) -> bool: ...


class UnknownAction(UnknownPlugin):
    pass


class ActionRegistry(Registry[CaseAction]):
    kind = "workflow action"
    base = CaseAction
    unknown_error = UnknownAction

    def entry_made(self, plugin, identifier):
        action = plugin()
        action.name = identifier
        return action


register = ActionRegistry()


def _product_title(case: Case) -> str:
    if case.product_id is None:
        return ""
    return case.product.text("title", interface_language(case.language))


def _date_for(case: Case, day) -> str:
    """``day`` as the applicant reads it: the month in words, in their language."""
    with override(interface_language(case.language)):
        return formats.date_format(day, "j F Y")


@register("notify")
class Notify(CaseAction):
    label = gettext_lazy("Tell the applicant the case moved on")
    parameters = {"status": tuple(Case.Status.values)}

    def run(self, run):
        if run.parameters.get("status"):
            status_set(run.case, run.parameters["status"], actor=run.actor)
        applicant_message(
            run.case,
            template="case-update",
            context={"product": _product_title(run.case), "link": case_link(run.case)},
            key=f"case-{run.case.uuid}-{run.task_key}",
            sent_by=run.actor,
        )
        return True


# How long an applicant has to answer a request for information, by default.
ANSWER_DAYS = 14


@register("request_information")
class RequestInformation(CaseAction):
    label = gettext_lazy("Ask the applicant for information or documents, and wait")
    parameters = {"days": None}
    asks = gettext_lazy("What do you ask the applicant?")

    def problems(self, parameters):
        found = super().problems(parameters)
        days = parameters.get("days")
        if days and (not days.isdigit() or not 1 <= int(days) <= 365):
            found.append(_("The parameter days must be a number of days from 1 to 365."))
        return found

    def run(self, run):
        case = run.case
        existing = case.information_requests.filter(answered_at=None, withdrawn_at=None).first()
        if existing is not None:
            return False  # still waiting for the answer to the question asked
        days = int(run.parameters.get("days") or ANSWER_DAYS)
        question = (run.data.get("message") or "").strip()
        before = timezone.localdate() + datetime.timedelta(days=days)
        request = InformationRequest.objects.create(
            case=case, question=question, asked_by=run.actor, answer_before=before
        )
        event_add(
            case,
            kind=CaseEvent.Kind.INFORMATION_ASKED,
            actor=run.actor,
            text=question,
            public=True,
            data={"request": str(request.uuid)},
        )
        status_set(case, Case.Status.WAITING, actor=run.actor)
        case.paused_since = timezone.now()
        applicant_message(
            case,
            template="document-request",
            context={"document": question, "deadline": _date_for(case, before)},
            key=f"case-{case.uuid}-information-{request.uuid}",
            sent_by=run.actor,
        )
        return False


@register("remind_applicant")
class RemindApplicant(CaseAction):
    label = gettext_lazy("Remind the applicant of the question they have not answered yet")

    def run(self, run):
        case = run.case
        request = (
            case.information_requests.filter(answered_at=None, withdrawn_at=None)
            .order_by("-asked_at")
            .first()
        )
        if request is None:
            return True
        event_add(
            case, kind=CaseEvent.Kind.MESSAGE, text=str(_("Reminder sent")), data={"reminder": True}
        )
        applicant_message(
            case,
            template="document-request",
            context={
                "document": request.question,
                "deadline": _date_for(case, request.answer_before),
            },
            key=f"case-{case.uuid}-reminder-{run.task_key}",
        )
        return True


@register("hand_over")
class HandOver(CaseAction):
    label = gettext_lazy("Hand the case over to another department")
    parameters = {"department": None}
    required = ("department",)

    def run(self, run):
        department = Department.objects.get(
            municipality=run.case.department.municipality, code=run.parameters["department"]
        )
        if department != run.case.department:
            run.case.department = department
            run.case.assignee = None
            event_add(
                run.case,
                kind=CaseEvent.Kind.ASSIGNED,
                actor=run.actor,
                data={"department": department.code},
            )
        return True


DECISIONS = ("granted", "refused", "withdrawn", "done")


@register("close")
class Close(CaseAction):
    label = gettext_lazy("Close the case with a decision, and tell the applicant")
    parameters = {"decision": DECISIONS}
    required = ("decision",)
    asks = gettext_lazy("Motivation (the applicant reads it)")

    def run(self, run):
        case = run.case
        decision = run.parameters["decision"]
        case.decision = decision
        case.motivation = (run.data.get("message") or "").strip()
        case.closed_at = timezone.now()
        case.is_open = False
        status_set(case, decision, actor=run.actor, text=case.motivation)
        applicant_message(
            case,
            template="decision",
            context={"product": _product_title(case) or case.reference},
            key=f"case-{case.uuid}-decision",
            sent_by=run.actor,
        )
        return True


@register("apply_correction")
class ApplyCorrection(CaseAction):
    """An item the municipality keeps itself gets the value typed beside the button,
    through the register's service; an authentic source's item is corrected in the
    national register by the population service, so the request is only marked handled."""

    label = gettext_lazy("Apply the correction to the register, or mark it handled")

    def run(self, run):
        from townhall.registry import corrections

        correction = run.case.correction_request
        if correction is None or not correction.is_open:
            return True
        if corrections.correction_typed_item(correction) is None:
            corrections.correction_request_handle(
                correction=correction, actor=run.actor, note=(run.data.get("message") or "")
            )
            return True
        if "corrected" not in run.values:
            raise ValidationError({"corrected": _("Fill in the corrected value.")})
        old, new = corrections.correction_request_apply(
            correction=correction,
            item_key=run.values.get("item", ""),
            value=run.values["corrected"],
            actor=run.actor,
            reference=run.case.reference,
        )
        with override(interface_language(run.case.language)):
            text = _("Corrected in the register: %(item)s was “%(old)s”, is now “%(new)s”.") % {
                "item": correction.item_label,
                "old": corrections.correction_value_shown(correction.item_key, old),
                "new": corrections.correction_value_shown(correction.item_key, new),
            }
        event_add(
            run.case,
            kind=CaseEvent.Kind.MESSAGE,
            actor=run.actor,
            text=text,
            public=True,
            data={"corrected": correction.item_key},
        )
        return True
