"""Which rules of a DMN decision table can match the same input (for the UNIQUE hit policy).

Under UNIQUE, the default hit policy, at most one rule may match any input;
two rules *overlap* when, column by column, their input entries can match the
same value. :func:`entry_read` reads an entry's text into one of:

1. anything: ``-`` or an empty entry;
2. a list of literals: ``"a"``, ``"a", "b"``, ``5``, ``1, 2.5`` (strings and numbers);
3. a comparison with a number: ``< 5``, ``<= 5``, ``> 5``, ``>= 5``, ``== 5``, ``!= 5``;
4. a range of numbers: ``[1..5]``, with ``]``/``(`` and ``[``/``)`` for open ends
   (``]1..5[`` or ``(1..5)`` leaves both ends out);
5. anything else (a function, a negation, a date): an entry Townhall cannot
   compare. Two such entries are taken to overlap only when their texts are the
   same; one of them against a comparable entry is taken not to overlap, so
   the check misses some overlaps rather than refusing a table it cannot read.
"""

import math
import re
from dataclasses import dataclass

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
COMPARISON = re.compile(rf"^(<=|>=|==|!=|<|>)\s*({NUMBER})$")
RANGE = re.compile(rf"^([\[\]\(])\s*({NUMBER})\s*\.\.\s*({NUMBER})\s*([\[\]\)])$")
LITERAL = re.compile(rf"""^(?:"([^"\\]*)"|'([^'\\]*)'|({NUMBER}))$""")


@dataclass(frozen=True)
class Anything:
    pass


@dataclass(frozen=True)
class Literals:
    values: frozenset  # strings, and numbers as floats


@dataclass(frozen=True)
class Interval:
    low: float
    low_closed: bool
    high: float
    high_closed: bool

    def holds(self, value: float) -> bool:
        above = value > self.low or (self.low_closed and value == self.low)
        below = value < self.high or (self.high_closed and value == self.high)
        return above and below

    @property
    def empty(self) -> bool:
        if self.low > self.high:
            return True
        return self.low == self.high and not (self.low_closed and self.high_closed)


@dataclass(frozen=True)
class NotEqual:
    value: float


@dataclass(frozen=True)
class Unknown:
    text: str


def _split(text: str) -> list[str]:
    """``text`` split at the commas outside quotes."""
    parts, current, quote = [], [], ""
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char == ",":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def entry_read(text: str | None):
    """What the input entry ``text`` matches (see the module's docstring)."""
    text = (text or "").strip()
    if text in ("", "-"):
        return Anything()
    if found := COMPARISON.match(text):
        operator, number = found.group(1), float(found.group(2))
        return {
            "<": Interval(-math.inf, False, number, False),
            "<=": Interval(-math.inf, False, number, True),
            ">": Interval(number, False, math.inf, False),
            ">=": Interval(number, True, math.inf, False),
            "==": Literals(frozenset({number})),
            "!=": NotEqual(number),
        }[operator]
    if found := RANGE.match(text):
        start, low, high, end = found.groups()
        return Interval(float(low), start == "[", float(high), end == "]")
    values = set()
    for part in _split(text):
        literal = LITERAL.match(part)
        if literal is None:
            return Unknown(text)
        string_double, string_single, number = literal.groups()
        values.add(float(number) if number is not None else (string_double or string_single or ""))
    return Literals(frozenset(values))


def _numbers(values: frozenset) -> list[float]:
    return [v for v in values if isinstance(v, float)]


def entries_overlap(first, second) -> bool:
    """Whether one value can match both entries (as read by :func:`entry_read`)."""
    if isinstance(first, Anything) or isinstance(second, Anything):
        return True
    if isinstance(first, Unknown) or isinstance(second, Unknown):
        return first == second
    kinds = (type(first), type(second))
    if kinds == (Literals, Literals):
        return bool(first.values & second.values)
    if isinstance(second, Literals):
        first, second = second, first
    if isinstance(first, Literals):
        if isinstance(second, Interval):
            return any(second.holds(v) for v in _numbers(first.values))
        return any(v != second.value for v in _numbers(first.values))  # NotEqual
    if kinds == (Interval, Interval):
        low = max((first.low, not first.low_closed), (second.low, not second.low_closed))
        high = min((first.high, first.high_closed), (second.high, second.high_closed))
        return not Interval(low[0], not low[1], high[0], high[1]).empty
    if isinstance(second, Interval):
        first, second = second, first
    if isinstance(first, Interval):  # against NotEqual: all but a single point
        point = first.low == first.high and first.low_closed and first.high_closed
        return not first.empty and not (point and first.low == second.value)
    return True  # two "!=" comparisons: infinitely many numbers match both


def rules_overlap(first: list, second: list) -> bool:
    """Whether two rules (their input entries' texts, column by column) can both match."""
    return all(
        entries_overlap(entry_read(a), entry_read(b)) for a, b in zip(first, second, strict=False)
    )
