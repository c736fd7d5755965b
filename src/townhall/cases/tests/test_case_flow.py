"""A request's life as a case: opened from the counter, a question, the answer, a decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.accounts.tests.staff import staff_user
from townhall.cases import services
from townhall.cases.models import Case, CaseEvent
from townhall.eforms.tests.test_step_view import PDF, media  # noqa: F401
from townhall.messaging.models import Message


@pytest.fixture
def clerk(departments):
    return staff_user("wim", department_code="finance")


def test_a_parking_card_request_becomes_a_case_of_finance(handed_in, resident):
    case = handed_in
    assert case.reference == case.submission.reference
    assert case.department.code == "finance"
    assert case.applicant_person == resident
    assert case.status == Case.Status.RECEIVED
    assert case.is_open
    assert case.task_id == "review"
    assert case.task_label == "Aanvraag beoordelen"
    assert case.due_on == datetime.date.today() + datetime.timedelta(days=5)
    assert case.workflow_version.workflow.key == "bewonersparkeerkaart"
    # The engine's state is kept without the model, which the version holds once.
    assert '"spec"' not in case.state
    assert "Aanvraag beoordelen" not in case.state
    assert [c.value for c in services.choices_for(case)] == ["granted", "refused", "ask"]


def test_ask_answer_grant(handed_in, clerk, resident, django_capture_on_commit_callbacks, media):  # noqa: F811
    case = handed_in
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_task_complete(
            case=case,
            version=case.version,
            task_id="review",
            value="ask",
            text="Een kopie van het inschrijvingsbewijs van de wagen.",
            actor=clerk,
        )
    assert case.status == Case.Status.WAITING
    assert case.paused_since is not None
    assert services.choices_for(case) == []
    request = case.information_requests.get()
    assert request.question.startswith("Een kopie")
    # Only the resident's: a browser test before may have left the demo's messages.
    assert Message.objects.filter(template__code="document-request", person=resident).count() == 1

    upload = SimpleUploadedFile("bewijs.pdf", PDF, content_type="application/pdf")
    from townhall.eforms.uploads import CheckedFileField

    checked = CheckedFileField(accept=("application/pdf",), max_size=10_000_000).clean(upload)
    services.information_answer(request=request, answer="In bijlage.", files=[checked], user=None)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.paused_since is None
    assert case.task_id == "review"
    assert case.files.get().name == "bewijs.pdf"

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_task_complete(
            case=case,
            version=case.version,
            task_id="review",
            value="granted",
            text="U woont in de zone en de wagen staat op uw naam.",
            actor=clerk,
        )
    assert case.status == Case.Status.GRANTED
    assert not case.is_open
    assert case.decision == "granted"
    assert case.motivation.startswith("U woont")
    assert case.state == ""
    assert case.closed_at is not None
    assert Message.objects.filter(template__code="decision", person=resident).exists()
    statuses = list(case.events.filter(kind=CaseEvent.Kind.STATUS).values_list("status", flat=True))
    assert statuses == ["in_progress", "waiting", "in_progress", "granted"]


def test_a_form_read_before_someone_else_acted_is_refused(handed_in, clerk):
    case = handed_in
    services.case_task_complete(
        case=case,
        version=case.version,
        task_id="review",
        value="refused",
        text="Geen bewoner.",
        actor=clerk,
    )
    with pytest.raises(services.CaseChanged):
        services.case_task_complete(
            case=case,
            version=case.version,
            task_id="review",
            value="granted",
            text="Ok",
            actor=clerk,
        )


@pytest.mark.parametrize(
    ("task_id", "value"), [("review", "approve-all"), ("grant", "granted"), ("<script>", "")]
)
def test_a_task_the_workflow_does_not_offer_is_refused(handed_in, clerk, task_id, value):
    with pytest.raises(services.TaskNotOffered):
        services.case_task_complete(
            case=handed_in,
            version=handed_in.version,
            task_id=task_id,
            value=value,
            text="x",
            actor=clerk,
        )
    handed_in.refresh_from_db()
    assert handed_in.status == Case.Status.RECEIVED


def test_a_refusal_needs_its_motivation(handed_in, clerk):
    with pytest.raises(ValidationError) as error:
        services.case_task_complete(
            case=handed_in,
            version=handed_in.version,
            task_id="review",
            value="refused",
            text="  ",
            actor=clerk,
        )
    assert "text" in error.value.message_dict


def test_a_week_without_an_answer_reminds_the_applicant_once(handed_in, clerk, resident):
    from freezegun import freeze_time

    case = services.case_task_complete(
        case=handed_in,
        version=handed_in.version,
        task_id="review",
        value="ask",
        text="Het inschrijvingsbewijs van de wagen.",
        actor=clerk,
    )
    assert case.wakes_at is not None
    assert services.case_timers_run() == 0  # not yet
    with freeze_time(case.wakes_at + datetime.timedelta(minutes=1)):
        assert services.case_timers_run() == 1
        assert services.case_timers_run() == 0  # once
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING  # still waiting for the answer
    assert case.wakes_at is None
    reminders = Message.objects.filter(template__code="document-request", person=resident)
    assert reminders.count() == 2  # the question, and its reminder
    assert case.events.filter(kind=CaseEvent.Kind.MESSAGE, data__reminder=True).exists()


def test_a_step_taken_back_is_a_correction_not_progress(handed_in, clerk):
    case = services.case_task_complete(
        case=handed_in,
        version=handed_in.version,
        task_id="review",
        value="ask",
        text="Per vergissing gevraagd.",
        actor=clerk,
    )
    case = services.case_step_undo(
        case=case, version=case.version, reason="Die vraag was niet nodig.", actor=clerk
    )
    assert case.status == Case.Status.RECEIVED
    assert case.task_id == "review"
    assert case.paused_since is None
    assert case.information_requests.get().withdrawn_at is not None
    correction = case.events.filter(kind=CaseEvent.Kind.STATUS).order_by("-at").first()
    assert correction.data["correction"] is True
    assert correction.public
    assert [c.value for c in services.choices_for(case)] == ["granted", "refused", "ask"]
    with pytest.raises(services.CaseChanged):
        services.case_step_undo(case=case, version=case.version - 1, reason="x", actor=clerk)
