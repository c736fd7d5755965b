"""Editing a definition: the outline with its problems, structured changes, the diff."""

import pytest

from townhall.eforms.definition import DefinitionError, definition_problems
from townhall.eforms.editing import (
    definition_outline,
    field_add,
    field_move,
    field_remove,
    version_diff,
)
from townhall.eforms.examples import example


@pytest.fixture
def dumping():
    return example("sluikstort-melden")


def test_the_outline_puts_each_problem_beside_its_part(dumping):
    problems = [
        "$.steps[0].fields[1].type: 'colour' is not one of [...]",
        "$.steps[0].fields[10].key: never this one",
        "$.rules[0].then[0].field: no field 'x' in this form.",
        "$.rules: circular rules (a -> b -> a): ...",
    ]
    outline = definition_outline(dumping, problems)
    assert outline.steps[0].fields[1].problems == [problems[0]]
    assert outline.steps[0].fields[0].problems == []  # [1] is not [10], nor [0]
    assert outline.steps[0].problems == [problems[1]]  # a field the step does not have
    assert outline.rules[0].problems == [problems[2]]
    assert outline.problems == [problems[3]]
    assert [f.key for f in outline.steps[1].fields] == [
        "wants_contact",
        "contact_email",
        "contact_phone",
    ]
    assert outline.steps[1].fields[1].hidden
    assert outline.rules[0].actions == ["show contact_email", "show contact_phone"]


@pytest.mark.parametrize("content", [None, [], {"steps": "x"}, {"steps": [1, {"fields": 3}]}])
def test_the_outline_never_raises_on_what_is_no_definition(content):
    outline = definition_outline(content, ["$: not JSON"])
    assert outline.problems == ["$: not JSON"]


@pytest.mark.django_db
def test_added_fields_get_unused_keys_and_a_valid_definition(dumping):
    once = field_add(dumping, step_index=0, field_type="choice")
    twice = field_add(once, step_index=0, field_type="choice")
    keys = [f["key"] for f in twice["steps"][0]["fields"]]
    assert keys[-2:] == ["choice_1", "choice_2"]
    assert len(dumping["steps"][0]["fields"]) == 3  # the original is left alone
    assert definition_problems(twice) == []
    for kind in ("group", "multiple_choice", "address", "file", "consent"):
        assert definition_problems(field_add(dumping, step_index=1, field_type=kind)) == []


def test_moves_and_removals_refuse_what_is_not_there(dumping):
    moved = field_move(dumping, step_index=0, index=0, by=1)
    assert [f["key"] for f in moved["steps"][0]["fields"]][:2] == ["description", "location"]
    with pytest.raises(DefinitionError, match=r"\$.steps\[0\].fields\[0\]: it cannot move"):
        field_move(dumping, step_index=0, index=0, by=-1)
    with pytest.raises(DefinitionError, match="no such step"):
        field_remove(dumping, step_index=9, index=0)
    with pytest.raises(DefinitionError, match="no such field"):
        field_remove(dumping, step_index=0, index=9)
    with pytest.raises(DefinitionError, match="no field type"):
        field_add(dumping, step_index=0, field_type="colour")
    with pytest.raises(DefinitionError, match="no list of steps"):
        field_add({"steps": {}}, step_index=0, field_type="text")


def test_the_diff_shows_the_lines_that_changed_with_context(dumping):
    changed = field_remove(dumping, step_index=0, index=2)
    diff = version_diff(dumping, changed)
    removed = [line.text for line in diff if line.kind == "removed"]
    assert any('"photo"' in text for text in removed)
    assert not [line for line in diff if line.kind == "added" and '"photo"' in line.text]
    assert version_diff(dumping, dumping) == []
    first = version_diff(None, dumping)
    assert first
    assert {line.kind for line in first} == {"added"}
