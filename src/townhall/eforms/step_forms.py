"""The Django form of one step, built from the definition and the rule state.

1. Only the step's visible fields are built, each required when the rules say
   so; a hidden field has no input, so a forged value for it is never read.
2. A field the register already knows (:mod:`townhall.eforms.known_data`) has
   no input either: the page shows it read-only with its source.
3. A repeatable group shows its rows kept so far and one empty row; a row left
   empty is not kept.
4. :meth:`StepForm.clean` turns each field's cleaned parts into the JSON value
   of its type, putting a type's error (an address not in the register) on
   the first input of the field.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from townhall.eforms.fields import field_types
from townhall.eforms.text import text_in

GROUP_MAX_ROWS = 5


@dataclass
class Entry:
    """One field of the definition as the page shows it."""

    spec: dict
    label: str
    hint: str
    names: list[str] = field(default_factory=list)  # the Django field names of its inputs
    rows: list[list[str]] = field(default_factory=list)  # a group's names, per row
    known: Any = None  # a KnownValue
    kept_file: dict | None = None
    bound: list = field(default_factory=list)  # the BoundFields, for the template
    bound_rows: list = field(default_factory=list)
    required: bool = False


class StepForm(forms.Form):
    def __init__(self, *args, step: dict, state, kept: dict, known: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.step, self.state, self.kept, self.known = step, state, kept, known
        self.entries: list[Entry] = []
        initial = {}
        for spec in step["fields"]:
            key = spec["key"]
            if not state.fields[key].visible:
                continue
            entry = Entry(spec, text_in(spec["label"]), text_in(spec.get("hint")))
            self.entries.append(entry)
            if key in known:
                entry.known = known[key]
                continue
            kind = field_types[spec["type"]]
            required = state.fields[key].required
            if spec["type"] == "group":
                self._group(entry, required=required, initial=initial)
                continue
            if spec["type"] == "file" and isinstance(kept.get(key), dict):
                entry.kept_file = kept[key]
                required = False  # a file was given already; a new one replaces it
            for suffix, django_field in kind.form_fields(spec, required=required).items():
                name = key + suffix
                self.fields[name] = django_field
                entry.names.append(name)
            for suffix, value in kind.initial(kept.get(key), spec).items():
                if value is not None:
                    initial[key + suffix] = value
        self.initial = {**initial, **self.initial}
        for entry in self.entries:
            entry.bound = [self[name] for name in entry.names]
            entry.bound_rows = [[self[name] for name in row] for row in entry.rows]

    def _group(self, entry: Entry, *, required: bool, initial: dict) -> None:
        spec = entry.spec
        kept_rows = self.kept.get(spec["key"]) or []
        limit = spec.get("max_items", GROUP_MAX_ROWS)
        for index in range(min(len(kept_rows) + 1, limit)):
            names = []
            row = kept_rows[index] if index < len(kept_rows) else {}
            for sub in spec["fields"]:
                kind = field_types[sub["type"]]
                for suffix, django_field in kind.form_fields(sub, required=False).items():
                    name = f"{spec['key']}__{index}__{sub['key']}{suffix}"
                    django_field.label = f"{django_field.label} ({index + 1})"
                    self.fields[name] = django_field
                    names.append(name)
                for suffix, value in kind.initial(row.get(sub["key"]), sub).items():
                    if value is not None:
                        initial[f"{spec['key']}__{index}__{sub['key']}{suffix}"] = value
            entry.rows.append(names)
        entry.required = required

    def clean(self):
        cleaned = super().clean()
        self.values: dict[str, Any] = {}
        for entry in self.entries:
            key, spec = entry.spec["key"], entry.spec
            if entry.known is not None:
                self.values[key] = entry.known.value
            elif spec["type"] == "group":
                self.values[key] = self._group_value(entry, cleaned)
            elif any(name in self.errors for name in entry.names):
                continue
            else:
                parts = {name[len(key) :]: cleaned.get(name) for name in entry.names}
                try:
                    value = field_types[spec["type"]].value(parts, spec)
                except ValidationError as error:
                    self.add_error(entry.names[0], error)
                    continue
                if value is None and entry.kept_file:
                    value = entry.kept_file
                self.values[key] = value
        return cleaned

    def _group_value(self, entry: Entry, cleaned: dict) -> list | None:
        spec, rows = entry.spec, []
        for index, names in enumerate(entry.rows):
            if any(name in self.errors for name in names):
                continue
            prefix = f"{spec['key']}__{index}__"
            row = {}
            for sub in spec["fields"]:
                sub_names = [n for n in names if n.startswith(prefix + sub["key"])]
                parts = {n[len(prefix + sub["key"]) :]: cleaned.get(n) for n in sub_names}
                try:
                    value = field_types[sub["type"]].value(parts, sub)
                except ValidationError as error:
                    self.add_error(sub_names[0], error)
                    continue
                if value not in (None, False):
                    row[sub["key"]] = value
            if row:
                missing = [s for s in spec["fields"] if s.get("required") and s["key"] not in row]
                for sub in missing:
                    name = next(n for n in names if n.startswith(prefix + sub["key"]))
                    self.add_error(name, _("This field is required."))
                rows.append(row)
        if not rows and getattr(entry, "required", False) and entry.rows:
            self.add_error(entry.rows[0][0], _("Fill in at least one row."))
        return rows or None

    def describe_errors(self) -> None:
        """Tie each input to its hint and error (``aria-describedby``), after validation."""
        for name in self.fields:
            bound = self[name]
            described = []
            if bound.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                described.append(f"{bound.auto_id}_error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if described:
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_list(self) -> list[dict]:
        """The error summary: each error with the id of its input (none for the step's own)."""
        errors = [{"href": "", "message": message} for message in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            for message in bound.errors:
                errors.append(
                    {
                        "href": _input_id(bound),
                        "label": bound.label,
                        "message": message,
                    }
                )
        return errors


def _input_id(bound) -> str:
    """The id of a field's (first) input: a radio group links to its first choice."""
    widget = bound.field.widget
    if getattr(widget, "input_type", "") == "radio" or getattr(
        widget, "allow_multiple_selected", False
    ):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id
