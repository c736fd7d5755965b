"""The answers of a form as a person reads them back: on the check step, on the
receipt, and wherever a submission is shown again.

One function builds the list, so the check step and the receipt never differ:
per applicable step (not the check step itself) its title and a row for each
visible field, its label and the value as the field type displays it (a
national register number shows its last two digits only), or "–" when left
empty.
"""

from collections.abc import Callable

from townhall.eforms.fields import field_types
from townhall.eforms.text import text_in

EMPTY = "–"


def answers_summary(
    definition, state, data: dict, *, step_url: Callable[[int], str] | None = None
) -> list[dict]:
    """Sections ``{"title", "url", "rows": [{"label", "value"}]}`` for the answers ``data``
    in the rule state ``state``; ``url`` is ``step_url(index)`` ("" without one)."""
    summary = []
    for index, step in enumerate(definition.steps):
        if step.get("check") or not state.steps[step["key"]].applicable:
            continue
        rows = [
            {
                "label": text_in(spec["label"]),
                "value": field_types[spec["type"]].display(data.get(spec["key"]), spec) or EMPTY,
            }
            for spec in step["fields"]
            if state.fields[spec["key"]].visible
        ]
        summary.append(
            {
                "title": text_in(step["title"]),
                "url": step_url(index) if step_url else "",
                "rows": rows,
            }
        )
    return summary
