"""Editing a form definition as staff do in the back office: its JSON as text, a readable
outline, simple structured changes, and the difference between two versions.

1. :func:`definition_parse` reads the text a staff member typed into a dict, or raises
   :class:`~townhall.eforms.definition.DefinitionError` with a problem at ``$``: text
   that is no JSON, too large, too deep, or holds what no database keeps (NaN, a NUL
   character, half a surrogate pair). Its schema and meaning are checked on saving
   (:func:`~townhall.eforms.services.form_version_create`).
2. :func:`definition_outline` lists the steps, fields, variables and rules as a person
   reads them, each with the problems whose path points into it. It reads whatever
   the text holds and never raises: it is shown beside a definition that is still wrong.
3. :func:`field_add`, :func:`field_move` and :func:`field_remove` change a copy of the
   definition and return it, for the editor to show again (nothing is saved).
4. :func:`version_diff` lists the lines of the JSON that changed from one version to the next.
"""

import copy
import difflib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from townhall.eforms.definition import DefinitionError
from townhall.eforms.fields import field_types
from townhall.eforms.text import text_in

# A 100-field definition is about 30,000 characters; a tenfold margin.
MAX_TEXT = 300_000
# The schema nests a group's fields in a field of a step: JSON deeper than this is no form.
MAX_DEPTH = 40
DIFF_CONTEXT = 2
# Field types and the settings a new field of that type starts with.
NEW_FIELD_EXTRA = {
    "choice": {"choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    "multiple_choice": {"choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    "group": {"fields": [{"key": "item", "type": "text", "label": "Item"}]},
}


def _refuse_constant(name: str):
    raise ValueError(f"{name} is no JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:20]} is too large")
    return number


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return max((_depth(child, level + 1) for child in children), default=level)


def definition_parse(text: str) -> dict:
    """The definition in ``text``; :class:`DefinitionError` (path ``$``) when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise DefinitionError(["$: the definition is empty."])
    if len(text) > MAX_TEXT:
        raise DefinitionError(
            [f"$: the definition is {len(text):,} characters long; at most {MAX_TEXT:,}."]
        )
    if "\x00" in text or "\\u0000" in text:
        raise DefinitionError(["$: the definition holds a NUL character."])
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            [f"$: not JSON: {error.msg} (line {error.lineno}, column {error.colno})."]
        ) from None
    except (ValueError, RecursionError) as error:  # NaN, 1e999, 5,000 digits, [[[[...
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise DefinitionError([f"$: not JSON that can be kept: {reason}."]) from None
    if not isinstance(value, dict):
        raise DefinitionError([f"$: a definition is a JSON object, not {_kind(value)}."])
    if _depth(value) > MAX_DEPTH:
        raise DefinitionError([f"$: nested more than {MAX_DEPTH} levels deep."])
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise DefinitionError(["$: the definition holds half a surrogate pair."]) from None
    return value


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
        type(value), "a number"
    )


def definition_text(content: dict) -> str:
    """The definition as the editor shows it: indented, keys in the order written."""
    return json.dumps(content, ensure_ascii=False, indent=2)


# --- The outline -----------------------------------------------------------------


@dataclass
class OutlineField:
    path: str
    key: str
    type: str
    label: str
    required: bool
    hidden: bool
    prefill: str
    problems: list[str]
    step_index: int
    index: int
    last: bool


@dataclass
class OutlineStep:
    path: str
    index: int
    key: str
    title: str
    check: bool
    fields: list[OutlineField] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class OutlineRule:
    path: str
    key: str
    description: str
    actions: list[str]
    problems: list[str]


@dataclass
class Outline:
    steps: list[OutlineStep]
    variables: list[str]
    rules: list[OutlineRule]
    problems: list[str]  # those no part of the outline holds


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value[:200]
    if isinstance(value, dict):
        return _str(text_in(value)) if all(isinstance(v, str) for v in value.values()) else ""
    return ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _claim(problems: list[str], taken: set[int], prefix: str) -> list[str]:
    mine = []
    for number, problem in enumerate(problems):
        if number not in taken and (
            problem.startswith(prefix + ".") or problem.startswith(prefix + ":")
        ):
            taken.add(number)
            mine.append(problem)
    return mine


def definition_outline(content: Any, problems: list[str] = ()) -> Outline:
    """The parts of ``content`` as a readable list, each with the problems in it."""
    problems, taken = list(problems), set()
    raw = _dict(content)
    steps = []
    for s, step in enumerate(_list(raw.get("steps"))):
        step = _dict(step)
        path = f"$.steps[{s}]"
        fields = _list(step.get("fields"))
        outline_step = OutlineStep(
            path, s, _str(step.get("key")), _str(step.get("title")), bool(step.get("check"))
        )
        for f, spec in enumerate(fields):
            spec = _dict(spec)
            at = f"{path}.fields[{f}]"
            outline_step.fields.append(
                OutlineField(
                    path=at,
                    key=_str(spec.get("key")),
                    type=_str(spec.get("type")),
                    label=_str(spec.get("label")),
                    required=spec.get("required") is True,
                    hidden=spec.get("hidden") is True,
                    prefill=_str(spec.get("prefill")),
                    problems=_claim(problems, taken, at),
                    step_index=s,
                    index=f,
                    last=f == len(fields) - 1,
                )
            )
        outline_step.problems = _claim(problems, taken, path)
        steps.append(outline_step)
    rules = []
    for r, rule in enumerate(_list(raw.get("rules"))):
        rule = _dict(rule)
        at = f"$.rules[{r}]"
        rules.append(
            OutlineRule(
                path=at,
                key=_str(rule.get("key")),
                description=_str(rule.get("description")),
                actions=[_action_text(_dict(a)) for a in _list(rule.get("then"))],
                problems=_claim(problems, taken, at),
            )
        )
    variables = [_str(_dict(v).get("key")) for v in _list(raw.get("variables"))]
    rest = [p for number, p in enumerate(problems) if number not in taken]
    return Outline(steps=steps, variables=variables, rules=rules, problems=rest)


def _action_text(action: dict) -> str:
    kind = _str(action.get("action"))
    target = _str(action.get("field") or action.get("step") or action.get("variable"))
    return f"{kind} {target}".strip()


# --- Structured changes -------------------------------------------------------------


def _steps(content: dict) -> list:
    steps = content.get("steps") if isinstance(content, dict) else None
    if not isinstance(steps, list):
        raise DefinitionError(["$.steps: the definition has no list of steps."])
    return steps


def _fields_of(content: dict, step_index: int) -> list:
    steps = _steps(content)
    if not 0 <= step_index < len(steps) or not isinstance(steps[step_index], dict):
        raise DefinitionError([f"$.steps[{step_index}]: there is no such step."])
    fields = steps[step_index].get("fields")
    if not isinstance(fields, list):
        raise DefinitionError([f"$.steps[{step_index}].fields: the step has no list of fields."])
    return fields


def _unused_key(content: dict, base: str) -> str:
    used = {
        spec.get("key")
        for step in _steps(content)
        if isinstance(step, dict)
        for spec in _list(step.get("fields"))
        if isinstance(spec, dict)
    }
    number = 1
    while f"{base}_{number}" in used:
        number += 1
    return f"{base}_{number}"


def field_add(content: dict, *, step_index: int, field_type: str) -> dict:
    """A copy of ``content`` with a new field of ``field_type`` at the end of the step."""
    if field_type not in field_types.identifiers():
        raise DefinitionError([f"$: there is no field type {field_type[:50]!r}."])
    changed = copy.deepcopy(content)
    fields = _fields_of(changed, step_index)
    key = _unused_key(changed, field_type)
    fields.append(
        {
            "key": key,
            "type": field_type,
            "label": {"nl": key.replace("_", " ").capitalize()},
            **copy.deepcopy(NEW_FIELD_EXTRA.get(field_type, {})),
        }
    )
    return changed


def field_move(content: dict, *, step_index: int, index: int, by: int) -> dict:
    """A copy of ``content`` with the field moved ``by`` places (-1 up, 1 down) in its step."""
    changed = copy.deepcopy(content)
    fields = _fields_of(changed, step_index)
    target = index + by
    if not (0 <= index < len(fields) and 0 <= target < len(fields)):
        raise DefinitionError([f"$.steps[{step_index}].fields[{index}]: it cannot move there."])
    fields[index], fields[target] = fields[target], fields[index]
    return changed


def field_remove(content: dict, *, step_index: int, index: int) -> dict:
    """A copy of ``content`` without the field (rules that name it then show as problems)."""
    changed = copy.deepcopy(content)
    fields = _fields_of(changed, step_index)
    if not 0 <= index < len(fields):
        raise DefinitionError([f"$.steps[{step_index}].fields[{index}]: there is no such field."])
    del fields[index]
    return changed


# --- The difference between two versions ---------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same", "gap"
    text: str


def version_diff(before: dict | None, after: dict) -> list[DiffLine]:
    """The lines of ``after``'s JSON that differ from ``before``'s, with two lines around each."""
    old = definition_text(before).splitlines() if before is not None else []
    new = definition_text(after).splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(
        DIFF_CONTEXT
    ):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", text) for text in old[i1:i2]]
                continue
            lines += [DiffLine("removed", text) for text in old[i1:i2]]
            lines += [DiffLine("added", text) for text in new[j1:j2]]
    return lines
