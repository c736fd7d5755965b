"""Issuing a document: rendered, sealed, numbered, kept; or refused with nothing issued."""

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from townhall.accounts.tests.staff import staff_user
from townhall.documents.codes import code_digest
from townhall.documents.kinds import register as kinds
from townhall.documents.models import IssuedDocument
from townhall.documents.seal import seal_check
from townhall.documents.services import DocumentRefused, document_issue, verification_url
from townhall.eforms.models import ReferenceCounter
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.models import AccessLogEntry, CorrectionRequest, Person
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def municipality(db):
    municipality = municipality_for_tests()
    municipality.signatory_name = "Els Test"
    municipality.signatory_title = "De algemeen directeur"
    municipality.save()
    return municipality


@pytest.fixture
def holder(municipality):
    home = AddressFactory(
        street_name="Dorpsstraat",
        house_number="3",
        postcode="9999",
        nis_code="99999",
        municipality_name="Testdorp",
    )
    return PersonFactory(
        given_names="Lien",
        family_name="Maes",
        birth_date=datetime.date(1990, 4, 2),
        domicile=home,
        state=Person.State.RESIDENT,
        state_since=datetime.date(2015, 9, 1),
    )


def pdfs_in(folder) -> list:
    return sorted(p for p in folder.rglob("*.pdf"))


def issue(holder, **more):
    return document_issue(kind="certificate_of_residence", holder=holder, language="nl", **more)


def test_a_certificate_of_residence_is_sealed_numbered_and_kept(
    holder, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document, code = issue(holder)
    assert document.number.startswith(f"TH-D-{timezone.now().year}-")
    assert document.kind == "certificate_of_residence"
    assert document.holder == holder
    assert document.holder_name == "Lien Maes"
    assert document.issuer == "Testdorp (Els Test, De algemeen directeur)"
    # Only the code's digest is kept, never the code.
    assert document.code_digest == code_digest(code)
    assert code not in str(IssuedDocument.objects.filter(pk=document.pk).values().get())
    assert document.retain_until == timezone.localdate() + datetime.timedelta(days=730)
    content = default_storage.open(document.path).read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert len(content) == document.size
    assert document.pages == 1
    check = seal_check(content)
    assert check.status == "valid", check.problem


def test_the_seal_validates_with_pyhanko_itself(holder, django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from townhall.documents.sealer import SealConfig, outside_event_loop, trust_roots_load

    with django_capture_on_commit_callbacks(execute=True):
        document, _code = issue(holder)
    reader = PdfFileReader(io.BytesIO(default_storage.open(document.path).read()))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=trust_roots_load(SealConfig.from_settings()))
    # pyHanko runs its own event loop: not in a thread where Playwright's still runs.
    status = outside_event_loop(validate_pdf_signature, signature, context)
    assert status.bottom_line
    assert status.intact
    assert status.valid
    assert status.coverage.name == "ENTIRE_FILE"


def test_the_document_prints_its_number_code_address_and_the_demo_line(holder):
    from townhall.documents.services import _render, document_html

    municipality = municipality_for_tests()
    what = {
        "kind": kinds["certificate_of_residence"],
        "facts": kinds["certificate_of_residence"].facts(
            holder=holder, case=None, data={}, municipality=municipality
        ),
        "number": "TH-D-2026-000009",
        "code": "ABCD-EFGH",
        "issued_at": timezone.now(),
        "municipality": municipality,
        "language": "nl",
    }
    html = document_html(**what)
    for text in (
        "TH-D-2026-000009",
        "ABCD-EFGH",
        verification_url("ABCD-EFGH"),
        "Dorpsstraat 3",
        "data:image/svg+xml",
        "DEMO",
        "De algemeen directeur",
        "Els Test",
        "1 september 2015",
        "2 april 1990",
    ):
        assert text in html
    pdf, pages = _render(**what)
    assert pdf.startswith(b"%PDF")
    assert pages == 1


def test_a_seal_that_cannot_be_made_issues_nothing(holder, settings, media):
    settings.TOWNHALL_SEAL = {
        **settings.TOWNHALL_SEAL,
        "KEY_FILE": "/nonexistent/key.pem",
        "CERT_FILE": "/nonexistent/cert.pem",
    }
    counters = list(ReferenceCounter.objects.filter(prefix="TH-D").values_list("last", flat=True))
    with pytest.raises(DocumentRefused) as refused:
        issue(holder)
    assert str(refused.value) == (
        "The document cannot be sealed now, so nothing was issued. Try again later."
    )
    assert not IssuedDocument.objects.filter(holder=holder).exists()
    assert pdfs_in(media) == []
    # The number was not taken either: the counter rolled back with the rest.
    assert (
        list(ReferenceCounter.objects.filter(prefix="TH-D").values_list("last", flat=True))
        == counters
    )


def test_a_rollback_after_the_issue_leaves_no_row_and_no_file(
    holder, media, django_capture_on_commit_callbacks
):
    def issue_then_fail():
        with transaction.atomic():
            issue(holder)
            raise RuntimeError("the case's transaction fails after the document was made")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        issue_then_fail()
    assert not IssuedDocument.objects.filter(holder=holder).exists()
    assert pdfs_in(media) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"state": Person.State.MOVED_OUT}, "niet ingeschreven als inwoner van de gemeente"),
        ({"domicile": None}, "niet ingeschreven als inwoner van de gemeente"),
        ({"nis_code": "36007"}, "woonplaats van de houder ligt niet in deze gemeente"),
    ],
)
def test_a_holder_who_does_not_live_here_gets_no_certificate(holder, change, reason, media):
    if "nis_code" in change:
        holder.domicile.nis_code = change["nis_code"]
        holder.domicile.save()
    else:
        for name, value in change.items():
            setattr(holder, name, value)
        holder.save()
    with pytest.raises(DocumentRefused, match=reason):
        issue(holder)
    assert not IssuedDocument.objects.filter(holder=holder).exists()
    assert pdfs_in(media) == []


def test_a_pending_correction_or_household_change_stops_the_certificate(holder):
    from townhall.registry.models import Household, HouseholdMembership

    household = Household.objects.create(address=holder.domicile)
    HouseholdMembership.objects.create(
        household=household,
        person=holder,
        relation="reference_person",
        start_date=datetime.date(2015, 9, 1),
    )
    partner = PersonFactory(domicile=holder.domicile)
    HouseholdMembership.objects.create(
        household=household,
        person=partner,
        relation="partner",
        start_date=datetime.date(2016, 1, 1),
    )
    request = CorrectionRequest.objects.create(
        person=partner, item_key="household", item_label="Gezin", remark="Mijn zoon woont hier."
    )
    with pytest.raises(DocumentRefused, match="wijziging in het gezin van de houder"):
        issue(holder)
    request.status = CorrectionRequest.Status.HANDLED
    request.save()
    CorrectionRequest.objects.create(
        person=holder, item_key="domicile", item_label="Adres", remark="Huisnummer 3A."
    )
    with pytest.raises(DocumentRefused, match="verbetering van de gegevens van de houder"):
        issue(holder)


def test_a_staff_member_who_issues_reads_the_register_in_the_holders_access_log(
    holder, django_capture_on_commit_callbacks
):
    clerk = staff_user("greet-documents", department_code="citizens_affairs")
    with django_capture_on_commit_callbacks(execute=True):
        document, _code = issue(holder, actor=clerk)
    entry = AccessLogEntry.objects.get(person=holder, actor=clerk)
    assert entry.purpose == f"issuing Certificate of residence {document.number}"
    # The resident's own request, issued by the system, is no staff read.
    with django_capture_on_commit_callbacks(execute=True):
        issue(holder)
    assert AccessLogEntry.objects.filter(person=holder).count() == 1


def test_unknown_kinds_and_missing_needs_are_refused(holder):
    with pytest.raises(DocumentRefused, match="no document of the kind passport"):
        document_issue(kind="passport", holder=holder, language="nl")
    with pytest.raises(DocumentRefused, match="issued for a case only"):
        document_issue(kind="decision", holder=holder, language="nl")
    with pytest.raises(DocumentRefused, match="needs a holder"):
        document_issue(kind="certificate_of_residence", holder=None, language="nl")
