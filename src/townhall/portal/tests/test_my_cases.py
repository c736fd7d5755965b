"""Mijn zaken: the cases of the one acted for, a case's page, answering a question with
files, writing to the municipality, the files sent, and the tracking page's status."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from townhall.accounts.acting import ACTING_KEY
from townhall.accounts.assisted import ACCESS_PURPOSE
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in
from townhall.accounts.tests.staff import staff_user
from townhall.cases import services
from townhall.cases.models import Case, CaseEvent
from townhall.cases.timeline import status_set
from townhall.catalog.lpdc.importer import lpdc_import
from townhall.catalog.tests.conftest import DEMO_CATALOGUE
from townhall.eforms.models import Submission
from townhall.eforms.services import form_examples_load
from townhall.eforms.submissions import tracking_code_hash, tracking_code_new
from townhall.eforms.tests.test_step_view import PDF, media  # noqa: F401
from townhall.eforms.tracking import (
    SubmissionStatusProvider,
    SubmissionStatusProviders,
    submission_status,
)
from townhall.municipality.models import Department
from townhall.portal import my_cases
from townhall.portal.tests import test_my_data_assisted as assisted

pytestmark = pytest.mark.django_db
counter = assisted.counter  # Els of Burgerzaken runs an assisted session for An
URL = "/mijn/zaken/"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def catalogue(family):
    """The demo catalogue, as the demo imports it: the parking card is finance's."""
    municipality = Department.objects.first().municipality
    for code, name in (("finance", "Financiën"), ("environment", "Omgeving")):
        Department.objects.get_or_create(
            municipality=municipality, code=code, defaults={"name": name}
        )
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    return {version.form.slug: version for version in form_examples_load()}


def case_opened(version, reference, days_ago=0, **who) -> Case:
    """A submission of ``version`` and the case the counter opens for it."""
    submission = Submission(
        reference=reference,
        version=version,
        language="nl",
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        **who,
    )
    address = {"street_name": "Kerkstraat", "house_number": "12", "postcode": "9999"}
    values = {"number_plate": "1-ABC-234", "address": address}
    submission.set_answers({"values": values, "known": {}})
    submission.save()
    return services.case_open_for_submission(submission_id=submission.pk)


@pytest.fixture
def cases(family, catalogue):
    parking, dumping = catalogue["bewonerskaart-parkeren"], catalogue["sluikstort-melden"]
    an, an_user = family["an"], family["an_user"]
    bart, bart_user = family["bart"], family["bart_user"]
    club = family["bart_chair"].organisation
    return {
        "an_old": case_opened(parking, "TH-2026-000001", 9, user=an_user, subject_person=an),
        "an_new": case_opened(dumping, "TH-2026-000004", 1, user=an_user, subject_person=an),
        # Bart, with An's mandate, asked something for her.
        "for_an": case_opened(parking, "TH-2026-000002", 5, user=bart_user, subject_person=an),
        "bart": case_opened(parking, "TH-2026-000003", 3, user=bart_user, subject_person=bart),
        "club": case_opened(
            dumping, "TH-2026-000005", 2, user=bart_user, subject_organisation=club
        ),
    }


@pytest.fixture
def clerk(catalogue):
    return staff_user("wim", department_code="finance")


def ask(case, clerk, question="Een kopie van het inschrijvingsbewijs van de wagen."):
    return services.case_task_complete(
        case=case, version=case.version, task_id="review", value="ask", text=question, actor=clerk
    )


def _references(response) -> list[str]:
    return [case.reference for case in response.context["page"]]


def _acting(client, kind, pk):
    session = client.session
    session[ACTING_KEY] = {"kind": kind, "id": pk}
    session.save()


def _page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the list


def test_a_resident_sees_their_cases_newest_first(client, family, cases):
    sign_in(client, family["an_user"])
    response = client.get(URL)
    assert response.status_code == 200
    # Hers, and the one Bart made for her; not Bart's own or the club's.
    assert _references(response) == ["TH-2026-000004", "TH-2026-000002", "TH-2026-000001"]
    page = _page(response)
    assert "Resident parking card" in page or "Bewonersparkeerkaart" in page
    assert "Received" in page
    assert f'href="/mijn/zaken/{cases["an_old"].uuid}/"' in page
    due = cases["an_old"].due_on
    assert f"We decide by {due.day} {due:%B %Y} at the latest." in page
    assert response["Cache-Control"] == "no-store"


def test_the_cases_are_paged(client, family, cases, monkeypatch):
    monkeypatch.setattr(my_cases, "PAGE", 2)
    sign_in(client, family["an_user"])
    first = client.get(URL)
    assert _references(first) == ["TH-2026-000004", "TH-2026-000002"]
    second = client.get(URL, {"older": first.context["page"].older})
    assert _references(second) == ["TH-2026-000001"]
    assert _references(client.get(URL, {"older": "not-a-cursor"})) == _references(first)


def test_acting_for_an_organisation_shows_its_cases(client, family, cases):
    sign_in(client, family["bart_user"])
    _acting(client, "representation", family["bart_chair"].pk)
    response = client.get(URL)
    assert _references(response) == ["TH-2026-000005"]
    assert "Wielerclub De Spurters" in _page(response)
    assert client.get(f"{URL}{cases['club'].uuid}/").status_code == 200


def test_a_mandate_that_covers_applications_shows_the_grantors_cases(client, family, cases):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="cases",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    sign_in(client, family["bart_user"])
    # For himself: his own; the one for An shows under An, the club's under the club.
    assert _references(client.get(URL)) == ["TH-2026-000003"]
    assert client.get(f"{URL}{cases['for_an'].uuid}/").status_code == 404
    _acting(client, "mandate", mandate.pk)
    assert _references(client.get(URL)) == ["TH-2026-000004", "TH-2026-000002", "TH-2026-000001"]
    assert client.get(f"{URL}{cases['an_old'].uuid}/").status_code == 200


def test_a_mandate_for_data_only_shows_no_cases_of_the_grantor(client, family, cases):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="personal_data",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    sign_in(client, family["bart_user"])
    _acting(client, "mandate", mandate.pk)
    for url in (URL, f"{URL}{cases['an_old'].uuid}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "does not cover following their requests" in _page(response)
        assert "TH-2026-" not in _page(response)


def test_an_email_account_sees_only_what_it_handed_in(client, family, cases):
    sign_in(client, family["an_user"], level="low")
    # Bart's request for An proves nothing about who signs in with an e-mail address.
    assert _references(client.get(URL)) == ["TH-2026-000004", "TH-2026-000001"]
    assert client.get(f"{URL}{cases['for_an'].uuid}/").status_code == 404


def test_my_requests_leads_to_my_cases_for_good(client, family):
    sign_in(client, family["an_user"])
    response = client.get("/mijn/aanvragen/")
    assert response.status_code == 301
    assert response["Location"] == URL
    assert f'href="{URL}"' in _page(client.get("/mijn/"))


def test_my_cases_needs_a_sign_in(client, family):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/aanmelden/")


# ---------------------------------------------------------------- a case's page


def test_a_case_page_says_the_status_and_what_happens_next(client, family, cases):
    sign_in(client, family["an_user"])
    case = cases["an_old"]
    response = client.get(f"{URL}{case.uuid}/")
    page = _page(response)
    assert response["Cache-Control"] == "no-store"
    assert "TH-2026-000001" in page
    assert "Nobody has looked at it yet." in page
    assert "What happens next?" in page
    assert "Request received" in page
    # The receipt is one of the documents.
    assert f'href="/loket/aanvraag/{case.submission.uuid}/ontvangstbewijs/"' in page
    assert client.get(f"/loket/aanvraag/{case.submission.uuid}/ontvangstbewijs/").status_code == 200


def test_another_residents_case_is_not_found(client, family, cases):
    sign_in(client, family["an_user"])
    for case in (cases["bart"], cases["club"]):
        assert client.get(f"{URL}{case.uuid}/").status_code == 404
        assert client.post(f"{URL}{case.uuid}/", {"form": "reply", "text": "x"}).status_code == 404
    assert Case.objects.get(pk=cases["bart"].pk).events.filter(kind="reply").count() == 0
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_open_question_with_its_date_and_a_form(client, family, cases, clerk):
    case = ask(cases["an_old"], clerk)
    question = case.information_requests.get()
    sign_in(client, family["an_user"])
    page = _page(client.get(f"{URL}{case.uuid}/"))
    assert "Waiting for the applicant" in page
    assert "Een kopie van het inschrijvingsbewijs" in page
    before = question.answer_before
    assert f"Please answer before {before.day} {before:%B %Y}." in page
    assert 'enctype="multipart/form-data"' in page
    assert f'value="{question.uuid}"' in page
    assert 'name="files"' in page
    assert "multiple" in page
    assert "csrfmiddlewaretoken" in page
    assert "The municipality asked for information" in page


def _answer(client, case, question, *, answer="In bijlage.", files=()):
    return client.post(
        f"{URL}{case.uuid}/",
        {"form": "answer", "question": str(question.uuid), "answer": answer, "files": list(files)},
    )


def test_an_answer_with_a_pdf_moves_the_case_on(client, family, cases, clerk, media):  # noqa: F811
    case = ask(cases["an_old"], clerk)
    question = case.information_requests.get()
    sign_in(client, family["an_user"])
    upload = SimpleUploadedFile("inschrijvingsbewijs.pdf", PDF, content_type="application/pdf")
    response = _answer(client, case, question, files=[upload])
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{case.uuid}/"
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    sent = case.files.get()
    page = _page(client.get(response["Location"]))
    assert "We received your answer." in page
    assert "inschrijvingsbewijs.pdf" in page
    assert "Information sent" in page
    link = f"{URL}{case.uuid}/bestanden/{sent.uuid}/"
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content) == PDF
    # Not for another resident, not for a visitor, not under another case.
    other = Client()
    sign_in(other, family["bart_user"])
    assert other.get(link).status_code == 404
    assert Client().get(link).status_code == 404
    assert client.get(f"{URL}{cases['an_new'].uuid}/bestanden/{sent.uuid}/").status_code == 404


@pytest.fixture
def waiting(client, family, cases, clerk, media):  # noqa: F811
    case = ask(cases["an_old"], clerk)
    sign_in(client, family["an_user"])
    return case, case.information_requests.get()


def _still_waiting(case):
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING
    assert case.files.count() == 0
    assert case.information_requests.get().answered_at is None


def test_an_empty_answer_is_refused(client, waiting):
    case, question = waiting
    response = _answer(client, case, question, answer="  ")
    assert response.status_code == 400
    assert "Write an answer or add a file." in _page(response)
    _still_waiting(case)


def test_a_renamed_program_is_refused_by_its_content(client, waiting):
    case, question = waiting
    upload = SimpleUploadedFile("bewijs.pdf", EXE, content_type="application/pdf")
    response = _answer(client, case, question, answer="Mijn bewijs", files=[upload])
    assert response.status_code == 400
    page = _page(response)
    assert "bewijs.pdf: This file is not one of the kinds accepted here: PDF, JPEG, PNG." in page
    assert "Mijn bewijs</textarea>" in page  # what was typed is kept
    _still_waiting(case)


def test_a_file_over_the_limit_is_refused(client, waiting):
    case, question = waiting
    big = SimpleUploadedFile("groot.pdf", PDF + b"0" * my_cases.MAX_FILE_SIZE)
    response = _answer(client, case, question, files=[big])
    assert response.status_code == 400
    assert "the limit is 10.0\xa0MB" in _page(response)
    _still_waiting(case)


def test_six_files_are_refused(client, waiting):
    case, question = waiting
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]
    response = _answer(client, case, question, answer="Zes", files=files)
    assert response.status_code == 400
    assert "Add at most 5 files; you chose 6." in _page(response)
    _still_waiting(case)


def test_a_body_too_large_is_refused_before_it_is_read(client, waiting):
    case, _question = waiting
    response = client.post(
        f"{URL}{case.uuid}/", data=b"x", content_type="text/plain", CONTENT_LENGTH=str(10**10)
    )
    assert response.status_code == 413
    assert "What you sent is too large." in _page(response)
    _still_waiting(case)


def test_text_too_long_together_gets_a_clear_message(client, waiting, settings):
    case, question = waiting
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _answer(client, case, question, answer="x" * 20_000)
    assert response.status_code == 413
    assert "Shorten your text or send fewer files." in _page(response)
    _still_waiting(case)


def test_a_second_answer_is_refused(client, waiting):
    case, question = waiting
    assert _answer(client, case, question).status_code == 302
    response = _answer(client, case, question, answer="Nog iets")
    assert response.status_code == 400
    page = _page(response)
    assert "You answered this question already." in page
    assert "Nog iets</textarea>" in page
    assert case.information_requests.get().answer == "In bijlage."


def test_an_answer_to_another_cases_question_is_refused(client, waiting, cases, clerk):
    case, _question = waiting
    barts = ask(cases["bart"], clerk).information_requests.get()
    response = _answer(client, case, barts, answer="Van An")
    assert response.status_code == 400
    assert "This question is not one of this case." in _page(response)
    assert barts.__class__.objects.get(pk=barts.pk).answered_at is None
    _still_waiting(case)
    # A question id that is no id at all.
    response = client.post(f"{URL}{case.uuid}/", {"form": "answer", "question": "<x>"})
    assert response.status_code == 400
    assert "This question is not one of this case." in _page(response)


# ---------------------------------------------------------------- writing to the municipality


def test_a_message_to_the_municipality(client, family, cases):
    case = cases["an_old"]
    sign_in(client, family["an_user"])
    response = client.post(f"{URL}{case.uuid}/", {"form": "reply", "text": "Wanneer hoor ik iets?"})
    assert response.status_code == 302
    page = _page(client.get(response["Location"]))
    assert "Your message was sent to the municipality." in page
    assert "Message to the municipality" in page
    assert "Wanneer hoor ik iets?" in page
    assert case.events.get(kind=CaseEvent.Kind.REPLY).actor == family["an_user"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_a_message_that_is_empty_or_too_long_is_refused(client, family, cases, text):
    case = cases["an_old"]
    sign_in(client, family["an_user"])
    response = client.post(f"{URL}{case.uuid}/", {"form": "reply", "text": text})
    assert response.status_code == 400
    page = _page(response)
    assert "There is a problem" in page
    if text.strip():
        assert "at most 5000 characters" in page
        assert text in page  # nothing lost
    assert not case.events.filter(kind=CaseEvent.Kind.REPLY).exists()


# ---------------------------------------------------------------- corrections and decisions


def test_a_corrected_status_is_told_apart_from_progress(client, family, cases, clerk):
    case = services.case_task_complete(
        case=cases["an_old"],
        version=cases["an_old"].version,
        task_id="review",
        value="granted",
        text="U woont in de zone.",
        actor=clerk,
    )
    status_set(case, Case.Status.IN_PROGRESS, actor=clerk, correction=True)
    case.save()
    sign_in(client, family["an_user"])
    page = _page(client.get(f"{URL}{case.uuid}/"))
    assert "New status: Granted" in page
    assert "Status corrected: In progress" in page
    assert "New status: In progress" in page  # the step of the review, before


def test_a_closed_case_shows_the_decision_and_why(client, family, cases, clerk):
    case = services.case_task_complete(
        case=cases["an_old"],
        version=cases["an_old"].version,
        task_id="review",
        value="refused",
        text="U woont niet in de zone.",
        actor=clerk,
    )
    sign_in(client, family["an_user"])
    page = _page(client.get(f"{URL}{case.uuid}/"))
    assert "The decision" in page
    assert "Refused" in page
    assert "U woont niet in de zone." in page
    assert "Your request was refused." in page


# ---------------------------------------------------------------- assisted sessions


def test_in_an_assisted_session_the_looks_are_the_staff_members(english, family, cases, counter):
    response = english.get(URL)
    assert _references(response) == ["TH-2026-000004", "TH-2026-000002", "TH-2026-000001"]
    assert english.get(f"{URL}{cases['an_old'].uuid}/").status_code == 200
    assert sorted(assisted.staff_looks(family["an"], counter)) == [
        ("view", f"{ACCESS_PURPOSE}: Case TH-2026-000001"),
        ("view", f"{ACCESS_PURPOSE}: My cases"),
    ]


# ---------------------------------------------------------------- the tracking page


def test_the_tracking_page_shows_the_cases_status(client, family, catalogue):
    code = tracking_code_new()
    case = case_opened(
        catalogue["sluikstort-melden"],
        "TH-2026-000009",
        tracking_code_hash=tracking_code_hash(code),
    )
    response = client.post("/loket/volgen/", {"code": code})
    assert response.context["status"] == "Received"
    Case.objects.filter(pk=case.pk).update(status=Case.Status.IN_PROGRESS)
    response = client.post("/loket/volgen/", {"code": code})
    assert response.context["status"] == "In progress"
    assert "In progress" in _page(response)


def test_a_submission_without_a_case_is_received():
    class Nothing(SubmissionStatusProvider):
        def status_for(self, submission):
            return None

    providers = SubmissionStatusProviders()
    assert submission_status(object(), providers=providers) == "Received"
    providers("nothing")(Nothing)
    assert submission_status(object(), providers=providers) == "Received"
