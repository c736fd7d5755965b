"""Mijn zaken (my cases): the resident follows each request the municipality handles.

1. The list (``mijn/zaken/``) holds the cases of the one the resident acts for
   now, by "My requests"'s rule (:mod:`townhall.eforms.viewer`, told in cases'
   columns by :func:`townhall.cases.selectors.cases_visible`): themselves, the
   organisation they represent, a mandate's grantor when the mandate covers
   following applications (another mandate gets a page that says so); an
   e-mail account sees only what it handed in. Newest first, 25 a page, one
   query a page. "My requests" (``mijn/aanvragen/``) was this page before and
   redirects here.
2. A case's page (``mijn/zaken/<uuid>/``) says the status in plain language,
   what it means and what happens next, the deadline, the decision when
   closed, the public timeline, the open question with a form to answer it
   (text and at most five PDF, JPEG or PNG files of 10 MB each), a form to
   write to the municipality, and the documents: the receipt, the sealed
   documents the municipality issued for the case (``.../documenten/<uuid>/``:
   a certificate, a permit, a decision letter) and the files the resident sent
   (``.../bestanden/<uuid>/``, for the applicant only).
3. A case or a file the resident may not see answers 404, never 403, so that
   nobody learns it exists. A form that is sent back keeps what was typed; a
   post that is too large says so and changes nothing; an accepted one
   redirects to the case's page with a message.
4. In an assisted session every look is written to the resident's access log
   in the staff member's name (:func:`~townhall.accounts.assisted.assisted_look_record`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.assisted import assisted_look_record
from townhall.accounts.models import Mandate
from townhall.cases import selectors
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import (
    ANSWER_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    case_reply_add,
    information_answer,
)
from townhall.documents.for_cases import case_document, case_documents
from townhall.eforms.uploads import CheckedFileField
from townhall.eforms.viewer import submission_viewer
from townhall.post_limits import BODY_TOO_LARGE, post_limits, post_refusal

PAGE = 25
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
ACCEPTED = ("application/pdf", "image/jpeg", "image/png")
# A body above this is refused before it is read: five files at the limit and the text.
MAX_BODY = MAX_FILES * MAX_FILE_SIZE + 1024 * 1024

Status = Case.Status

# Per status: what it means, and what happens next.
MEANINGS = {
    Status.RECEIVED: (
        gettext_lazy("The municipality has your request. Nobody has looked at it yet."),
        gettext_lazy(
            "A staff member checks your request. If something is missing, we ask you on this page."
        ),
    ),
    Status.IN_PROGRESS: (
        gettext_lazy("A staff member is handling your request."),
        gettext_lazy(
            "You hear from us when there is a decision. If we need something from you, "
            "we ask it on this page."
        ),
    ),
    Status.WAITING: (
        gettext_lazy("We need something from you before we can go on."),
        gettext_lazy(
            "Answer the question below. Until you answer, the time we have to decide stops."
        ),
    ),
    Status.GRANTED: (
        gettext_lazy("Your request was granted."),
        gettext_lazy("Read the decision below. You also get it by your usual channel."),
    ),
    Status.REFUSED: (
        gettext_lazy("Your request was refused."),
        gettext_lazy(
            "Read below why. Do you not agree? Write to us below and name your reference."
        ),
    ),
    Status.WITHDRAWN: (
        gettext_lazy("The request was withdrawn."),
        gettext_lazy("Nothing more happens with this request."),
    ),
    Status.DONE: (
        gettext_lazy("The municipality has finished handling your request."),
        gettext_lazy("Nothing more is needed from you."),
    ),
}

TIMELINE_TITLES = {
    CaseEvent.Kind.OPENED: gettext_lazy("Request received"),
    CaseEvent.Kind.MESSAGE: gettext_lazy("Message from the municipality"),
    CaseEvent.Kind.REPLY: gettext_lazy("Message to the municipality"),
    CaseEvent.Kind.INFORMATION_ASKED: gettext_lazy("The municipality asked for information"),
    CaseEvent.Kind.INFORMATION_GIVEN: gettext_lazy("Information sent"),
    CaseEvent.Kind.DOCUMENT: gettext_lazy("A document of the municipality"),
}
NOT_THIS_CASE = gettext_lazy("This question is not one of this case. Look at the page again.")


# ---------------------------------------------------------------- forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Up to ``max_files`` uploads, each checked by :class:`CheckedFileField` (its
    content, not its name); the list of accepted files."""

    def __init__(self, *, max_files: int, accept: tuple[str, ...], max_size: int, **kwargs):
        self.max_files = max_files
        self.one = CheckedFileField(accept=accept, max_size=max_size, required=False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(accept)}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Add at most %(n)d files; you chose %(chosen)d.")
                % {"n": self.max_files, "chosen": len(uploads)}
            )
        accepted, errors = [], []
        for upload in uploads:
            try:
                accepted.append(self.one.clean(upload))
            except ValidationError as error:
                name = str(getattr(upload, "name", "") or "")[:100]
                errors += [
                    _("%(name)s: %(problem)s") % {"name": name, "problem": m}
                    for m in error.messages
                ]
        if errors:
            raise ValidationError(errors)
        return accepted


class AnswerForm(forms.Form):
    """The answer to a question of the municipality: text, files, or both."""

    question = forms.UUIDField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = CheckedFilesField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy("At most 5 files: PDF, JPEG or PNG, each at most 10 MB."),
        max_files=MAX_FILES,
        accept=ACCEPTED,
        max_size=MAX_FILE_SIZE,
    )


class ReplyForm(forms.Form):
    """A message from the resident to the municipality about the case."""

    text = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


# ---------------------------------------------------------------- views


def _not_covered(request, template: str):
    """The page for a mandate that does not cover following the grantor's requests."""
    response = render(request, template, {"not_covered": True}, status=403)
    response["Cache-Control"] = "no-store"
    return response


def _covered(request) -> bool:
    acting = request.acting
    return acting.for_person is None or acting.allows(Mandate.Scope.CASES)


def case_title(case: Case, language: str) -> str:
    """What the case is about: the product's title in ``language``, or what kind it is."""
    if case.product_id is not None:
        return case.product.text("title", language)
    if case.correction_request_id is not None:
        return _("Correction of your data")
    return _("Request")


@login_required
@require_GET
def my_cases(request):
    """The cases of the one acted for, newest first, each with its status."""
    if not _covered(request):
        return _not_covered(request, "portal/my_cases.html")
    viewer = submission_viewer(request)
    page = selectors.case_page_for_resident(viewer=viewer, params=request.GET, size=PAGE)
    language = get_language()
    for case in page:
        case.title = case_title(case, language)
    if viewer.get("person") is not None:
        assisted_look_record(request, person=viewer["person"], what=_("My cases"))
    response = render(
        request,
        "portal/my_cases.html",
        {"page": page, "for_organisation": viewer.get("organisation")},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_requests(request):
    """My requests became Mijn zaken: the old address leads there for good."""
    return redirect("portal:my_cases", permanent=True)


def _case_or_404(request, case_uuid) -> tuple[Case, dict]:
    viewer = submission_viewer(request)
    case = selectors.case_for_resident(viewer=viewer, uuid=case_uuid)
    if case is None:
        raise Http404(_("There is no such case."))
    return case, viewer


def _too_large(request) -> str:
    """Why the POST is not taken in, or "" (as the form steps say it, eforms.views)."""
    refusal = post_refusal(request)
    if refusal == BODY_TOO_LARGE:
        return _("What you sent is too large. Send at most 5 files of at most 10 MB each.")
    if refusal:
        return _("What you sent is too large. Shorten your text or send fewer files.")
    return ""


def _errors_to(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _answer(request, case, form) -> bool:
    """Hand the answer to the service; whether it was taken."""
    if not form.is_valid():
        if "question" in form.errors:
            form.add_error(None, NOT_THIS_CASE)
        return False
    asked = case.information_requests.filter(uuid=form.cleaned_data["question"]).first()
    if asked is None:
        form.add_error(None, NOT_THIS_CASE)
        return False
    try:
        information_answer(
            request=asked,
            answer=form.cleaned_data["answer"],
            files=form.cleaned_data["files"],
            user=request.user,
        )
    except ValidationError as error:
        _errors_to(form, error)
        return False
    return True


def _reply(request, case, form) -> bool:
    if not form.is_valid():
        return False
    try:
        case_reply_add(case=case, text=form.cleaned_data["text"], user=request.user)
    except ValidationError as error:
        _errors_to(form, error)
        return False
    return True


def timeline_lines(events) -> list[dict]:
    """The public timeline as the resident reads it: a title per line, its text, and
    a correction of a status told apart from a step forward."""
    labels = dict(Status.choices)
    lines = []
    for event in events:
        if event.kind == CaseEvent.Kind.STATUS:
            status = labels.get(event.status, event.status)
            if event.data.get("correction"):
                title = _("Status corrected: %(status)s") % {"status": status}
            else:
                title = _("New status: %(status)s") % {"status": status}
        else:
            title = TIMELINE_TITLES.get(event.kind) or capfirst(event.get_kind_display())
        lines.append(
            {
                "at": event.at,
                "kind": event.kind,
                "title": str(title),
                "text": event.text,
                "files": event.data.get("files", []),
                "correction": bool(event.data.get("correction")),
            }
        )
    return lines


@post_limits(max_body=MAX_BODY, handled=True)
@login_required
@require_http_methods(["GET", "POST"])
def my_case(request, case_uuid):
    """One case: its status, timeline, open question, messages and documents."""
    if not _covered(request):
        return _not_covered(request, "portal/my_case.html")
    case, viewer = _case_or_404(request, case_uuid)
    question = selectors.case_open_question(case=case)
    answer_form = AnswerForm(initial={"question": question.uuid} if question else None)
    reply_form = ReplyForm()
    too_large, status = "", 200
    if request.method == "POST":
        too_large = _too_large(request)
        if too_large:
            status = 413
        elif request.POST.get("form") == "answer":
            answer_form = AnswerForm(request.POST, request.FILES)
            if _answer(request, case, answer_form):
                messages.success(request, _("Thank you. We received your answer."))
                return redirect("portal:my_case", case_uuid=case.uuid)
            status = 400
        else:
            reply_form = ReplyForm(request.POST)
            if _reply(request, case, reply_form):
                messages.success(
                    request, _("Thank you. Your message was sent to the municipality.")
                )
                return redirect("portal:my_case", case_uuid=case.uuid)
            status = 400
    if viewer.get("person") is not None:
        assisted_look_record(
            request,
            person=viewer["person"],
            what=_("Case %(reference)s") % {"reference": case.reference},
        )
    meaning, next_step = MEANINGS.get(case.status, ("", ""))
    response = render(
        request,
        "portal/my_case.html",
        {
            "case": case,
            "title": case_title(case, get_language()),
            "meaning": meaning,
            "next_step": next_step,
            "decision": dict(Status.choices).get(case.decision, "") if case.decision else "",
            "timeline": timeline_lines(selectors.case_timeline(case=case, public_only=True)),
            "question": question,
            "answer_form": answer_form,
            "reply_form": reply_form,
            "too_large": too_large,
            "files": selectors.case_files_of_applicant(case=case),
            "documents": case_documents(case=case),
            "max_file_size": filesizeformat(MAX_FILE_SIZE),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def my_case_document(request, case_uuid, document_uuid):
    """A sealed document the municipality issued for the case, as a PDF download: for
    whoever sees the case on Mijn zaken (the applicant, the one acting for them with a
    mandate that covers their requests); 404 for anyone else, for another case's
    document or a forged id, a revoked one, or one whose file is gone."""
    if not request.user.is_authenticated or not _covered(request):
        raise Http404(_("There is no such document."))
    case, viewer = _case_or_404(request, case_uuid)
    document = case_document(case=case, uuid=document_uuid)
    if document is None:
        raise Http404(_("There is no such document."))
    try:
        handle = default_storage.open(document.path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("There is no such document.")) from None
    if viewer.get("person") is not None:
        assisted_look_record(
            request,
            person=viewer["person"],
            what=_("Document %(number)s") % {"number": document.number},
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def my_case_file(request, case_uuid, file_uuid):
    """A file the applicant sent, as a download with its stored kind; 404 for anyone
    else (a visitor who is not signed in too: no sign-in page says the file is there),
    and for a file the storage no longer has."""
    if not request.user.is_authenticated or not _covered(request):
        raise Http404(_("There is no such file."))
    case, viewer = _case_or_404(request, case_uuid)
    found = selectors.case_file_for_resident(case=case, uuid=file_uuid)
    if found is None:
        raise Http404(_("There is no such file."))
    try:
        handle = default_storage.open(found.path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("There is no such file.")) from None
    if viewer.get("person") is not None:
        assisted_look_record(
            request,
            person=viewer["person"],
            what=_("Case %(reference)s") % {"reference": case.reference},
        )
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.kind
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
