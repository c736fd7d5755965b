"""A case's page for staff: what was asked, by whom, what the workflow waits for now,
and the buttons of its tasks; notes, messages with the applicant, its timeline.

1. The case is found through the department scoping rule (a staff member of
   another department gets 404, as for a case that does not exist).
2. Every GET (and every page shown again after a refused POST) shows the
   applicant's submitted data, so it writes the applicant's access log with
   the purpose the page serves ("handling case X"), without asking, and a
   "viewed" event on the case; the page sums those up per staff member (how
   often, when last) beside the timeline instead of listing every look in it.
3. Every change is one durable transaction around a service of
   :mod:`townhall.cases.services`, so its events go out when it commits.
4. The forms carry the case's ``version``: a form read before someone else
   acted is refused as "changed meanwhile" (409), with what was typed kept on
   the page; so is a step the workflow no longer offers. A text the button
   needs and did not get is asked again (400), nothing lost.
5. Reading needs ``cases.view_case``; acting needs ``cases.change_case``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.cases import services
from townhall.cases.models import Case
from townhall.cases.selectors import (
    case_file_for_staff,
    case_for_staff,
    case_timeline,
    case_viewers,
    deadline_state,
)
from townhall.documents.for_cases import case_document_for_staff, case_documents
from townhall.eforms.rules import evaluate
from townhall.eforms.summary import answers_summary
from townhall.registry.corrections import correction_typed_item

VIEW = "cases.view_case"
HANDLE = "cases.change_case"


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    task = forms.CharField(max_length=200, widget=forms.HiddenInput)
    value = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        max_length=services.NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )
    # A correction of an item the municipality keeps itself: the item and its right value
    # (the register's service checks both).
    item = forms.CharField(max_length=60, required=False, widget=forms.HiddenInput)
    corrected = forms.CharField(max_length=254, required=False, strip=True)


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _case_or_404(request, uuid) -> Case:
    case = case_for_staff(user=request.user, uuid=uuid)
    if case is None:
        raise Http404
    return case


def _labelled(events):
    labels = dict(Case.Status.choices)
    for event in events:
        event.status_label = labels.get(event.status, "") if event.kind == "status" else ""
    return events


def _page(request, case: Case, *, status=200, posted: dict | None = None, error: str = ""):
    """The case page; ``posted`` keeps what a refused form held, ``error`` says why."""
    with transaction.atomic(durable=True):
        services.case_data_viewed(
            case=case,
            actor=request.user,
            purpose=_("handling case %(reference)s") % {"reference": case.reference},
        )
    submission = case.submission
    summary = []
    if submission is not None:
        values = submission.answers["values"]
        definition = submission.version.parsed
        summary = answers_summary(definition, evaluate(definition, values), values)
    posted = posted or {}
    typed_item = correction_typed_item(case.correction_request)
    choices = [
        {
            "choice": choice,
            "text": posted.get("text", "") if posted.get("value") == choice.value else "",
            "error": posted.get("error", "") if posted.get("value") == choice.value else "",
            "corrected": posted.get("corrected", getattr(case.applicant_person, typed_item, ""))
            if typed_item and choice.applies_correction
            else None,
            "corrected_error": posted.get("corrected_error", ""),
        }
        for choice in services.choices_for(case)
    ]
    response = render(
        request,
        "backoffice/cases/case.html",
        {
            "case": case,
            "deadline": deadline_state(case, timezone.localdate()),
            "choices": choices,
            "may_act": request.user.has_perm(HANDLE),
            "summary": summary,
            "typed_item": typed_item,
            "timeline": _labelled(case_timeline(case=case)),
            "viewers": case_viewers(case=case),
            "files": list(case.files.order_by("uploaded_at")),
            "documents": case_documents(case=case),
            "questions": list(case.information_requests.order_by("asked_at")),
            "note_text": posted.get("note", ""),
            "undoable": services.last_step_undoable(case),
            "reason_text": posted.get("reason", ""),
            "message_text": posted.get("message", ""),
            "error": error,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(VIEW)
@require_GET
def case_detail(request, uuid):
    return _page(request, _case_or_404(request, uuid))


@staff_permission_required(HANDLE)
@require_POST
def case_step(request, uuid):
    """Do one of the steps the case page offers (a button of the current task)."""
    case = _case_or_404(request, uuid)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _page(request, case, status=400, error=_("This form was not complete. Try again."))
    data = form.cleaned_data
    posted = {"value": data["value"], "text": data["text"]}
    values = {}
    if "corrected" in request.POST:
        values = {"item": data["item"], "corrected": data["corrected"]}
        posted["corrected"] = data["corrected"]
    try:
        with transaction.atomic(durable=True):
            services.case_task_complete(
                case=case,
                version=data["version"],
                task_id=data["task"],
                value=data["value"],
                text=data["text"],
                actor=request.user,
                values=values,
            )
    except services.CaseChanged as changed:
        return _page(
            request, _case_or_404(request, uuid), status=409, posted=posted, error=str(changed)
        )
    except services.TaskNotOffered as refused:
        return _page(
            request,
            _case_or_404(request, uuid),
            status=409,
            posted=posted,
            error=refused.messages[0],
        )
    except ValidationError as invalid:
        errors = invalid.message_dict if hasattr(invalid, "error_dict") else {}
        if "corrected" in errors:
            posted["corrected_error"] = " ".join(errors["corrected"])
        else:
            posted["error"] = " ".join(invalid.messages)
        return _page(request, _case_or_404(request, uuid), status=400, posted=posted)
    messages.success(request, _("Done. The case is up to date."))
    return redirect("backoffice:case", case.uuid)


def _text_post(request, uuid, *, service, field: str, done: str):
    case = _case_or_404(request, uuid)
    form = TextForm(request.POST)
    text = request.POST.get("text", "")[: services.NOTE_MAX_LENGTH * 2]
    if not form.is_valid():
        return _page(
            request, case, status=400, posted={field: text}, error=" ".join(form.errors["text"])
        )
    try:
        with transaction.atomic(durable=True):
            service(case=case, text=form.cleaned_data["text"], actor=request.user)
    except ValidationError as invalid:
        return _page(
            request, case, status=400, posted={field: text}, error=" ".join(invalid.messages)
        )
    messages.success(request, done)
    return redirect("backoffice:case", case.uuid)


@staff_permission_required(HANDLE)
@require_POST
def case_note(request, uuid):
    """An internal note (never shown to the applicant)."""
    return _text_post(
        request, uuid, service=services.case_note_add, field="note", done=_("The note is added.")
    )


@staff_permission_required(HANDLE)
@require_POST
def case_message(request, uuid):
    """A message to the applicant (Mijn zaken, and their channel)."""
    return _text_post(
        request,
        uuid,
        service=services.case_message_send,
        field="message",
        done=_("The message is sent to the applicant."),
    )


@staff_permission_required(HANDLE)
@require_POST
def case_undo(request, uuid):
    """Take back the last step (a correction of the status, with its reason)."""
    case = _case_or_404(request, uuid)
    reason = request.POST.get("reason", "")[: services.NOTE_MAX_LENGTH * 2]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _page(request, case, status=400, error=_("This form was not complete. Try again."))
    try:
        with transaction.atomic(durable=True):
            services.case_step_undo(case=case, version=version, reason=reason, actor=request.user)
    except services.CaseChanged as changed:
        return _page(request, case, status=409, posted={"reason": reason}, error=str(changed))
    except ValidationError as invalid:
        return _page(
            request, case, status=400, posted={"reason": reason}, error=" ".join(invalid.messages)
        )
    messages.success(
        request, _("The last step is taken back. The applicant reads it as a correction.")
    )
    return redirect("backoffice:case", case.uuid)


@staff_permission_required(HANDLE)
@require_POST
def case_take(request, uuid):
    """Give the case to the staff member who presses the button."""
    case = _case_or_404(request, uuid)
    try:
        with transaction.atomic(durable=True):
            services.cases_assign(cases=[case], assignee=request.user, actor=request.user)
    except services.CaseChanged as changed:
        messages.error(request, str(changed))
        return redirect("backoffice:case", case.uuid)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("backoffice:case", case.uuid)
    messages.success(request, _("The case is yours now."))
    return redirect("backoffice:case", case.uuid)


def _download(request, case: Case, *, path: str, filename: str, content_type: str):
    """A file of ``case`` as an attachment, its look recorded as the case page records one
    (the applicant's access log and the case's looks)."""
    if not path or not default_storage.exists(path):
        raise Http404
    with transaction.atomic(durable=True):
        services.case_data_viewed(
            case=case,
            actor=request.user,
            purpose=_("handling case %(reference)s") % {"reference": case.reference},
        )
    response = FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_permission_required(VIEW)
@require_GET
def case_file(request, uuid, file_uuid):
    """A file the applicant sent, as an attachment (the applicant's access log records it)."""
    case = _case_or_404(request, uuid)
    stored = case_file_for_staff(case=case, uuid=file_uuid)
    if stored is None:
        raise Http404
    return _download(
        request, case, path=stored.path, filename=stored.name, content_type=stored.kind
    )


@staff_permission_required(VIEW)
@require_GET
def case_document(request, uuid, document_uuid):
    """A document issued for the case, as the sealed PDF (the holder's access log records
    it: the document holds their register data)."""
    case = _case_or_404(request, uuid)
    document = case_document_for_staff(case=case, uuid=document_uuid)
    if document is None:
        raise Http404
    return _download(
        request,
        case,
        path=document.path,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )
