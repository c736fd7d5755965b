"""The case inboxes in the back office: the department's cases and one's own, giving
cases to a colleague, exporting the list, and the department's figures.

1. The inboxes (``cases.view_case``) list the cases of the staff member's department
   (a superuser: every department's), or those given to them, through the one
   scoping rule (``cases.selectors``, ``municipality.scoping.for_department``).
   Filters, search and order come from GET parameters; what cannot be read is said
   above the list and left out. Pages are keyset pages of 50 on the inbox indexes.
2. Every applicant a page shows is a look at a person: the page writes one
   access-log row per person, in one insert, with the one purpose the inboxes
   serve ("handling the cases of the department", in the staff member's language),
   without asking, as a correction request's page does.
3. Ticking cases and choosing a colleague (``cases.change_case``) gives them through
   ``cases.services.cases_assign``; a case that is not the department's, that
   closed or changed since the list was read (its version) changes nothing at all.
4. The export (CSV streamed, or XLSX) holds the filtered list in its order, at most
   10,000 rows (the file says when it was cut); each person in it gets an ``export``
   row in the access log. Its name holds no personal data.
5. The dashboard shows, per product, open and overdue cases and how long the cases
   closed in the last 90 days took (median and 90th percentile).
"""

import csv
import io
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from townhall.accounts.roles import HANDLE_CASES, VIEW_CASES
from townhall.backoffice.case_inbox_forms import CaseAssignForm, InboxFilterForm
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.cases import selectors, services
from townhall.languages import INTERFACE
from townhall.registry.models import AccessLogEntry
from townhall.registry.services import access_log_record_many

LISTS = {"inbox": "backoffice:cases_inbox", "mine": "backoffice:cases_mine"}
CURSORS = ("older", "newer")
QUERY_KEPT_MAX = 2_000  # the list's address a form carries back
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language() -> str:
    return (translation.get_language() or INTERFACE[0])[:2]


def _purpose() -> str:
    # Stored in the language of the moment, as every purpose is.
    return _("Handling the cases of the department")


def _filter_form(request, *, mine: bool, colleagues) -> InboxFilterForm:
    return InboxFilterForm(
        request.GET,
        products=selectors.case_products_for(user=request.user),
        colleagues=colleagues,
        user=request.user,
        language=_language(),
        mine=mine,
    )


def _filter_query(params) -> str:
    """The list's parameters without its cursor: for the page links and the forms."""
    kept = params.copy()
    for name in CURSORS:
        kept.pop(name, None)
    return kept.urlencode()


def _dressed(cases, today, language: str) -> None:
    """What each row shows, worked out once: the product's title, the applicant's name,
    the deadline's state."""
    for case in cases:
        case.product_title = case.product.text("title", language) if case.product_id else ""
        if case.applicant_person_id:
            case.applicant_name = case.applicant_person.full_name
        elif case.applicant_organisation_id:
            case.applicant_name = case.applicant_organisation.name
        else:
            case.applicant_name = ""
        case.deadline_state = selectors.deadline_state(case, today)


def _inbox(request, *, mine: bool):
    user = request.user
    today = timezone.localdate()
    colleagues = selectors.case_assignees_for(user=user)
    form = _filter_form(request, mine=mine, colleagues=colleagues)
    filters = form.filters()
    found = selectors.case_inbox_page(
        user=user, filters=filters, params=request.GET, today=today, mine=mine
    )
    page = found.page
    access_log_record_many(
        actor=user,
        persons=[case.applicant_person for case in page if case.applicant_person_id],
        action=AccessLogEntry.Action.VIEW,
        purpose=_purpose(),
    )
    _dressed(page, today, _language())
    query = _filter_query(request.GET)
    link = f"?{query}&" if query else "?"
    response = render(
        request,
        "backoffice/cases/inbox.html",
        {
            "mine": mine,
            "list_name": "mine" if mine else "inbox",
            "form": form,
            "problems": form.problems(),
            "page": page,
            "too_many_names": found.too_many_names,
            "older_url": f"{link}older={quote(page.older)}" if page.older else "",
            "newer_url": f"{link}newer={quote(page.newer)}" if page.newer else "",
            "query": query,
            "export_max": selectors.EXPORT_MAX,
            "soon_days": selectors.SOON_DAYS,
            "may_assign": user.has_perm(HANDLE_CASES),
            "assign_form": CaseAssignForm(None, colleagues=colleagues),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required(VIEW_CASES)
def cases_inbox(request):
    """The cases of the staff member's department."""
    return _inbox(request, mine=False)


@staff_permission_required(VIEW_CASES)
def cases_mine(request):
    """The cases given to the staff member."""
    return _inbox(request, mine=True)


def _back_to_list(params):
    name = LISTS.get(params.get("list"), LISTS["inbox"])
    query = QueryDict(str(params.get("query", ""))[:QUERY_KEPT_MAX]).urlencode()
    return redirect(reverse(name) + (f"?{query}" if query else ""))


@staff_permission_required(HANDLE_CASES)
@require_POST
def cases_assign(request):
    """Give the ticked cases to a colleague (or to nobody), then back to the list; all
    of them or, when one is not as the list showed it, none."""
    form = CaseAssignForm(request.POST, colleagues=selectors.case_assignees_for(user=request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back_to_list(request.POST)
    versions = form.cleaned_data["versions"]
    found = selectors.cases_for_assignment(user=request.user, uuids=list(versions))
    unchanged = [key for key, version in versions.items() if key not in found]
    changed = [key for key, case in found.items() if case.version != versions[key]]
    if unchanged or changed:
        messages.error(
            request,
            ngettext(
                "%(n)d ticked case is not open in your department or changed since the list "
                "was shown. Nothing was changed: look at the list again.",
                "%(n)d ticked cases are not open in your department or changed since the list "
                "was shown. Nothing was changed: look at the list again.",
                len(unchanged) + len(changed),
            )
            % {"n": len(unchanged) + len(changed)},
        )
        return _back_to_list(request.POST)
    assignee = form.assignee_chosen()
    try:
        count = services.cases_assign(cases=found.values(), assignee=assignee, actor=request.user)
    except services.CaseChanged as error:  # between reading the list's rows and locking them
        messages.error(request, str(error))
        return _back_to_list(request.POST)
    except ValidationError as error:
        messages.error(request, " ".join([*error.messages, _("Nothing was changed.")]))
        return _back_to_list(request.POST)
    if assignee is None:
        text = ngettext(
            "%(n)d case goes back to the department.",
            "%(n)d cases go back to the department.",
            count,
        )
    else:
        text = ngettext("%(n)d case given to %(name)s.", "%(n)d cases given to %(name)s.", count)
    name = (assignee.get_full_name() or assignee.get_username()) if assignee else ""
    messages.success(request, text % {"n": count, "name": name})
    return _back_to_list(request.POST)


# ---------------------------------------------------------------- the export


def _cell(value):
    """A value as a spreadsheet takes it without running it: text that starts like a
    formula gets a quote first."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _export_lines(cases, cut: bool):
    yield [
        _("Reference"),
        _("Product"),
        _("Applicant"),
        _("Status"),
        _("Current task"),
        _("Assigned to"),
        _("Opened"),
        _("Deadline"),
        _("Closed"),
    ]
    for case in cases:
        assignee = case.assignee
        yield [
            _cell(value)
            for value in (
                case.reference,
                case.product_title,
                case.applicant_name,
                case.get_status_display(),
                case.task_label,
                (assignee.get_full_name() or assignee.get_username()) if assignee else "",
                timezone.localtime(case.opened_at).date(),
                case.due_on,
                timezone.localtime(case.closed_at).date() if case.closed_at else None,
            )
        ]
    if cut:
        yield [
            _("The list was cut at %(n)s rows: filter it to export the rest.")
            % {"n": selectors.EXPORT_MAX}
        ]


class _Echo:
    def write(self, value):
        return value


@staff_permission_required(VIEW_CASES)
def cases_export(request):
    """The list as the filters and order of the GET parameters give it, as CSV
    (``format=csv``, streamed) or XLSX; ``list=mine`` exports one's own cases."""
    user = request.user
    mine = request.GET.get("list") == "mine"
    kind = request.GET.get("format")
    if kind not in ("csv", "xlsx"):
        messages.error(request, _("Choose to export as CSV or as XLSX."))
        return redirect(reverse(LISTS["mine" if mine else "inbox"]))
    today = timezone.localdate()
    form = _filter_form(request, mine=mine, colleagues=selectors.case_assignees_for(user=user))
    cases, cut = selectors.case_export_rows(
        user=user, filters=form.filters(), today=today, mine=mine
    )
    access_log_record_many(
        actor=user,
        persons=[case.applicant_person for case in cases if case.applicant_person_id],
        action=AccessLogEntry.Action.EXPORT,
        purpose=_purpose(),
    )
    _dressed(cases, today, _language())
    department = getattr(user.department, "code", "") if user.department_id else ""
    name = "-".join(
        part for part in (slugify(_("cases")), department.replace("_", "-"), str(today)) if part
    )
    if kind == "csv":
        writer = csv.writer(_Echo())
        lines = (writer.writerow(line) for line in _export_lines(cases, cut))
        response = StreamingHttpResponse(
            _with_byte_order_mark(lines), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx(_export_lines(cases, cut)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


def _with_byte_order_mark(lines):
    # So that a spreadsheet opening the file reads its accents as UTF-8.
    yield "\ufeff"
    yield from lines


def _xlsx(lines) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the dashboard


@staff_permission_required(VIEW_CASES)
def cases_dashboard(request):
    """Per product of the department: open and overdue cases, and how long handling took."""
    language = _language()
    lines = selectors.case_dashboard(
        user=request.user, now=timezone.now(), today=timezone.localdate()
    )
    for line in lines:
        line.title = line.product.text("title", language) if line.product else ""
    return render(
        request,
        "backoffice/cases/dashboard.html",
        {"lines": lines, "days": selectors.DASHBOARD_DAYS},
    )
