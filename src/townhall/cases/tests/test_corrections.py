"""A resident's "this is not right" becomes a case for citizens' affairs."""

from townhall.cases import services
from townhall.cases.models import Case
from townhall.cases.tests.conftest import staff_of
from townhall.registry.corrections import correction_request_create
from townhall.registry.models import CorrectionRequest


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
