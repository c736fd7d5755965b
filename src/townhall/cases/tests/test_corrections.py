"""A resident's "this is not right" becomes a case for citizens' affairs."""

import pytest
from django.test import Client
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.cases import services
from townhall.cases.models import Case
from townhall.cases.tests.conftest import staff_of
from townhall.registry.corrections import correction_request_create
from townhall.registry.models import CorrectionRequest
from townhall.registry.models.provenance import FieldGroup, RecordSource, Source


def test_a_correction_request_is_a_case_that_marks_it_handled_when_corrected(
    resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = correction_request_create(
            person=resident, item_key="family_name", remark="Claeys met ae", reported_by=None
        )
    case = Case.objects.get(correction_request=correction)
    assert case.department.code == "citizens_affairs"
    assert case.applicant_person == resident
    assert case.reference.startswith("COR-")
    assert [c.value for c in services.choices_for(case)] == ["corrected", "refused", "ask"]
    clerk = staff_of("citizens_affairs", "katrien")
    services.case_task_complete(
        case=case,
        version=case.version,
        task_id="check",
        value="corrected",
        text="Uw naam is verbeterd in het bevolkingsregister.",
        actor=clerk,
    )
    case.refresh_from_db()
    correction.refresh_from_db()
    assert case.status == Case.Status.GRANTED
    assert correction.status == CorrectionRequest.Status.HANDLED
    assert correction.handled_by == clerk


# An item the municipality keeps itself: staff type the right value on the case.


@pytest.fixture
def katrien(departments):
    """Katrien of citizens' affairs, signed in with her second factor."""
    user = staff_of("citizens_affairs", "katrien")
    client = Client()
    sign_in_verified(client, user)
    client.user = user
    return client


def _typed_case(resident, item_key, value):
    # My data offers no report for what the resident changes themselves (the contact
    # page), so the request is made as one reported before that rule, or at the counter.
    correction = CorrectionRequest.objects.create(
        person=resident, item_key=item_key, item_label="E-mail", current_value=value, remark="Oud"
    )
    return services.case_open_for_correction(correction_request_id=correction.pk)


def _grant(client, case, **extra):
    post = {"version": case.version, "task": "check", "value": "corrected", "text": "Verbeterd."}
    post.update(extra)
    return client.post(reverse("backoffice:case_step", args=[case.uuid]), post)


def test_the_grant_of_a_contact_correction_asks_the_value_prefilled(resident, katrien):
    case = _typed_case(resident, "email", "an@example.org")
    response = katrien.get(reverse("backoffice:case", args=[case.uuid]))
    [grant] = [c for c in response.context["choices"] if c["choice"].value == "corrected"]
    assert grant["corrected"] == "an@example.org"
    assert b'name="corrected"' in response.content
    assert b'name="item" value="email"' in response.content


def test_a_granted_contact_correction_changes_the_register_and_says_so(
    client, resident, katrien, django_capture_on_commit_callbacks
):
    case = _typed_case(resident, "email", "an@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _grant(katrien, case, item="email", corrected="an.claeys@example.org")
    assert response.status_code == 302
    resident.refresh_from_db()
    case.refresh_from_db()
    assert resident.email == "an.claeys@example.org"
    assert case.status == Case.Status.GRANTED
    correction = case.correction_request
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.HANDLED
    assert "an.claeys@example.org" in correction.handling_note
    source = RecordSource.objects.get(person=resident, group=FieldGroup.CONTACT)
    assert source.source == Source.COUNTER
    assert case.reference in source.detail
    line = case.events.get(data__corrected="email")
    assert line.public
    assert "“an@example.org”" in line.text
    assert "“an.claeys@example.org”" in line.text
    # The resident (signed in by the fixture) reads it on Mijn zaken.
    page = client.get(reverse("portal:my_case", args=[case.uuid]))
    assert "an.claeys@example.org" in page.content.decode()


@pytest.mark.parametrize(
    ("item_key", "value", "error"),
    [
        ("email", "an@@example", "valid email"),
        ("mobile", "12ab", "valid telephone"),
        ("language", "xx", "not a valid choice"),
    ],
)
def test_an_invalid_value_is_the_fields_error_and_changes_nothing(
    resident, katrien, item_key, value, error
):
    case = _typed_case(resident, item_key, "")
    response = _grant(katrien, case, item=item_key, corrected=value)
    assert response.status_code == 400
    [grant] = [c for c in response.context["choices"] if c["choice"].value == "corrected"]
    assert grant["corrected"] == value  # what was typed is kept
    assert grant["corrected_error"]
    assert error in grant["corrected_error"].lower()
    resident.refresh_from_db()
    case.refresh_from_db()
    assert resident.email == "an@example.org"
    assert resident.mobile == ""
    assert case.is_open
    assert case.task_id == "check"
    assert case.correction_request.status == CorrectionRequest.Status.OPEN


def test_a_stale_form_says_changed_meanwhile_and_changes_nothing(resident, katrien):
    case = _typed_case(resident, "email", "an@example.org")
    response = _grant(
        katrien, case, version=case.version - 1, item="email", corrected="x@example.org"
    )
    assert response.status_code == 409
    assert "meanwhile" in response.context["error"]
    resident.refresh_from_db()
    assert resident.email == "an@example.org"


def test_a_forged_item_key_is_refused(resident, katrien):
    case = _typed_case(resident, "email", "an@example.org")
    response = _grant(katrien, case, item="family_name", corrected="Janssens")
    assert response.status_code == 400
    resident.refresh_from_db()
    case.refresh_from_db()
    assert resident.family_name == "Claeys"
    assert resident.email == "an@example.org"
    assert case.is_open


def test_an_authentic_item_is_only_marked_handled_and_the_page_says_where(resident, katrien):
    with_case = correction_request_create(
        person=resident, item_key="family_name", remark="Claeys met ae", reported_by=None
    )
    case = services.case_open_for_correction(correction_request_id=with_case.pk)
    page = katrien.get(reverse("backoffice:case", args=[case.uuid]))
    assert b'name="corrected"' not in page.content
    assert "population service" in page.content.decode()
    # A value posted anyway (a forged form) changes nothing of the authentic source.
    response = _grant(katrien, case, item="family_name", corrected="Claeijs")
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.family_name == "Claeys"
    with_case.refresh_from_db()
    assert with_case.status == CorrectionRequest.Status.HANDLED
