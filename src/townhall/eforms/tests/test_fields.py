"""Every field type, fuzzed with hostile values: a field error or a value, never an exception."""

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from townhall.eforms.autocomplete import token_for
from townhall.eforms.rules import FieldState, FormState, StepState
from townhall.eforms.step_forms import StepForm
from townhall.registry.tests.factories import AddressFactory

SPECS = {
    "text": {},
    "long_text": {},
    "number": {"min": 0, "max": 1000},
    "date": {},
    "email": {},
    "phone": {},
    "choice": {"choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    "multiple_choice": {"choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    "yes_no": {},
    "address": {},
    "national_number": {},
    "enterprise_number": {},
    "iban": {},
    "consent": {},
    "group": {"fields": [{"key": "name", "type": "text", "label": "Name", "required": True}]},
}
NAMES = ["f", "f__street", "f__number", "f__box", "f__postcode", "f__0__name", "f__1__name"]

hostile = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "x" * 1_000_000,
            "a\x00b",
            "\x00",
            "9" * 400,
            "1e309",
            "NaN",
            "-Infinity",
            "2020-13-45",
            "0000-00-00",
            "+32" + "9" * 300,
            "BE68 5390 0754 7035",
            "\ufffd\u202e",
            "ℌ𝔢𝔩𝔩𝔬 ﷽",
        ]
    ),
    st.text(max_size=40),
    st.lists(st.text(max_size=10), min_size=2, max_size=3),
)


def step_form(kind: str, data, required: bool = True) -> StepForm:
    spec = {"key": "f", "type": kind, "label": "F", "required": required, **SPECS[kind]}
    state = FormState(fields={"f": FieldState(True, required)}, steps={"s": StepState()})
    step = {"key": "s", "title": "S", "fields": [spec]}
    return StepForm(data, step=step, state=state, kept={}, known={})


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SPECS))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(NAMES), hostile, max_size=4))
def test_hostile_values_give_a_field_error_or_a_value(kind, data):
    form = step_form(kind, as_querydict(data))
    if form.is_valid():
        value = form.values["f"]
        assert value is None or isinstance(value, str | int | float | bool | list | dict)
    else:
        assert form.errors
        assert all(name in form.fields or name == "__all__" for name in form.errors)


@pytest.mark.parametrize(
    ("kind", "given", "value"),
    [
        ("phone", "0470 12 34 56", "+32470123456"),
        ("iban", "be71 0961 2345 6769", "BE71096123456769"),
        ("number", "12,5", 12.5),
        ("date", "14/01/2026", "2026-01-14"),
        ("yes_no", "no", False),
    ],
)
def test_good_values_are_kept_in_their_json_form(kind, given, value):
    form = step_form(kind, {"f": given})
    assert form.is_valid(), form.errors
    assert form.values["f"] == value


@pytest.mark.django_db
def test_an_address_must_exist_in_the_register():
    AddressFactory(street_name="Kerkstraat", house_number="12", postcode="8770")
    parts = {"f__street": "kerkstraat", "f__number": "12", "f__postcode": "8770"}
    form = step_form("address", parts)
    assert form.is_valid(), form.errors
    assert form.values["f"]["municipality_name"] == "Ingelmunster"
    form = step_form("address", {**parts, "f__number": "13"})
    assert not form.is_valid()
    assert "cannot find this address" in str(form.errors["f__street"])


def test_autocomplete_tokens_from_prefill_declaration_and_type():
    assert token_for({"type": "text", "prefill": "persoon:gebruikteVoornaam"}) == "given-name"
    assert token_for({"type": "text", "prefill": "foaf:familyName"}) == "family-name"
    assert token_for({"type": "date", "prefill": "birth_date"}) == "bday"
    assert token_for({"type": "email"}) == "email"
    assert token_for({"type": "text", "autocomplete": "address-level2"}) == "address-level2"
    assert token_for({"type": "text"}) is None
    form = step_form("phone", {})
    assert form.fields["f"].widget.attrs["autocomplete"] == "tel"
