"""Imports of the authentic sources, for staff (registerimport): start one, follow it, the history.

1. The imports page (``importers.view_importrun``) offers, per source the staff
   member may start (``townhall.importers.sources``), a form: upload a file, or
   choose one of the server files configured for it (``TOWNHALL_IMPORTS["PATHS"]``;
   a path that is not one of them is refused, whatever the POST says). Below it,
   the history of those sources' runs, newest first, in keyset pages, by source
   and status.
2. Starting (a POST of its own, with the upload limit of ``post_limits``) records
   a run waiting for the worker and opens its page; while another run of the
   source is active the form says which one (the database's lock decides).
3. A run's page shows its status, step, progress bar, counts per step, times,
   who started it, the error or notices, and a link to the rejected rows as CSV.
   While the run is active the page refreshes its progress section
   (``refresh-section.js``, every two seconds; a "Refresh" link without JavaScript).
   A run of a source the staff member may not start is not found (404).
4. The reject report is streamed (file, line, reason), however many rows.
"""

import csv
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from townhall.accounts.roles import VIEW_IMPORT_RUNS
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.importers import selectors
from townhall.importers.models import ImportRun
from townhall.importers.queued import configured_paths
from townhall.importers.reading import ImportAbort
from townhall.importers.services import import_start
from townhall.importers.sources import SOURCES, Source, source_label, sources_allowed
from townhall.post_limits import post_limits, post_refusal

# The body of a start: the file and a little form around it.
START_MAX_BODY = settings.TOWNHALL_IMPORTS["UPLOAD_MAX_BYTES"] + 1024 * 1024
OUTCOMES = ("created", "updated", "unchanged", "rejected")


class StartForm(forms.Form):
    """An import of one source: an uploaded file or one of its server files."""

    file = forms.FileField(label=gettext_lazy("File to import"), required=False)
    server_path = forms.ChoiceField(
        label=gettext_lazy("Or a file on the server"), required=False, choices=()
    )

    def __init__(self, *args, source: Source, **kwargs):
        super().__init__(*args, prefix=source.code, **kwargs)
        self.source = source
        limit = filesizeformat(settings.TOWNHALL_IMPORTS["UPLOAD_MAX_BYTES"])
        self.fields["file"].help_text = _("%(accepts)s At most %(limit)s.") % {
            "accepts": source.accepts,
            "limit": limit,
        }
        paths = configured_paths(source.code)
        if paths:
            self.fields["server_path"].choices = [("", _("(none: upload a file)"))] + [
                (path, path) for path in paths
            ]
        else:
            # Only an upload, then: the file is what the form asks (no "optional" label).
            del self.fields["server_path"]
            self.fields["file"].required = True
            self.fields["file"].error_messages["required"] = _("Choose the file to import.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.TOWNHALL_IMPORTS["UPLOAD_MAX_BYTES"]
        if upload and upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is %(limit)s. Nothing was imported.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("server_path")):
            raise forms.ValidationError(
                _("Choose a file to upload or one of the files on the server, not both.")
                if data.get("file")
                else _("Choose the file to import.")
            )
        return data


def _forms_for(user, *, bound: StartForm | None = None) -> list[StartForm]:
    return [
        bound
        if bound is not None and bound.source.code == source.code
        else StartForm(source=source)
        for source in sources_allowed(user)
    ]


def _imports_page(request, *, bound: StartForm | None = None, refusal: str = "", status=200):
    allowed = {source.code for source in sources_allowed(request.user)}
    source = str(request.GET.get("source", ""))
    source = source if source in allowed else ""
    state = str(request.GET.get("status", ""))
    state = state if state in selectors.STATUSES else ""
    page = selectors.run_page_for_staff(
        user=request.user, params=request.GET, source=source, status=state
    )
    for run in page:
        run.source_label = source_label(run.source)
    filters = {key: value for key, value in (("source", source), ("status", state)) if value}
    link = f"?{urlencode(filters)}&" if filters else "?"
    active = selectors.active_runs_for_staff(user=request.user)
    response = render(
        request,
        "backoffice/imports/list.html",
        {
            "forms": [
                (form, active.get(form.source.code))
                for form in _forms_for(request.user, bound=bound)
            ],
            "refusal": refusal,
            "has_errors": bound is not None,
            "page": page,
            "sources": sources_allowed(request.user),
            "statuses": ImportRun.Status.choices,
            "source": source,
            "state": state,
            "older_url": f"{link}older={quote(page.older)}" if page.older else "",
            "newer_url": f"{link}newer={quote(page.newer)}" if page.newer else "",
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(VIEW_IMPORT_RUNS)
@require_GET
def imports(request):
    """The imports the staff member may start, and the history of their runs."""
    return _imports_page(request)


@post_limits(max_body=START_MAX_BODY, handled=True)
@staff_permission_required(VIEW_IMPORT_RUNS)
@require_POST
def import_start_view(request):
    """Start an import (the form of one source), then open its run's page."""
    if post_refusal(request):
        limit = filesizeformat(settings.TOWNHALL_IMPORTS["UPLOAD_MAX_BYTES"])
        text = _(
            "The file is larger than %(limit)s: it was not taken in, and nothing was imported."
        )
        return _imports_page(request, refusal=text % {"limit": limit}, status=413)
    code = str(request.POST.get("source", ""))
    source = SOURCES.get(code)
    if source is None or source not in sources_allowed(request.user):
        raise Http404
    form = StartForm(request.POST, request.FILES, source=source)
    if form.is_valid():
        try:
            run = import_start(
                source=code,
                started_by=request.user,
                upload=form.cleaned_data.get("file") or None,
                server_path=form.cleaned_data.get("server_path") or "",
            )
        except ImportAbort as error:
            form.add_error(None, str(error))
        else:
            return redirect("backoffice:import_run", run.pk)
    return _imports_page(request, bound=form, status=400)


def _run_or_404(request, pk: int) -> ImportRun:
    run = selectors.run_for_staff(user=request.user, pk=pk)
    if run is None:
        raise Http404
    run.source_label = source_label(run.source)
    return run


# The importers' steps by the names they keep in a run (code, in English), as staff read them.
STEP_LABELS = {
    "addresses": gettext_lazy("addresses"),
    "enterprises": gettext_lazy("enterprises"),
    "establishments": gettext_lazy("establishment units"),
    "population": gettext_lazy("persons and households"),
    # The tables of a KBO monthly update, in the order they are applied.
    "enterprise": gettext_lazy("enterprises"),
    "establishment": gettext_lazy("establishment units"),
    "denomination": gettext_lazy("names"),
    "address": gettext_lazy("addresses"),
    "contact": gettext_lazy("contact details"),
    "activity": gettext_lazy("activities"),
    "branch": gettext_lazy("branches"),
}


def step_label(name: str) -> str:
    return str(STEP_LABELS.get(name, name))


def _step_rows(run: ImportRun) -> list[dict]:
    rows = []
    for name, counts in run.counts.items():
        skipped = counts.get("skipped") or {}
        rows.append(
            {
                "name": step_label(name),
                "read": counts.get("read", 0),
                **{outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
                "skipped": sum(skipped.values()),
                "skipped_reasons": sorted(skipped.items()),
            }
        )
    return rows


@staff_permission_required(VIEW_IMPORT_RUNS)
@require_GET
def import_run(request, pk: int):
    """One run: where it is, what it did, who started it."""
    run = _run_or_404(request, pk)
    steps = run.steps or ([run.step] if run.step else [])
    response = render(
        request,
        "backoffice/imports/run.html",
        {
            "run": run,
            "steps": _step_rows(run),
            "step_label": step_label(run.step) if run.step else "",
            "step_number": steps.index(run.step) + 1 if run.step in steps else 0,
            "step_count": len(steps),
            "percent": min(100, run.done * 100 // run.total) if run.total else 0,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _cell(value):
    """Text that starts like a formula gets a quote first, so a spreadsheet shows it
    rather than runs it (a rejected row's reason quotes the file's values)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for a streamed CSV."""

    def write(self, value):
        return value


@staff_permission_required(VIEW_IMPORT_RUNS)
@require_GET
def import_report(request, pk: int):
    """The run's rejected rows as CSV: file, line, reason; streamed."""
    run = _run_or_404(request, pk)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["file", "line", "reason"])
        for rejection in selectors.rejections_of(run):
            yield writer.writerow(
                [_cell(rejection.file_name), rejection.line, _cell(rejection.reason)]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-rejected.csv"'
    response["Cache-Control"] = "no-store"
    return response
