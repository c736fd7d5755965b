"""Rule evaluation on the server: every action, and no exception from any data."""

from hypothesis import given, settings
from hypothesis import strategies as st

from townhall.eforms.definition import Definition
from townhall.eforms.examples import example
from townhall.eforms.rules import evaluate


def parking() -> Definition:
    return Definition(example("bewonerskaart-parkeren"))


def test_the_contract_is_hidden_until_the_resident_says_they_are_not_the_owner():
    state = evaluate(parking(), {"is_owner": True})
    assert not state.fields["contract"].visible
    assert not state.fields["contract"].required
    state = evaluate(parking(), {"is_owner": False})
    assert state.fields["contract"].visible
    assert state.fields["contract"].required


def test_every_action():
    definition = Definition(
        {
            "title": "T",
            "variables": [{"key": "total", "initial": 0}],
            "steps": [
                {
                    "key": "one",
                    "title": "1",
                    "fields": [{"key": "n", "type": "number", "label": "N"}],
                },
                {
                    "key": "two",
                    "title": "2",
                    "fields": [{"key": "t", "type": "text", "label": "T"}],
                },
            ],
            "rules": [
                {
                    "key": "sum",
                    "if": True,
                    "then": [
                        {"action": "set", "variable": "total", "value": {"*": [{"var": "n"}, 3]}}
                    ],
                },
                {
                    "key": "skip",
                    "if": {">": [{"var": "total"}, 10]},
                    "then": [{"action": "not_applicable", "step": "two"}],
                },
                {
                    "key": "stop",
                    "if": {"<": [{"var": "total"}, 0]},
                    "then": [
                        {
                            "action": "block",
                            "step": "one",
                            "message": {"nl": "Negatief", "en": "Negative"},
                        }
                    ],
                },
                {
                    "key": "hide",
                    "if": {"==": [{"var": "n"}, 1]},
                    "then": [{"action": "hide", "field": "t"}, {"action": "require", "field": "n"}],
                },
            ],
        }
    )
    state = evaluate(definition, {"n": 5})
    assert state.values["total"] == 15
    assert not state.steps["two"].applicable
    assert not state.fields["t"].visible  # its step does not apply
    assert evaluate(definition, {"n": -1}).steps["one"].blocked in ("Negatief", "Negative")
    state = evaluate(definition, {"n": 1, "t": "forged"})
    assert not state.fields["t"].visible
    assert state.values["t"] is None
    assert state.fields["n"].required


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["is_owner", "number_plate", "contract", "x"]), json_values))
def test_evaluation_never_raises_whatever_the_data(data):
    definition = Definition(
        {
            **example("bewonerskaart-parkeren"),
            "rules": [
                {
                    "key": "maths",
                    "if": {"/": [{"var": "number_plate"}, {"-": [{"var": "is_owner"}, 1]}]},
                    "then": [{"action": "show", "field": "contract"}],
                },
                {
                    "key": "text",
                    "if": {"in": ["x", {"var": "contract"}]},
                    "then": [{"action": "require", "field": "number_plate"}],
                },
            ],
        }
    )
    evaluate(definition, data)
