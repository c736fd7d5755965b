"""The rules of a form, evaluated on the server: what each step and field is now.

1. The values: the answers kept so far (by field key), prefilled values, and
   each user-defined variable at its initial value.
2. The rules run in the order of :attr:`Definition.ordered_rules` (what feeds
   what); a rule whose condition holds applies its actions: show, hide,
   require, set a variable, mark a step not applicable, block a step's "next".
3. A hidden field, and every field of a step that does not apply, is neither
   required nor kept: its value reads as None for the rules after it.
4. Nothing here raises on the data it meets (:func:`~townhall.eforms.logic.safe_evaluate`).
"""

from dataclasses import dataclass, field
from typing import Any

from townhall.eforms.definition import Definition
from townhall.eforms.logic import safe_evaluate, truthy
from townhall.eforms.text import text_in


@dataclass
class FieldState:
    visible: bool
    required: bool


@dataclass
class StepState:
    applicable: bool = True
    blocked: str = ""  # the message that says why "next" is blocked


@dataclass
class FormState:
    """Per step and field: visible, required, applicable, blocked; and the values."""

    fields: dict[str, FieldState]
    steps: dict[str, StepState]
    values: dict[str, Any] = field(default_factory=dict)

    def asks(self, key: str) -> bool:
        return self.fields[key].visible


def evaluate(version, data: dict) -> FormState:
    """The state of ``version``'s form for the answers ``data`` (by variable key).
    ``version`` is a FormVersion or a :class:`Definition`."""
    definition = version if isinstance(version, Definition) else version.parsed
    fields = {
        key: FieldState(visible=not spec.get("hidden", False), required=spec.get("required", False))
        for key, spec in definition.fields_by_key.items()
    }
    steps = {step["key"]: StepState() for step in definition.steps}
    values = {key: _json_safe(data.get(key)) for key in definition.fields_by_key}
    values.update({v["key"]: data.get(v["key"], v.get("initial")) for v in definition.variables})
    for rule in definition.ordered_rules:
        if not truthy(safe_evaluate(rule["if"], values)):
            continue
        for action in rule["then"]:
            kind = action["action"]
            if kind in ("show", "hide"):
                fields[action["field"]].visible = kind == "show"
                if kind == "hide":
                    values[action["field"]] = None
            elif kind == "require":
                fields[action["field"]].required = True
            elif kind == "set":
                values[action["variable"]] = _json_safe(safe_evaluate(action["value"], values))
            elif kind == "not_applicable":
                steps[action["step"]].applicable = False
            elif kind == "block":
                steps[action["step"]].blocked = text_in(action["message"])
    for key, state in fields.items():
        if not state.visible or not steps[definition.step_of_field[key]].applicable:
            state.visible = False
            state.required = False
            values[key] = None
    return FormState(fields=fields, steps=steps, values=values)


def _json_safe(value: Any) -> Any:
    """Only JSON's kinds of value reach the rules."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)
