"""JsonLogic, guarded: what a rule may say, what it reads, and its safe evaluation.

The evaluator (``json-logic-qubit``, imported as ``json_logic``) runs whatever
operator it knows, including ``method``, which calls any method of any value.
A definition is therefore checked when it is saved (:func:`expression_problems`):
only the operators of :data:`ALLOWED_OPERATORS`, at most :data:`MAX_DEPTH`
levels deep, :data:`MAX_NODES` nodes and :data:`MAX_ARRAY` items per array, and
every ``var`` names a literal variable, so what a rule reads is known before it
runs. :func:`safe_evaluate` never raises: an expression that fails on the
data it meets counts as "no value" (the rule does not fire).
"""

import logging
from collections.abc import Iterator
from typing import Any

from json_logic import jsonLogic

logger = logging.getLogger(__name__)

MAX_DEPTH = 20
MAX_NODES = 2000
MAX_ARRAY = 200

# The core JsonLogic operators, without "method" (calls any Python method) and "log".
ALLOWED_OPERATORS = frozenset(
    {
        "==", "===", "!=", "!==", ">", ">=", "<", "<=", "!!", "!", "in", "cat", "substr",
        "+", "-", "*", "/", "%", "min", "max", "merge", "if", "?:", "and", "or",
        "var", "missing", "missing_some", "all", "some", "none", "map", "filter", "reduce",
    }
)  # fmt: skip
# Operators whose inner expressions run over the items of an array (their "var" names
# an item's part, not a variable of the form).
SCOPED = frozenset({"all", "some", "none", "map", "filter", "reduce"})


def expression_problems(expression: Any, *, where: str) -> list[str]:
    """What makes ``expression`` unsafe or unreadable, each naming ``where`` it is."""
    problems: list[str] = []
    nodes = 0

    def walk(node: Any, path: str, depth: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            if nodes == MAX_NODES + 1:
                problems.append(f"{where}: the expression has more than {MAX_NODES} parts.")
            return
        if depth > MAX_DEPTH:
            problems.append(f"{path}: the expression is nested more than {MAX_DEPTH} levels deep.")
            return
        if isinstance(node, list):
            if len(node) > MAX_ARRAY:
                problems.append(f"{path}: a list of more than {MAX_ARRAY} items.")
                return
            for index, item in enumerate(node):
                walk(item, f"{path}/{index}", depth + 1)
        elif isinstance(node, dict):
            if len(node) != 1:
                problems.append(f"{path}: an operation has exactly one operator, not {len(node)}.")
                return
            operator, argument = next(iter(node.items()))
            if operator not in ALLOWED_OPERATORS:
                problems.append(f"{path}: unknown or forbidden operator {operator[:40]!r}.")
                return
            if operator == "var" and not _literal_var(argument):
                problems.append(f"{path}: 'var' must name a variable literally.")
                return
            walk(argument, f"{path}/{operator}", depth + 1)
        elif isinstance(node, str) and len(node) > 2000:
            problems.append(f"{path}: a text of more than 2000 characters.")

    walk(expression, where, 0)
    return problems


def _literal_var(argument: Any) -> bool:
    if isinstance(argument, list):
        return 1 <= len(argument) <= 2 and isinstance(argument[0], str | int)
    return isinstance(argument, str | int)


def _var_name(argument: Any) -> str:
    name = argument[0] if isinstance(argument, list) else argument
    return str(name).split(".")[0]


def variables_read(expression: Any) -> set[str]:
    """The variables of the form an expression reads (the first part of each ``var``)."""
    return set(_reads(expression, scoped=False))


def _reads(node: Any, *, scoped: bool) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _reads(item, scoped=scoped)
    elif isinstance(node, dict) and len(node) == 1:
        operator, argument = next(iter(node.items()))
        if operator == "var":
            if not scoped and _var_name(argument):
                yield _var_name(argument)
        elif operator in ("missing", "missing_some") and not scoped:
            names = (
                argument[1]
                if operator == "missing_some" and isinstance(argument, list)
                else argument
            )
            for name in names if isinstance(names, list) else [names]:
                if isinstance(name, str):
                    yield name.split(".")[0]
        elif operator in SCOPED and isinstance(argument, list) and argument:
            yield from _reads(argument[0], scoped=scoped)  # the array: the form's data
            for inner in argument[1:]:
                yield from _reads(inner, scoped=True)
        else:
            yield from _reads(argument, scoped=scoped)


def safe_evaluate(expression: Any, data: dict) -> Any:
    """The value of a checked expression over ``data``, or None when it fails on it."""
    try:
        return jsonLogic(expression, data)
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        logger.info("A form rule could not be evaluated: %s", type(error).__name__)
        return None


def truthy(value: Any) -> bool:
    """JsonLogic's truth: an empty list is false (as in JavaScript's json-logic-js)."""
    if isinstance(value, list):
        return len(value) > 0
    return bool(value)
