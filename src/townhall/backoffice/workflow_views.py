"""The workflows in the back office: the models that say how each kind of case is handled.

1. The list (:func:`workflow_list`) and a workflow's page (:func:`workflow_detail`):
   its versions, who uploaded each when and why, the open cases per version, and
   each version's BPMN to download. Reading needs ``cases.view_workflow``.
2. "Upload a new version" (:func:`workflow_upload`, ``cases.add_workflowversion``)
   checks the model and its DMN tables (:mod:`townhall.cases.uploads`); a
   refused model shows every problem and saves nothing.
3. "Dry run" (:func:`workflow_version_dry_run`) runs a version on sample data and
   the buttons given, in memory (:mod:`townhall.cases.dry_run`), and shows the path.
4. "Move running cases" (:func:`workflow_migrate`, ``cases.add_workflowversion``)
   first tries every open case of an older version on the newest one and lists
   each outcome; a second button, after that list, moves those that can move
   (:mod:`townhall.cases.migration`).

The pages show no person: cases by their reference only.
"""

import json
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.accounts.roles import UPLOAD_WORKFLOW, VIEW_WORKFLOWS
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.cases import services, workflow_selectors
from townhall.cases.dry_run import dry_run
from townhall.cases.migration import cases_migrate
from townhall.cases.models import Workflow, WorkflowVersion
from townhall.cases.models_check import MAX_BYTES
from townhall.cases.uploads import workflow_version_upload

MAX_DMN_FILES = 10
TASK_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,199}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way); a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_DMN_FILES:
            raise ValidationError(_("Choose at most %(n)d decision tables.") % {"n": MAX_DMN_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _read(upload) -> bytes:
    """The file's bytes, refused when over the limit (read no further than it)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("This file is larger than 1 MB."))
    return upload.read(MAX_BYTES + 1)


class UploadForm(forms.Form):
    bpmn = forms.FileField(
        label=gettext_lazy("BPMN model"),
        help_text=gettext_lazy("The .bpmn file, as Camunda Modeler saves it (at most 1 MB)."),
    )
    dmn = MultipleFileField(
        label=gettext_lazy("Decision tables"),
        required=False,
        help_text=gettext_lazy("The .dmn files the model's business rule tasks use."),
    )
    note = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=300,
        help_text=gettext_lazy("One sentence for your colleagues, for example: a new question."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bpmn"].widget.attrs["accept"] = ".bpmn,.xml,application/xml,text/xml"
        self.fields["dmn"].widget.attrs["accept"] = ".dmn,.xml,application/xml,text/xml"

    def clean_bpmn(self):
        return _read(self.cleaned_data["bpmn"])

    def clean_dmn(self):
        return [_read(upload) for upload in self.cleaned_data["dmn"]]


class DryRunForm(forms.Form):
    data = forms.CharField(
        label=gettext_lazy("Sample data"),
        widget=forms.Textarea(attrs={"rows": 6, "lang": "zxx", "spellcheck": "false"}),
        max_length=10_000,
        initial="{}",
        help_text=gettext_lazy(
            'A JSON object with the answers the conditions read, for example {"age": 40}.'
        ),
    )
    choices = forms.CharField(
        label=gettext_lazy("Buttons, in order"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "The value of the button pressed at each task, separated by commas, "
            "for example: ask, granted. Write done for a task with only a Done button."
        ),
    )

    def clean_data(self):
        try:
            data = json.loads(self.cleaned_data["data"] or "{}")
        except ValueError as error:
            raise ValidationError(_("This is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise ValidationError(_('Write a JSON object, between { and }, such as {"age": 40}.'))
        return data

    def clean_choices(self):
        text = self.cleaned_data["choices"].strip()
        values = [v.strip() for v in text.split(",")] if text else []
        if len(values) > 200:
            raise ValidationError(_("Give at most 200 buttons."))
        if any(len(v) > 100 for v in values):
            raise ValidationError(_("A button's value is at most 100 characters."))
        return values


class MigrateForm(forms.Form):
    task_map = forms.CharField(
        label=gettext_lazy("Tasks that were removed"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "zxx", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One line per task of an older version that the newest version does not have: "
            "its id, =, and the id of the task of the newest version a case waiting there "
            "goes to. For example: review=check_request"
        ),
    )
    confirming = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_task_map(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["task_map"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            old, sep, new = (part.strip() for part in line.partition("="))
            if not sep or not TASK_ID.match(old) or not TASK_ID.match(new):
                raise ValidationError(
                    _("Line %(n)d: write the old task's id, =, and the new task's id.")
                    % {"n": number}
                )
            mapping[old] = new
        return mapping


@staff_permission_required(VIEW_WORKFLOWS)
def workflow_list(request):
    return render(
        request,
        "backoffice/workflows/list.html",
        {"rows": workflow_selectors.workflow_list_for_staff()},
    )


@staff_permission_required(VIEW_WORKFLOWS)
def workflow_detail(request, pk: int):
    workflow = get_object_or_404(Workflow.objects.select_related("product"), pk=pk)
    versions = workflow_selectors.workflow_versions_for_staff(workflow=workflow)
    return render(
        request,
        "backoffice/workflows/detail.html",
        {
            "workflow": workflow,
            "versions": versions,
            "on_older": sum(v.open_cases for v in versions[1:]),
            "may_upload": request.user.has_perm(UPLOAD_WORKFLOW),
        },
    )


@staff_permission_required(VIEW_WORKFLOWS)
def workflow_version_download(request, pk: int):
    version = get_object_or_404(WorkflowVersion.objects.select_related("workflow"), pk=pk)
    response = HttpResponse(version.bpmn, content_type="application/xml; charset=utf-8")
    name = f"{version.workflow.key}-v{version.number}.bpmn"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_permission_required(UPLOAD_WORKFLOW)
def workflow_upload(request, pk: int):
    workflow = get_object_or_404(Workflow, pk=pk)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version = workflow_version_upload(
                workflow=workflow,
                bpmn=form.cleaned_data["bpmn"],
                dmn_tables=form.cleaned_data["dmn"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            found = error.message_dict
            problems = found.pop("bpmn", [])
            for field, texts in found.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(
                request,
                _("Version %(number)d is saved: new cases start on it.")
                % {"number": version.number},
            )
            return redirect("backoffice:workflow", pk=workflow.pk)
    return render(
        request,
        "backoffice/workflows/upload.html",
        {"workflow": workflow, "form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@staff_permission_required(VIEW_WORKFLOWS)
def workflow_version_dry_run(request, pk: int):
    version = get_object_or_404(WorkflowVersion.objects.select_related("workflow"), pk=pk)
    form = DryRunForm(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = dry_run(
            version=version, data=form.cleaned_data["data"], choices=form.cleaned_data["choices"]
        )
    return render(
        request,
        "backoffice/workflows/dry_run.html",
        {"version": version, "workflow": version.workflow, "form": form, "result": result},
    )


@staff_permission_required(UPLOAD_WORKFLOW)
def workflow_migrate(request, pk: int):
    """Try the open cases of older versions on the newest; after the list, move them."""
    workflow = get_object_or_404(Workflow, pk=pk)
    newest = services.workflow_current(workflow)
    form = MigrateForm(request.POST if request.method == "POST" else None)
    outcomes, cases, total = None, [], 0
    if newest is not None:
        cases, total = workflow_selectors.cases_to_move(workflow=workflow, newest=newest)
    if request.method == "POST" and newest is not None and form.is_valid():
        moving = form.cleaned_data["confirming"]
        outcomes = cases_migrate(
            cases=cases,
            to_version=newest,
            task_map=form.cleaned_data["task_map"],
            dry_run=not moving,
            actor=request.user,
        )
        if moving:
            moved = sum(o.moved for o in outcomes)
            messages.success(
                request,
                _("%(moved)d of %(total)d cases were moved to version %(number)d.")
                % {"moved": moved, "total": len(outcomes), "number": newest.number},
            )
            return redirect("backoffice:workflow", pk=workflow.pk)
    return render(
        request,
        "backoffice/workflows/migrate.html",
        {
            "workflow": workflow,
            "newest": newest,
            "form": form,
            "waiting": total,
            "batch": len(cases),
            "outcomes": outcomes,
            "movable": sum(o.ok for o in outcomes or []),
        },
    )
