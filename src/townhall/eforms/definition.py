"""A form definition: its JSON checked against the shipped schema, then for meaning.

1. :func:`definition_problems` validates the JSON against
   ``schema/form-definition.schema.json`` (``jsonschema``); each problem names
   the path of the error (``$.steps[1].fields[0].type: 'colour' is not one of ...``).
2. A definition that fits the schema is checked for meaning: unique keys, rules
   that name fields, steps and variables that exist, JsonLogic that is safe
   (:mod:`townhall.eforms.logic`), prefill attributes the prefill catalogue knows,
   valid ``autocomplete`` tokens.
3. The rules are ordered by what feeds what (:func:`rule_order`): a rule that
   sets a variable runs before every rule that reads it. A cycle is refused,
   naming the rules and the variables in it.
4. :class:`Definition` gives the parts of a checked definition to the rest of the app.
"""

import json
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from townhall.eforms.autocomplete import is_valid_token
from townhall.eforms.logic import expression_problems, variables_read
from townhall.registry.models import Organisation, Person
from townhall.registry.prefill import known_attribute_names

SCHEMA_PATH = Path(__file__).parent / "schema" / "form-definition.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
MAX_PROBLEMS = 25


class DefinitionError(ValueError):
    """A definition that cannot be saved; ``problems`` lists each reason with its path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def schema_problems(definition) -> list[str]:
    problems = []
    for error in sorted(VALIDATOR.iter_errors(definition), key=lambda e: list(map(str, e.path))):
        precise = best_match([error]) if error.context else error
        problems.append(f"{precise.json_path}: {precise.message[:300]}")
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def definition_problems(definition) -> list[str]:
    """Every reason ``definition`` cannot be saved (empty when it can)."""
    problems = schema_problems(definition)
    if problems:
        return problems
    problems = _meaning_problems(Definition(definition))
    if not problems:
        try:
            rule_order(Definition(definition))
        except DefinitionError as error:
            problems = error.problems
    return problems[:MAX_PROBLEMS]


def _meaning_problems(d: "Definition") -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for path, key in d.named_things():
        if key in seen:
            problems.append(f"{path}: the key {key!r} is already used at {seen[key]}.")
        seen.setdefault(key, path)
    kind = Organisation if d.raw.get("prefill_subject") == "organisation" else Person
    known = set(known_attribute_names(kind))
    for path, field in d.all_fields():
        if "prefill" in field and field["prefill"] not in known:
            problems.append(
                f"{path}.prefill: the prefill catalogue has no attribute "
                f"{field['prefill'][:100]!r}."
            )
        if "autocomplete" in field and not is_valid_token(field["autocomplete"]):
            problems.append(
                f"{path}.autocomplete: {field['autocomplete']!r} is not an HTML autocomplete token."
            )
        if field["type"] == "group" and any(
            sub["type"] in ("group", "file") for sub in field["fields"]
        ):
            problems.append(f"{path}.fields: a repeatable group holds no group or file upload.")
    steps, variables = {s["key"] for s in d.steps}, set(d.variable_keys)
    for index, rule in enumerate(d.rules):
        where = f"$.rules[{index}]"
        problems += expression_problems(rule["if"], where=f"{where}.if")
        for number, action in enumerate(rule["then"]):
            at = f"{where}.then[{number}]"
            if "field" in action and action["field"] not in d.fields_by_key:
                problems.append(f"{at}.field: no field {action['field']!r} in this form.")
            if "step" in action and action["step"] not in steps:
                problems.append(f"{at}.step: no step {action['step']!r} in this form.")
            if action["action"] == "set":
                if action["variable"] not in variables:
                    problems.append(
                        f"{at}.variable: no variable {action['variable']!r} in this form."
                    )
                problems += expression_problems(action["value"], where=f"{at}.value")
        for name in sorted(d.rule_reads(rule) - variables):
            problems.append(f"{where}: reads {name!r}, which is no variable of this form.")
    return problems


def rule_order(d: "Definition") -> list[str]:
    """The keys of the rules, each after the rules that set what it reads."""
    writers: dict[str, list[str]] = {}
    for rule in d.rules:
        for name in d.rule_writes(rule):
            writers.setdefault(name, []).append(rule["key"])
    sorter = TopologicalSorter()
    feeds: dict[tuple[str, str], str] = {}
    for rule in d.rules:
        sorter.add(rule["key"])
        for name in sorted(d.rule_reads(rule)):
            for writer in writers.get(name, []):
                sorter.add(rule["key"], writer)
                feeds[(writer, rule["key"])] = name
    try:
        return list(sorter.static_order())
    except CycleError as error:
        cycle = error.args[1]  # [a, b, ..., a]
        steps = [
            f"rule {a!r} sets {feeds[(a, b)]!r}, which rule {b!r} reads" for a, b in pairwise(cycle)
        ]
        raise DefinitionError(
            [f"$.rules: circular rules ({' -> '.join(cycle)}): " + "; ".join(steps) + "."]
        ) from None


class Definition:
    """A definition's parts by key (the JSON fits the schema)."""

    def __init__(self, raw: dict):
        self.raw = raw

    @property
    def steps(self) -> list[dict]:
        return self.raw["steps"]

    @property
    def rules(self) -> list[dict]:
        return self.raw.get("rules", [])

    @property
    def variables(self) -> list[dict]:
        return self.raw.get("variables", [])

    @cached_property
    def fields_by_key(self) -> dict[str, dict]:
        return {field["key"]: field for step in self.steps for field in step["fields"]}

    @cached_property
    def step_of_field(self) -> dict[str, str]:
        return {field["key"]: step["key"] for step in self.steps for field in step["fields"]}

    @cached_property
    def variable_keys(self) -> list[str]:
        return [*self.fields_by_key, *(v["key"] for v in self.variables)]

    def all_fields(self):
        for s, step in enumerate(self.steps):
            for f, field in enumerate(step["fields"]):
                yield f"$.steps[{s}].fields[{f}]", field
                for g, sub in enumerate(field.get("fields", [])):
                    yield f"$.steps[{s}].fields[{f}].fields[{g}]", sub

    def named_things(self):
        for s, step in enumerate(self.steps):
            yield f"$.steps[{s}].key", f"step:{step['key']}"
            for f, field in enumerate(step["fields"]):
                yield f"$.steps[{s}].fields[{f}].key", field["key"]
        for v, variable in enumerate(self.variables):
            yield f"$.variables[{v}].key", variable["key"]
        for r, rule in enumerate(self.rules):
            yield f"$.rules[{r}].key", f"rule:{rule['key']}"

    @staticmethod
    def rule_reads(rule: dict) -> set[str]:
        reads = variables_read(rule["if"])
        for action in rule["then"]:
            if action["action"] == "set":
                reads |= variables_read(action["value"])
        return reads

    @staticmethod
    def rule_writes(rule: dict) -> set[str]:
        return {a["variable"] for a in rule["then"] if a["action"] == "set"}

    @cached_property
    def ordered_rules(self) -> list[dict]:
        by_key = {rule["key"]: rule for rule in self.rules}
        return [by_key[key] for key in rule_order(self)]
