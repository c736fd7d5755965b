"""The form editor of the back office: versions, saving, publishing, the preview, bad input."""

import copy
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.eforms.editing import definition_text
from townhall.eforms.examples import EXAMPLES
from townhall.eforms.models import Draft, FormDefinition, FormVersion
from townhall.eforms.services import form_examples_load

pytestmark = pytest.mark.django_db

DUMPING = "/loket/formulier/sluikstort-melden/stap/{}/"


@pytest.fixture
def forms(municipality):
    return {version.form.slug: version for version in form_examples_load()}


@pytest.fixture
def dumping(forms):
    return forms["sluikstort-melden"]


def edit_url(version) -> str:
    return reverse("backoffice:form_edit", args=[version.form_id])


def with_extra_field(content: dict) -> dict:
    changed = copy.deepcopy(content)
    changed["steps"][0]["fields"].append(
        {"key": "bag_count", "type": "number", "label": {"nl": "Hoeveel zakken?"}}
    )
    return changed


def save(client, version, content, **extra):
    text = content if isinstance(content, str) else definition_text(content)
    return client.post(edit_url(version), {"definition": text, "action": "save", **extra})


# --- Who may do what -------------------------------------------------------------------


def test_a_role_without_the_form_permissions_gets_403(client, municipality, dumping):
    sign_in_verified(client, staff_of("finance", "Financiën", "filip"))
    for url in (
        reverse("backoffice:forms"),
        reverse("backoffice:form_versions", args=[dumping.form_id]),
        reverse("backoffice:form_version", args=[dumping.pk]),
        edit_url(dumping),
    ):
        assert client.get(url).status_code == 403, url
    assert save(client, dumping, with_extra_field(dumping.content)).status_code == 403
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


def test_citizens_affairs_reads_the_forms_but_cannot_edit_or_publish(
    client, citizens_affairs, dumping
):
    assert client.get(reverse("backoffice:forms")).status_code == 200
    page = client.get(reverse("backoffice:form_version", args=[dumping.pk]))
    assert page.status_code == 200
    assert "Publish this version" not in page.content.decode()
    assert client.get(edit_url(dumping)).status_code == 403
    publish = reverse("backoffice:form_version_publish", args=[dumping.pk])
    assert client.post(publish).status_code == 403
    assert save(client, dumping, with_extra_field(dumping.content)).status_code == 403


# --- Versions ----------------------------------------------------------------------------


def test_saving_makes_a_new_version_and_leaves_the_one_in_use_unchanged(
    client, communication, dumping
):
    before = copy.deepcopy(dumping.content)
    response = save(client, dumping, with_extra_field(dumping.content))
    new = FormVersion.objects.get(form=dumping.form, number=2)
    assert response["Location"] == reverse("backoffice:form_version", args=[new.pk])
    assert new.created_by == communication
    assert not new.published
    dumping.refresh_from_db()
    assert dumping.content == before
    assert dumping.published
    page = client.get(response["Location"]).content.decode()
    assert "Changes since version 1" in page
    assert "+ " in page
    assert "bag_count" in page


def test_a_draft_begun_on_v1_continues_on_v1_after_v2_is_published(client, communication, dumping):
    resident = Client()
    resident.post(DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    draft = Draft.objects.get()
    assert draft.version == dumping

    save(client, dumping, with_extra_field(dumping.content))
    v2 = FormVersion.objects.get(form=dumping.form, number=2)
    response = client.post(reverse("backoffice:form_version_publish", args=[v2.pk]))
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.published

    # The resident's draft keeps version 1: the new field is not asked on step 1.
    step = resident.get(DUMPING.format(1)).content.decode()
    assert 'name="location"' in step
    assert 'name="bag_count"' not in step
    draft.refresh_from_db()
    assert draft.version == dumping
    # A new visitor starts from version 2.
    assert 'name="bag_count"' in Client().get(DUMPING.format(1)).content.decode()


def test_the_versions_page_counts_drafts_and_submissions(client, communication, dumping):
    Client().post(DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    page = client.get(reverse("backoffice:form_versions", args=[dumping.form_id]))
    versions = page.context["versions"]
    assert [(v.number, v.draft_count, v.submission_count) for v in versions] == [(1, 1, 0)]


# --- Problems shown with their path -------------------------------------------------------


def test_a_schema_error_is_shown_with_its_path_and_nothing_is_saved(client, communication, dumping):
    content = copy.deepcopy(dumping.content)
    content["steps"][0]["fields"][1]["type"] = "colour"
    response = save(client, dumping, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "$.steps[0].fields[1].type: &#x27;colour&#x27; is not one of" in page
    assert "The version is not saved" in page
    # Beside the field it is about, in the outline.
    field = response.context["outline"].steps[0].fields[1]
    assert field.problems
    assert field.problems[0].startswith("$.steps[0].fields[1].type")
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


def test_a_circular_rule_is_refused_naming_the_rules(client, communication, dumping):
    content = copy.deepcopy(dumping.content)
    content["variables"] = [{"key": "x"}, {"key": "y"}]
    content["rules"] += [
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
    ]
    response = save(client, dumping, content)
    page = response.content.decode()
    assert "$.rules: circular rules" in page
    assert "rule &#x27;first&#x27; sets &#x27;y&#x27;, which rule &#x27;second&#x27; reads" in page
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 1_000_000, "at most 300,000"),
        ("{ not json", "$: not JSON: Expecting property name"),
        ("[1, 2]", "$: a definition is a JSON object, not a list."),
        ('"steps"', "$: a definition is a JSON object, not a string."),
        ('{"title": NaN, "steps": []}', "NaN is no JSON number"),
        ('{"title": "a\\u0000b", "steps": []}', "NUL character"),
        ('{"title": "\\ud800", "steps": []}', "half a surrogate pair"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"title": 5, "steps": "many"}', "$.steps: &#x27;many&#x27; is not of type"),
        ("", "$: the definition is empty."),
    ],
)
def test_hostile_json_gets_a_clear_error_never_a_500(client, communication, dumping, text, message):
    response = save(client, dumping, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


def test_a_list_of_values_or_a_strange_action_is_no_500(client, communication, dumping):
    url = edit_url(dumping)
    for data in (
        {"definition": ["{}", "[]"], "action": "save"},
        {"definition": "{}", "action": "remove:99:99"},
        {"definition": "{}", "action": "up:x:y"},
        {"definition": definition_text(dumping.content), "action": "add", "step": "77"},
        {
            "definition": definition_text(dumping.content),
            "action": "add",
            "step": "0",
            "field_type": "colour",
        },
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


# --- The editor and its preview -------------------------------------------------------------


def test_the_editor_shows_the_outline_and_a_preview_of_each_step(client, communication, dumping):
    page = client.get(edit_url(dumping)).content.decode()
    assert "Starts from version 1." in page
    assert "&quot;sluikstort" not in page  # the JSON is in the text area, escaped once
    assert "Step 1: Wat en waar" in page or "Step 1: What and where" in page
    # The step preview uses the online counter's own field template and step form.
    assert 'id="preview-1-location"' in page
    assert 'name="location"' in page
    assert "form-editor.js" in page


def test_the_preview_endpoint_saves_nothing(client, communication, dumping):
    url = reverse("backoffice:form_preview", args=[dumping.form_id])
    response = client.post(url, {"definition": definition_text(with_extra_field(dumping.content))})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="editor-result"' in page
    assert 'id="editor-preview"' in page
    assert 'name="bag_count"' in page
    assert "<html" not in page
    assert FormVersion.objects.filter(form=dumping.form).count() == 1
    assert client.get(url).status_code == 405


def test_structured_buttons_change_the_json_without_saving(client, communication, dumping):
    url = edit_url(dumping)
    text = definition_text(dumping.content)
    added = client.post(
        url, {"definition": text, "action": "add", "step": "0", "field_type": "iban"}
    )
    content = json.loads(added.context["text"])
    assert content["steps"][0]["fields"][-1]["key"] == "iban_1"
    assert content["steps"][0]["fields"][-1]["type"] == "iban"
    moved = client.post(url, {"definition": added.context["text"], "action": "up:0:3"})
    keys = [f["key"] for f in json.loads(moved.context["text"])["steps"][0]["fields"]]
    assert keys == ["location", "description", "iban_1", "photo"]
    removed = client.post(url, {"definition": moved.context["text"], "action": "remove:0:2"})
    keys = [f["key"] for f in json.loads(removed.context["text"])["steps"][0]["fields"]]
    assert keys == ["location", "description", "photo"]
    assert FormVersion.objects.filter(form=dumping.form).count() == 1


def test_removing_a_field_a_rule_names_shows_the_rule_problem(client, communication, dumping):
    url = edit_url(dumping)
    response = client.post(
        url, {"definition": definition_text(dumping.content), "action": "remove:1:1"}
    )
    rule = response.context["outline"].rules[0]
    assert rule.problems == ["$.rules[0].then[0].field: no field 'contact_email' in this form."]


def test_the_forms_list_shows_versions_and_the_one_in_use(client, communication, forms):
    page = client.get(reverse("backoffice:forms"))
    by_slug = {form.slug: form for form in page.context["forms"]}
    assert by_slug["sluikstort-melden"].version_count == 1
    assert by_slug["sluikstort-melden"].current_number == 1
    assert FormDefinition.objects.count() == len(EXAMPLES)


# --- No query per field -----------------------------------------------------------------


def definition_of(fields: int) -> dict:
    types = ["text", "number", "date", "email", "yes_no", "address", "iban", "consent"]
    specs = [
        {"key": f"f{n:03d}", "type": types[n % len(types)], "label": {"nl": f"Vraag {n}"}}
        for n in range(fields)
    ]
    return {
        "title": {"nl": "Groot formulier"},
        "steps": [
            {"key": f"s{n}", "title": {"nl": f"Stap {n}"}, "fields": specs[n * 10 : n * 10 + 10]}
            for n in range(max(1, -(-fields // 10)))
        ],
        "variables": [{"key": "v0", "initial": 0}, {"key": "v1", "initial": 0}],
        "rules": [
            {
                "key": "b",
                "if": {"var": "v0"},
                "then": [{"action": "set", "variable": "v1", "value": 1}],
            },
            {"key": "a", "if": True, "then": [{"action": "set", "variable": "v0", "value": 1}]},
        ],
    }


def test_saving_100_fields_runs_as_many_queries_as_saving_one(client, communication, municipality):
    counts = {}
    for fields in (1, 100):
        form = FormDefinition.objects.create(slug=f"groot-{fields}", title="Groot")
        url = reverse("backoffice:form_edit", args=[form.pk])
        text = definition_text(definition_of(fields))
        for _time in range(2):  # the second save is counted, as a staff member's second page
            with CaptureQueriesContext(connection) as saved:
                response = client.post(url, {"definition": text, "action": "save"})
                assert response.status_code == 302
                assert client.get(response["Location"]).status_code == 200
        counts[fields] = len(saved.captured_queries)
    assert counts[100] == counts[1]
    assert FormVersion.objects.get(form__slug="groot-100", number=2).content["steps"][9]


def test_the_form_pages_run_a_fixed_number_of_queries(
    client, communication, dumping, django_assert_num_queries
):
    Client().post(DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    save(client, dumping, with_extra_field(dumping.content))
    v2 = FormVersion.objects.get(form=dumping.form, number=2)
    # The five of every staff page (session, user, device, permissions), then the page's.
    pages = {
        reverse("backoffice:forms"): 1,  # the forms with their counts
        reverse("backoffice:form_versions", args=[dumping.form_id]): 2,  # form, versions
        reverse("backoffice:form_version", args=[v2.pk]): 2,  # version, previous
    }
    for url, queries in pages.items():
        client.get(url)
        with django_assert_num_queries(5 + queries):
            assert client.get(url).status_code == 200
