"""Definitions: the schema, the meaning checks, rule order and cycles, immutable versions."""

import copy

import pytest

from townhall.eforms.definition import Definition, definition_problems
from townhall.eforms.examples import EXAMPLES, example
from townhall.eforms.logic import MAX_ARRAY, MAX_DEPTH
from townhall.eforms.models import FormVersion, VersionImmutable
from townhall.eforms.services import (
    DefinitionError,
    form_definition_create,
    form_version_create,
    form_version_publish,
)


def minimal(**extra) -> dict:
    return {
        "title": "Test",
        "steps": [
            {
                "key": "one",
                "title": "One",
                "fields": [
                    {"key": "a", "type": "number", "label": "A"},
                    {"key": "b", "type": "text", "label": "B", "hidden": True},
                ],
            }
        ],
        **extra,
    }


@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_shipped_examples_are_valid(slug):
    assert definition_problems(example(slug)) == []


def test_a_broken_schema_is_refused_naming_the_path():
    broken = example("bewonerskaart-parkeren")
    broken["steps"][1]["fields"][0]["type"] = "colour"
    del broken["steps"][0]["title"]
    problems = definition_problems(broken)
    assert any(p.startswith("$.steps[1].fields[0].type: 'colour' is not one of") for p in problems)
    assert "$.steps[0]: 'title' is a required property" in problems


def test_not_an_object_at_all():
    assert definition_problems([1, 2]) == ["$: [1, 2] is not of type 'object'"]


def test_an_unknown_prefill_attribute_is_refused_at_save():
    definition = example("bewonerskaart-parkeren")
    definition["steps"][0]["fields"][0]["prefill"] = "shoe_size"
    assert definition_problems(definition) == [
        "$.steps[0].fields[0].prefill: the prefill catalogue has no attribute 'shoe_size'."
    ]


def test_an_invalid_autocomplete_token_and_duplicate_keys():
    definition = minimal()
    definition["steps"][0]["fields"][1].update(key="a", autocomplete="favourite-colour")
    problems = definition_problems(definition)
    assert "$.steps[0].fields[1].key: the key 'a' is already used at $.steps[0].fields[0].key." in (
        problems
    )
    assert any("favourite-colour" in p for p in problems)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"method": [{"var": "a"}, "__class__"]}, "unknown or forbidden operator 'method'"),
        ({"log": 1}, "unknown or forbidden operator 'log'"),
        ({"eval": "1"}, "unknown or forbidden operator 'eval'"),
        ({"var": {"cat": ["a", "b"]}}, "'var' must name a variable literally"),
        ({"in": [1, list(range(MAX_ARRAY + 1))]}, f"a list of more than {MAX_ARRAY} items"),
        ({"==": [1, 1], "!=": [1, 2]}, "exactly one operator"),
    ],
)
def test_hostile_jsonlogic_is_refused_at_save(condition, message):
    definition = minimal(
        rules=[{"key": "r", "if": condition, "then": [{"action": "show", "field": "b"}]}]
    )
    problems = definition_problems(definition)
    assert any(message in p and p.startswith("$.rules[0].if") for p in problems), problems


def test_deep_nesting_is_refused():
    condition = {"var": "a"}
    for _level in range(MAX_DEPTH + 5):
        condition = {"!": [condition]}
    definition = minimal(
        rules=[{"key": "r", "if": condition, "then": [{"action": "show", "field": "b"}]}]
    )
    assert any("nested more than" in p for p in definition_problems(definition))


def test_rules_naming_what_does_not_exist():
    definition = minimal(
        rules=[
            {
                "key": "r",
                "if": {"var": "nothing"},
                "then": [
                    {"action": "show", "field": "zz"},
                    {"action": "block", "step": "two", "message": "No"},
                ],
            }
        ]
    )
    problems = definition_problems(definition)
    assert "$.rules[0].then[0].field: no field 'zz' in this form." in problems
    assert "$.rules[0].then[1].step: no step 'two' in this form." in problems
    assert "$.rules[0]: reads 'nothing', which is no variable of this form." in problems


def test_rules_are_ordered_by_what_feeds_what():
    definition = minimal(
        variables=[{"key": "doubled"}, {"key": "big"}],
        rules=[
            # Listed first, but reads what the second sets.
            {"key": "show_b", "if": {"var": "big"}, "then": [{"action": "show", "field": "b"}]},
            {
                "key": "is_big",
                "if": {">": [{"var": "doubled"}, 10]},
                "then": [{"action": "set", "variable": "big", "value": True}],
            },
            {
                "key": "double",
                "if": True,
                "then": [
                    {"action": "set", "variable": "doubled", "value": {"*": [{"var": "a"}, 2]}}
                ],
            },
        ],
    )
    assert definition_problems(definition) == []
    order = [rule["key"] for rule in Definition(definition).ordered_rules]
    assert order.index("double") < order.index("is_big") < order.index("show_b")


def test_a_circular_rule_is_refused_naming_the_rules_and_variables():
    definition = minimal(
        variables=[{"key": "x"}, {"key": "y"}],
        rules=[
            {
                "key": "first",
                "if": {"var": "x"},
                "then": [{"action": "set", "variable": "y", "value": 1}],
            },
            {
                "key": "second",
                "if": {"var": "y"},
                "then": [{"action": "set", "variable": "x", "value": 1}],
            },
        ],
    )
    (problem,) = definition_problems(definition)
    assert problem.startswith("$.rules: circular rules (")
    assert "rule 'first' sets 'y', which rule 'second' reads" in problem
    assert "rule 'second' sets 'x', which rule 'first' reads" in problem


def test_a_rule_that_feeds_itself_is_circular():
    definition = minimal(
        variables=[{"key": "x"}],
        rules=[
            {
                "key": "loop",
                "if": True,
                "then": [{"action": "set", "variable": "x", "value": {"+": [{"var": "x"}, 1]}}],
            }
        ],
    )
    assert definition_problems(definition) == [
        "$.rules: circular rules (loop -> loop): rule 'loop' sets 'x', which rule 'loop' reads."
    ]


@pytest.mark.django_db
def test_a_change_makes_a_new_version_and_never_alters_one_in_use():
    form = form_definition_create(slug="test", title="Test")
    first = form_version_publish(version=form_version_create(form=form, content=minimal()))
    changed = copy.deepcopy(first.content)
    changed["title"] = "Changed"
    second = form_version_create(form=form, content=changed)
    assert (first.number, second.number) == (1, 2)
    assert FormVersion.objects.get(pk=first.pk).content["title"] == "Test"
    first.content = changed
    with pytest.raises(VersionImmutable):
        first.save()


@pytest.mark.django_db
def test_an_invalid_definition_is_not_saved():
    form = form_definition_create(slug="test", title="Test")
    with pytest.raises(DefinitionError) as refused:
        form_version_create(form=form, content={"title": "x"})
    assert refused.value.problems == ["$: 'steps' is a required property"]
    assert not form.versions.exists()
