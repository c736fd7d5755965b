"""Certificates issued straight through: asked online, issued, attached, granted, told;
or handed to citizens' affairs with the reason, nothing issued. And the download."""

import datetime

import pytest
from django.core.files.storage import default_storage

from townhall.accounts.models import Mandate
from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.cases import services
from townhall.cases.models import Case, CaseEvent
from townhall.cases.tests.conftest import departments  # noqa: F401  (a fixture)
from townhall.catalog.lpdc.importer import lpdc_import
from townhall.catalog.models import Product
from townhall.catalog.services import product_update
from townhall.catalog.tests.conftest import DEMO_CATALOGUE
from townhall.documents.models import IssuedDocument
from townhall.documents.seal import seal_check
from townhall.eforms.services import form_examples_load
from townhall.messaging.models import Message
from townhall.registry.models import CorrectionRequest, Person
from townhall.registry.tests.factories import AddressFactory, PersonFactory

ASK = "/loket/formulier/bewijs-van-woonst/stap/{}/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def certificate_product(departments):  # noqa: F811
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    product = Product.objects.get(slug="bewijs-van-woonst")
    product_update(
        product=product, issued_automatically=True, document_kind="certificate_of_residence"
    )
    form_examples_load()
    return product


def resident_here(**more) -> Person:
    home = AddressFactory(
        street_name="Dorpsstraat",
        postcode="9999",
        nis_code="99999",
        municipality_name="Testdorp",
    )
    return PersonFactory(
        domicile=home,
        email=f"p{home.pk}@example.org",
        state=Person.State.RESIDENT,
        state_since=datetime.date(2012, 3, 1),
        **more,
    )


@pytest.fixture
def lien(client, certificate_product):
    person = resident_here(given_names="Lien", family_name="Maes")
    sign_in_resident(client, resident_account(person))
    return person


def ask(client, capture, subject: Person) -> Case:
    """``subject``'s certificate asked through the counter; the case it became."""
    client.post(ASK.format(1), {})
    with capture(execute=True):
        response = client.post(ASK.format(2))
    assert response.status_code == 302
    return Case.objects.get(submission__subject_person=subject)


def test_a_resident_asks_and_gets_the_certificate_at_once(
    client, lien, django_capture_on_commit_callbacks
):
    case = ask(client, django_capture_on_commit_callbacks, lien)
    assert case.applicant_person == lien
    assert case.workflow_version.workflow.key == "bewijs-van-woonst"
    assert case.status == Case.Status.GRANTED
    assert not case.is_open
    document = IssuedDocument.objects.get(case=case)
    assert document.kind == "certificate_of_residence"
    assert document.holder == lien
    assert document.issued_by is None  # nobody of staff
    assert case.events.filter(kind=CaseEvent.Kind.DOCUMENT, public=True).exists()
    assert Message.objects.filter(template__code="decision", person=lien).count() == 1
    # Mijn zaken lists it, and it downloads as the sealed PDF.
    page = client.get(f"/mijn/zaken/{case.uuid}/")
    link = f"/mijn/zaken/{case.uuid}/documenten/{document.uuid}/"
    assert link in page.content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert seal_check(content).status == "valid"
    assert f'filename="{document.number}.pdf"' in response["Content-Disposition"]


def test_nobody_else_downloads_it(client, lien, django_capture_on_commit_callbacks):
    case = ask(client, django_capture_on_commit_callbacks, lien)
    document = IssuedDocument.objects.get(case=case)
    link = f"/mijn/zaken/{case.uuid}/documenten/{document.uuid}/"
    # A forged id of the right shape, another case's document, the wrong case.
    other = resident_here()
    other_case = Case.objects.create(
        reference="TH-2026-999001",
        workflow_version=case.workflow_version,
        applicant_person=other,
        language="nl",
        department=case.department,
        due_on=datetime.date.today(),
    )
    assert client.get(f"/mijn/zaken/{case.uuid}/documenten/{other_case.uuid}/").status_code == 404
    assert (
        client.get(f"/mijn/zaken/{other_case.uuid}/documenten/{document.uuid}/").status_code == 404
    )
    assert client.get(f"/mijn/zaken/{case.uuid}/documenten/not-a-uuid/").status_code == 404
    # Another resident, signed in, by the address.
    sign_in_resident(client, resident_account(other))
    assert client.get(link).status_code == 404
    # Nobody signed in.
    client.logout()
    assert client.get(link).status_code == 404
    # A revoked document is no longer offered to download.
    client.force_login(case.handed_in_by)
    sign_in_resident(client, case.handed_in_by)
    assert client.get(link).status_code == 200
    IssuedDocument.objects.filter(pk=document.pk).update(revoked_at=document.issued_at)
    assert client.get(link).status_code == 404


def test_a_double_submit_issues_one_document(client, lien, django_capture_on_commit_callbacks):
    case = ask(client, django_capture_on_commit_callbacks, lien)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.case_open_for_submission(submission_id=case.submission_id)
    assert again == case
    assert IssuedDocument.objects.filter(holder=lien).count() == 1


def handed_over(case: Case, reason: str) -> None:
    assert case.is_open
    assert case.department.code == "citizens_affairs"
    assert case.task_id == "review"
    assert not IssuedDocument.objects.filter(case=case).exists()
    line = case.events.get(kind=CaseEvent.Kind.DOCUMENT)
    assert reason in line.text
    assert line.public


def test_a_holder_not_registered_here_goes_to_citizens_affairs(
    client, certificate_product, django_capture_on_commit_callbacks, media
):
    elsewhere = PersonFactory(state=Person.State.RESIDENT)  # domicile in 36007, not 99999
    sign_in_resident(client, resident_account(elsewhere))
    case = ask(client, django_capture_on_commit_callbacks, elsewhere)
    handed_over(case, "domicile is not in this municipality")
    assert list(media.rglob("*.pdf")) == []
    assert [c.value for c in services.choices_for(case)] == ["granted", "refused"]


def test_a_pending_change_goes_to_citizens_affairs_and_staff_decide(
    client, lien, django_capture_on_commit_callbacks
):
    from townhall.accounts.tests.staff import staff_user

    request = CorrectionRequest.objects.create(
        person=lien, item_key="domicile", item_label="Adres", remark="Nummer 3A."
    )
    case = ask(client, django_capture_on_commit_callbacks, lien)
    handed_over(case, "correction of the holder's data is being handled")
    clerk = staff_user("greet-burgerzaken", department_code="citizens_affairs")
    # Still pending: issuing after all is refused with the reason, nothing changes.
    with pytest.raises(Exception, match="No document was issued"):
        services.case_task_complete(
            case=case,
            version=case.version,
            task_id="review",
            value="granted",
            text="Nagekeken.",
            actor=clerk,
        )
    request.status = CorrectionRequest.Status.HANDLED
    request.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_task_complete(
            case=Case.objects.get(pk=case.pk),
            version=Case.objects.get(pk=case.pk).version,
            task_id="review",
            value="granted",
            text="Adres verbeterd.",
            actor=clerk,
        )
    assert case.status == Case.Status.GRANTED
    document = IssuedDocument.objects.get(case=case)
    assert document.issued_by == clerk
    assert default_storage.exists(document.path)


def test_a_mandate_that_does_not_cover_certificates_goes_to_citizens_affairs(
    client, certificate_product, django_capture_on_commit_callbacks
):
    from townhall.accounts.acting import ACTING_KEY

    grantor = resident_here(given_names="Mia")
    grantee = resident_here(given_names="Tom")
    today = datetime.date.today()
    mandate = Mandate.objects.create(
        grantor=grantor,
        grantee=grantee,
        scope=Mandate.Scope.CASES,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
    )
    sign_in_resident(client, resident_account(grantee))
    session = client.session
    session[ACTING_KEY] = {"kind": "mandate", "id": mandate.pk}
    session.save()
    case = ask(client, django_capture_on_commit_callbacks, grantor)
    assert case.applicant_person == grantor
    handed_over(case, "without a mandate for certificates")
