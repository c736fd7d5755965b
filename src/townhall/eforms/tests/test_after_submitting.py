"""After the submit: the confirmation message, the receipt and the tracking page."""

import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from townhall.eforms.confirmations import ANONYMOUS_TEMPLATE, TEMPLATE, confirmation_send
from townhall.eforms.models import Submission
from townhall.eforms.receipt import receipt_pdf
from townhall.eforms.services import form_definition_create, form_version_create
from townhall.eforms.tests.test_step_view import DUMPING, PARKING, PNG, media  # noqa: F401
from townhall.eforms.tests.test_submissions import _dump, _park
from townhall.eforms.tracking import TRIES_PER_CLIENT
from townhall.messaging.models import Message, MessageTemplate
from townhall.messaging.templates import template_text_save
from townhall.municipality.selectors import municipality_get_active

TRACK = "/loket/volgen/"


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.TOWNHALL_PUBLIC_URL = "https://loket.example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The tracking page counts tries in the local-memory cache: start each test at zero."""
    cache.clear()
    yield
    cache.clear()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _hand_in(client, callbacks):
    with callbacks(execute=True):
        response = client.post(PARKING.format(3))
    return Submission.objects.get(), response


def _dump_with_email(client, callbacks, email="melder@example.org"):
    client.post(DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    client.post(DUMPING.format(2), {"wants_contact": "yes", "contact_email": email})
    with callbacks(execute=True):
        response = client.post(DUMPING.format(3))
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'class="tracking-code"><strong>([A-Z0-9-]+)<', page).group(1)
    return Submission.objects.latest("pk"), code


# --- The confirmation message ---------------------------------------------------------------


def test_a_signed_in_resident_gets_the_confirmation_by_their_own_channel(
    client, resident, django_capture_on_commit_callbacks
):
    _park(client)
    # The template was never loaded: the submit loads it from the seed.
    assert not MessageTemplate.objects.filter(code=TEMPLATE).exists()
    submission, _response = _hand_in(client, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert message.idempotency_key == f"submission-{submission.uuid}"
    assert message.person == resident
    assert message.template.code == TEMPLATE
    assert (message.channel, message.address) == ("email", "an@example.org")
    assert submission.reference in message.subject
    assert "Bewonerskaart parkeren" in message.body
    assert "https://loket.example.org/mijn/zaken/" in message.body
    # With the tasks run after the commit, the mail went out.
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    [sent] = mail.outbox
    assert sent.to == ["an@example.org"]
    assert submission.reference in sent.subject


def test_the_same_submission_never_gets_a_second_message(
    client, resident, django_capture_on_commit_callbacks
):
    _park(client)
    submission, _response = _hand_in(client, django_capture_on_commit_callbacks)
    again = confirmation_send(
        submission=submission,
        user=submission.user,
        values=submission.answers["values"],
        definition=submission.version.parsed,
    )
    assert again == Message.objects.get()


def test_an_anonymous_visitor_gets_a_message_only_at_the_address_they_gave(
    client, forms, django_capture_on_commit_callbacks
):
    _dump(client)  # "may we contact you?": no, so no address
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DUMPING.format(3))
    assert Submission.objects.count() == 1
    assert not Message.objects.exists()

    other = Client()
    submission, code = _dump_with_email(other, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert message.template.code == ANONYMOUS_TEMPLATE
    assert message.person is None
    assert (message.channel, message.address) == ("email", "melder@example.org")
    assert message.idempotency_key == f"submission-{submission.uuid}"
    assert "https://loket.example.org/loket/volgen/" in message.body
    # The tracking code is kept only as a hash: never in a stored message.
    assert code not in message.body
    assert code.replace("-", "") not in message.body
    [sent] = mail.outbox
    assert sent.to == ["melder@example.org"]


def test_a_template_taken_out_of_use_does_not_stop_the_submission(
    client, resident, django_capture_on_commit_callbacks, templates_loaded
):
    template = MessageTemplate.objects.get(code=TEMPLATE)
    # Staff changed a text and did not check the template again: it is out of use.
    template_text_save(
        template=template,
        channel="email",
        language="nl",
        subject="Ontvangen: {{ reference }}",
        body="{{ form }} {{ reference }} {{ link }}",
    )
    _park(client)
    _submission, response = _hand_in(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Submission.objects.count() == 1
    assert not Message.objects.exists()


@pytest.fixture
def templates_loaded(db):
    from townhall.messaging.templates import templates_load

    templates_load()


# --- The receipt ----------------------------------------------------------------------------


def test_the_receipt_is_a_pdf_with_the_reference_and_the_answers(client, resident):
    _park(client)
    response = client.post(PARKING.format(3))
    submission = Submission.objects.get()
    confirmation = client.get(response["Location"]).content.decode()
    url = reverse("eforms:receipt", args=[submission.uuid])
    assert f'href="{url}"' in confirmation
    assert 'href="/mijn/zaken/"' in confirmation
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-{submission.reference.lower()}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert submission.reference in text
    assert "1-ABC-234" in text  # an answer
    assert "Kerkstraat 12" in text  # a known one, as the check step shows it
    assert "version 1" in text
    assert "not a sealed document" in text
    assert "Tracking code" not in text  # signed in: followed on My cases


def test_the_receipt_shows_the_municipalitys_name_address_and_logo(client, resident):
    municipality = municipality_get_active()
    municipality.logo.save("logo.png", ContentFile(PNG))
    _park(client)
    client.post(PARKING.format(3))
    content = client.get(reverse("eforms:receipt", args=[Submission.objects.get().uuid])).content
    [page] = PdfReader(io.BytesIO(content)).pages
    assert len(page.images) == 1
    text = page.extract_text()
    assert municipality.name in text
    assert municipality.street in text


def test_the_receipt_follows_the_confirmation_pages_rule(client, resident):
    _park(client)
    client.post(PARKING.format(3))
    url = reverse("eforms:receipt", args=[Submission.objects.get().uuid])
    assert Client().get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    missing = reverse("eforms:receipt", args=["00000000-0000-4000-8000-000000000000"])
    assert Client().get(missing).status_code == 404


def test_an_anonymous_receipt_holds_the_tracking_code_and_where_to_follow_it(
    client, forms, django_capture_on_commit_callbacks
):
    submission, code = _dump_with_email(client, django_capture_on_commit_callbacks)
    response = client.get(reverse("eforms:receipt", args=[submission.uuid]))
    text = _pdf_text(response.content)
    assert code in text
    assert "https://loket.example.org/loket/volgen/" in text
    assert "Kerkstraat 40" in text
    assert "melder@example.org" in text
    # Another browser, even with the code, gets no receipt: only the tracking page.
    assert Client().get(reverse("eforms:receipt", args=[submission.uuid])).status_code == 404


def test_the_receipt_and_the_check_step_show_a_national_number_alike(db, forms):
    form = form_definition_create(slug="proef", title="Proef")
    version = form_version_create(
        form=form,
        content={
            "title": {"nl": "Proef", "fr": "Essai", "en": "Trial"},
            "steps": [
                {
                    "key": "who",
                    "title": {"nl": "Wie", "fr": "Qui", "en": "Who"},
                    "fields": [
                        {
                            "key": "nrn",
                            "type": "national_number",
                            "label": {"nl": "Rijksregisternummer", "fr": "NN", "en": "Number"},
                        }
                    ],
                },
                {
                    "key": "check",
                    "title": {"nl": "Controle", "fr": "Contrôle", "en": "Check"},
                    "check": True,
                    "fields": [],
                },
            ],
        },
    )
    submission = Submission(reference="TH-2026-000099", version=version, language="nl")
    submission.set_answers({"values": {"nrn": "85073003328"}, "known": {}})
    submission.save()
    text = _pdf_text(receipt_pdf(submission, language="en"))
    assert "85073003328" not in text
    assert "28" in text
    from townhall.eforms.rules import evaluate
    from townhall.eforms.summary import answers_summary

    definition = version.parsed
    [section] = answers_summary(definition, evaluate(definition, {}), {"nrn": "85073003328"})
    assert section["rows"][0]["value"].endswith("28")
    assert "850730" not in section["rows"][0]["value"]


# --- The tracking page ----------------------------------------------------------------------


def test_the_tracking_page_shows_the_request_of_a_code(
    client, forms, django_capture_on_commit_callbacks
):
    submission, code = _dump_with_email(client, django_capture_on_commit_callbacks)
    confirmation = client.get(reverse("eforms:confirmation", args=[submission.uuid])).content
    assert f'href="{TRACK}"'.encode() in confirmation
    assert client.get(TRACK).status_code == 200
    response = client.post(TRACK, {"code": code.lower().replace("-", " ")})
    page = response.content.decode()
    assert response.status_code == 200
    assert submission.reference in page
    assert "Report illegal dumping" in page or "Sluikstort melden" in page
    assert "Received" in page
    assert response["Cache-Control"] == "no-store"
    # The same browser may download the receipt; another one with the code may not.
    receipt = reverse("eforms:receipt", args=[submission.uuid])
    assert receipt in page
    elsewhere = Client().post(TRACK, {"code": code}).content.decode()
    assert submission.reference in elsewhere
    assert receipt not in elsewhere


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "This field is required."),
        ("ABC", "This is not a tracking code."),
        ("<script>alert(1)</script>", "This is not a tracking code."),
        ("OOOO-IIII-1111", "This is not a tracking code."),  # letters the codes leave out
        ("AAAA-BBBB-CCCC", "We found no request with this tracking code."),
    ],
)
def test_a_wrong_code_gets_a_clear_error_on_the_field(client, forms, code, error):
    response = client.post(TRACK, {"code": code})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="field__error" id="id_code_error"' in page
    assert error in page
    assert 'href="#id_code"' in page  # the error summary leads to the field


def test_repeated_codes_are_throttled_per_client(client, forms):
    for _try in range(TRIES_PER_CLIENT.limit):
        assert client.post(TRACK, {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    response = client.post(TRACK, {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 429
    assert "You tried too many codes" in response.content.decode()
    # Another client address is not held back.
    assert client.post(TRACK, {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="10.0.0.9").status_code == 200
