"""The online forms in the back office: the list, a form's versions, one version with
its difference from the one before, the editor, and publishing a version.

1. The editor shows a definition's JSON in a text area (it works without
   JavaScript), with an outline of its steps, fields, variables and rules beside
   it, every problem with its path next to the part it is in, and a preview of each
   step built with the real step form and field template the resident gets.
2. Its buttons post the text back: "Check and preview" shows the above for what was
   typed; "Add a field", "Up", "Down" and "Remove" change the JSON on the server
   (:mod:`townhall.eforms.editing`) and show it again; none of them saves.
3. "Save as a new version" goes through ``eforms.services.form_version_create``:
   a new version, never a change to one that drafts or submissions use. Publishing
   it (``eforms.change_formversion``) makes new drafts start from it; drafts begun
   keep the version they started with.
4. With JavaScript, the outline and the preview follow the typing (debounced), from
   :func:`form_preview`, a POST that saves nothing (``backoffice/form-editor.js``).
5. "New form" (:func:`form_new`, ``eforms.add_formdefinition``) asks a title, the
   form's web address and, if it asks for one, the catalogue's product, then opens
   the editor on a skeleton of one step and the check step; nothing is published
   until a version is.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from townhall.accounts.roles import CREATE_FORM, EDIT_FORM, PUBLISH_FORM, VIEW_FORMS
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.catalog.models import Product
from townhall.eforms import editing, selectors, services
from townhall.eforms.definition import Definition, DefinitionError, definition_problems
from townhall.eforms.fields import field_types
from townhall.eforms.models import FormDefinition, FormVersion
from townhall.eforms.rules import evaluate
from townhall.eforms.step_forms import StepForm
from townhall.eforms.text import text_in

# What each field type is called in the editor's "Add a field" (the definition says the code).
FIELD_TYPE_LABELS = {
    "text": gettext_lazy("Text"),
    "long_text": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "date": gettext_lazy("Date"),
    "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Phone number"),
    "choice": gettext_lazy("One choice"),
    "multiple_choice": gettext_lazy("Several choices"),
    "yes_no": gettext_lazy("Yes or no"),
    "address": gettext_lazy("Address in the register"),
    "national_number": gettext_lazy("National register number"),
    "enterprise_number": gettext_lazy("Enterprise number"),
    "iban": gettext_lazy("Bank account (IBAN)"),
    "file": gettext_lazy("File upload"),
    "consent": gettext_lazy("Consent"),
    "group": gettext_lazy("Repeatable group"),
}
# The field buttons beside each field: move it by one place, or remove it (None).
MOVES = {"up": -1, "down": 1, "remove": None}
# A skeleton for a form without versions yet.
EMPTY = {
    "title": {"nl": "Nieuw formulier"},
    "steps": [
        {"key": "step_1", "title": {"nl": "Stap 1"}, "fields": []},
        {"key": "check", "title": {"nl": "Controleren"}, "check": True, "fields": []},
    ],
}


@staff_permission_required(VIEW_FORMS)
def form_list(request):
    return render(
        request, "backoffice/forms/forms.html", {"forms": selectors.form_list_for_staff()}
    )


class NewFormForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.CharField(
        label=gettext_lazy("Web address"),
        max_length=80,
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                gettext_lazy("Use only small letters, digits and hyphens, without spaces."),
            )
        ],
        help_text=gettext_lazy(
            "Small letters, digits and hyphens, for example bewonerskaart-parkeren. "
            "Residents see it in the address of the form; it cannot change later."
        ),
    )
    product = forms.ChoiceField(
        label=gettext_lazy("Product of the catalogue"),
        required=False,
        help_text=gettext_lazy(
            'The product whose "Ask online" button leads to this form once it is published.'
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = FormDefinition.objects.exclude(product_slug="").values("product_slug")
        products = Product.objects.filter(online=True).exclude(slug__in=taken).order_by("title")
        self.fields["product"].choices = [
            ("", _("None yet")),
            *products.values_list("slug", "title"),
        ]
        self.fields["slug"].widget.attrs.update({"lang": "zxx", "autocomplete": "off"})


@staff_permission_required(CREATE_FORM)
def form_new(request):
    """A new form: its title, address and product; then the editor for its first version."""
    form = NewFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.form_definition_create(
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                product_slug=form.cleaned_data["product"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The form is made. Write its first version and save it."))
            return redirect("backoffice:form_edit", pk=created.pk)
    return render(request, "backoffice/forms/new.html", {"form": form})


@staff_permission_required(VIEW_FORMS)
def form_versions(request, pk: int):
    form = get_object_or_404(FormDefinition, pk=pk)
    return render(
        request,
        "backoffice/forms/versions.html",
        {
            "form": form,
            "versions": selectors.form_versions_for_staff(form=form),
            "may_edit": request.user.has_perm(EDIT_FORM),
        },
    )


@staff_permission_required(VIEW_FORMS)
def form_version(request, pk: int):
    """One version: who made it, its outline, and what changed from the version before."""
    version = get_object_or_404(FormVersion.objects.select_related("form", "created_by"), pk=pk)
    previous = selectors.form_version_previous(version=version)
    return render(
        request,
        "backoffice/forms/version.html",
        {
            "version": version,
            "form": version.form,
            "previous": previous,
            "outline": editing.definition_outline(version.content),
            "diff": editing.version_diff(previous.content if previous else None, version.content),
            "may_edit": request.user.has_perm(EDIT_FORM),
            "may_publish": request.user.has_perm(PUBLISH_FORM) and not version.published,
        },
    )


@staff_permission_required(PUBLISH_FORM)
@require_POST
def form_version_publish(request, pk: int):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    if not version.published:
        services.form_version_publish(version=version)
        messages.success(
            request,
            _("Version %(number)s is published: new requests start from it.")
            % {"number": version.number},
        )
    return redirect("backoffice:form_version", pk=version.pk)


# --- The editor ----------------------------------------------------------------------


def _editor_state(text: str) -> dict:
    """What the editor shows for ``text``: the problems, the outline, the step previews."""
    content, problems = None, []
    try:
        content = editing.definition_parse(text)
    except DefinitionError as error:
        problems = error.problems
    else:
        problems = definition_problems(content)
    return {
        "text": text,
        "content": content,
        "problems": problems,
        "outline": editing.definition_outline(content, problems),
        "previews": _step_previews(content) if content is not None and not problems else [],
    }


def _step_previews(content: dict) -> list[dict]:
    """Each step as a resident first sees it: the rules evaluated for no answers yet."""
    definition = Definition(content)
    state = evaluate(definition, {})
    previews = []
    for number, step in enumerate(definition.steps, start=1):
        preview = {
            "number": number,
            "title": text_in(step["title"]),
            "intro": text_in(step.get("intro")),
            "check": bool(step.get("check")),
            "applicable": state.steps[step["key"]].applicable,
        }
        if not preview["check"]:
            form = StepForm(
                step=step, state=state, kept={}, known={}, auto_id=f"preview-{number}-%s"
            )
            form.describe_errors()
            preview["form"] = form
        previews.append(preview)
    return previews


def _structured(action: str, content: dict, post) -> dict:
    """The definition changed by a structured button (``add``, ``up:s:f``, ``down:s:f``,
    ``remove:s:f``); :class:`DefinitionError` when the change cannot be made."""
    if action == "add":
        step = post.get("step", "")
        if not step.isdigit() or len(step) > 3:
            raise DefinitionError(["$.steps: choose the step to add the field to."])
        return editing.field_add(
            content, step_index=int(step), field_type=post.get("field_type", "")[:50]
        )
    kind, _sep, where = action.partition(":")
    parts = where.split(":")
    if kind not in MOVES or len(parts) != 2 or not all(p.isdigit() and len(p) <= 3 for p in parts):
        raise DefinitionError(["$: that button does not name a field."])
    step_index, index = map(int, parts)
    if kind == "remove":
        return editing.field_remove(content, step_index=step_index, index=index)
    return editing.field_move(content, step_index=step_index, index=index, by=MOVES[kind])


def _latest(form: FormDefinition, number: str) -> FormVersion | None:
    versions = form.versions.order_by("-number")
    if number.isdigit() and len(number) <= 9:
        return versions.filter(number=int(number)).first() or versions.first()
    return versions.first()


@staff_permission_required(EDIT_FORM)
def form_edit(request, pk: int):
    """Edit a form's definition; saving makes a new version."""
    form = get_object_or_404(FormDefinition, pk=pk)
    if request.method != "POST":
        start = _latest(form, request.GET.get("van", ""))
        text = editing.definition_text(start.content if start else _skeleton(form))
        return _editor_page(request, form, _editor_state(text), start)
    text = request.POST.get("definition", "")
    action = request.POST.get("action", "preview")[:20]
    if action in ("preview", "save"):
        state = _editor_state(text)
        if action == "save" and state["content"] is not None and not state["problems"]:
            try:
                version = services.form_version_create(
                    form=form, content=state["content"], created_by=request.user
                )
            except DefinitionError as error:
                state["problems"] = error.problems
            else:
                messages.success(
                    request,
                    _("Version %(number)s is saved. It is used once it is published.")
                    % {"number": version.number},
                )
                return redirect("backoffice:form_version", pk=version.pk)
        return _editor_page(request, form, state, None, tried_save=action == "save")
    try:
        changed = _structured(action, editing.definition_parse(text), request.POST)
    except DefinitionError as error:
        state = _editor_state(text)
        state["problems"] = [*error.problems, *state["problems"]]
        state["outline"] = editing.definition_outline(state["content"], state["problems"])
        return _editor_page(request, form, state, None)
    return _editor_page(request, form, _editor_state(editing.definition_text(changed)), None)


def _skeleton(form: FormDefinition) -> dict:
    """The first version's starting point: the form's title, one step and the check step."""
    return {**EMPTY, "title": {"nl": form.title}}


def _field_types() -> list[tuple[str, str]]:
    return [(code, FIELD_TYPE_LABELS.get(code, code)) for code in field_types.identifiers()]


def _editor_page(request, form, state: dict, start, *, tried_save: bool = False):
    return render(
        request,
        "backoffice/forms/edit.html",
        {
            "form": form,
            "start": start,
            "tried_save": tried_save,
            "field_types": _field_types(),
            **state,
        },
    )


@staff_permission_required(EDIT_FORM)
@require_POST
def form_preview(request, pk: int):
    """The outline, problems and step previews for the posted text, as a fragment for
    the editor's script (``_editor_fragment.html``). Saves nothing."""
    form = get_object_or_404(FormDefinition, pk=pk)
    return render(
        request,
        "backoffice/forms/_editor_fragment.html",
        {
            "form": form,
            "field_types": _field_types(),
            **_editor_state(request.POST.get("definition", "")),
        },
    )
