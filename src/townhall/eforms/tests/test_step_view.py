"""The step pages: prefill shown not asked, rules enforced on the server, no step skipped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from townhall.eforms.models import Draft

PARKING = "/loket/formulier/bewonerskaart-parkeren/stap/{}/"
DUMPING = "/loket/formulier/sluikstort-melden/stap/{}/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def test_a_signed_in_form_sends_an_anonymous_visitor_to_sign_in(client, forms):
    response = client.get(PARKING.format(1))
    assert response.status_code == 302
    assert response["Location"].startswith("/aanmelden/?next=")


def test_unknown_forms_and_steps_are_not_found(client, forms):
    assert client.get("/loket/formulier/nothing/stap/1/").status_code == 404
    assert client.get(DUMPING.format(0)).status_code == 404
    assert client.get(DUMPING.format(99)).status_code == 404


def test_known_data_is_shown_with_its_source_and_not_asked(client, resident):
    response = client.get(PARKING.format(1))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kerkstraat 12, 8770" in page
    assert "population register" in page
    assert "2026-01-14" in page
    assert 'href="/mijn/gegevens/melden/domicile/"' in page  # "not right?"
    assert 'name="address__street"' not in page
    assert 'name="given_name"' not in page
    # A forged value for a known field is never read: the register's value is kept.
    response = client.post(
        PARKING.format(1), {"given_name": "Mallory", "address__street": "Elders"}
    )
    assert response.status_code == 302
    assert response["Location"] == PARKING.format(2)
    draft = Draft.objects.get()
    assert draft.data["given_name"] == "An"
    assert draft.data["address"]["street_name"] == "Kerkstraat"
    assert draft.version.form.slug == "bewonerskaart-parkeren"


def test_the_vehicle_step_carries_autocomplete_and_error_summary(client, resident):
    client.post(PARKING.format(1), {})
    response = client.post(PARKING.format(2), {"number_plate": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'href="#id_number_plate"' in page
    assert 'href="#id_is_owner_0"' in page
    assert 'aria-describedby="id_number_plate_helptext id_number_plate_error"' in page
    assert 'aria-invalid="true"' in page


def test_not_the_owner_shows_and_requires_the_contract_without_javascript(client, resident):
    client.post(PARKING.format(1), {})
    response = client.get(PARKING.format(2))
    assert 'name="contract"' not in response.content.decode()
    response = client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "no"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="contract"' in page
    assert 'href="#id_contract"' in page
    # The check step cannot be reached by URL while the contract is missing.
    response = client.get(PARKING.format(3))
    assert response["Location"] == PARKING.format(2)
    contract = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client.post(
        PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "no", "contract": contract}
    )
    assert response.status_code == 302
    assert response["Location"] == PARKING.format(3)
    stored = Draft.objects.get().data["contract"]
    assert stored["content_type"] == "application/pdf"
    assert stored["name"] == "contract.pdf"
    page = client.get(PARKING.format(3)).content.decode()
    assert "1-ABC-234" in page
    assert "contract.pdf" in page


def test_a_file_that_lies_about_its_type_is_refused(client, resident):
    client.post(PARKING.format(1), {})
    liar = SimpleUploadedFile(
        "contract.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "no", "contract": liar}
    )
    assert response.status_code == 200
    assert "not one of the kinds accepted here: PDF, JPEG, PNG" in response.content.decode()
    assert "contract" not in Draft.objects.get().data


def test_a_forged_hidden_field_is_ignored(client, resident):
    client.post(PARKING.format(1), {})
    forged = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client.post(
        PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes", "contract": forged}
    )
    assert response.status_code == 302
    assert "contract" not in Draft.objects.get().data


def test_a_step_cannot_be_skipped_by_url(client, resident):
    response = client.get(PARKING.format(3))
    assert response.status_code == 302
    assert response["Location"] == PARKING.format(1)
    client.post(PARKING.format(1), {})
    assert client.get(PARKING.format(3))["Location"] == PARKING.format(2)


def test_an_anonymous_visitor_reports_illegal_dumping(client, forms):
    response = client.get(DUMPING.format(1))
    assert response.status_code == 200
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = client.post(
        DUMPING.format(1), {"location": "Kerkstraat 40", "description": "Matras", "photo": photo}
    )
    assert response["Location"] == DUMPING.format(2)
    response = client.post(DUMPING.format(2), {"wants_contact": "yes", "contact_phone": "12"})
    # The contact fields appear once the visitor says yes; both stay optional.
    page = response.content.decode()
    assert 'name="contact_email"' in page
    assert 'autocomplete="email"' in page
    assert 'href="#id_contact_phone"' in page
    response = client.post(
        DUMPING.format(2), {"wants_contact": "yes", "contact_phone": "051 12 34 56"}
    )
    assert response["Location"] == DUMPING.format(3)
    draft = Draft.objects.get()
    assert draft.user is None
    assert draft.session_key
    assert draft.data["contact_phone"] == "+3251123456"


def test_a_body_too_large_is_refused_before_it_is_read(client, forms):
    response = client.post(
        DUMPING.format(1), data=b"x", content_type="text/plain", CONTENT_LENGTH=str(10**10)
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_answers_too_long_together_get_a_clear_message_not_a_bad_request(client, forms, settings):
    # Text fields together above DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read
    # them; the step says so in its own words and keeps what was saved before.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(DUMPING.format(1), {"location": "x" * 6_000, "description": "y" * 6_000})
    assert response.status_code == 413
    assert "too long together" in response.content.decode()


hostile = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "x" * 1_000_000,
            "a\x00b",
            "\ufffd\u202e",
            "9" * 400,
            "1e309",
            "NaN",
        ]
    ),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), min_size=2, max_size=3),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(["location", "description", "photo", "x"]), hostile))
def test_hostile_values_get_a_field_error_never_a_server_error(client, forms, data):
    files = {"photo": io.BytesIO(b"\x00" * 100)} if "photo" in data else {}
    body = {k: v for k, v in data.items() if k != "photo"}
    response = client.post(DUMPING.format(1), {**body, **files})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'class="error-summary"' in response.content.decode()
