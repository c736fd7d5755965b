"""The public verification page by code: the QR code's link and the code typed, and every
bad input (unknown, revoked, malformed, too many tries)."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.utils import timezone

from townhall.documents.codes import code_new
from townhall.documents.tests.factories import document_issued
from townhall.documents.verification import (
    LOOKUPS_PER_CLIENT,
    MASK_STARS,
    holder_name_masked,
)
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db

START = "/verifieren/"


@pytest.fixture(autouse=True)
def _fresh():
    """The look-ups count in the local-memory cache: each test starts at zero."""
    municipality_for_tests()
    cache.clear()
    yield
    cache.clear()


def _page(response) -> str:
    return response.content.decode()


# --- The holder's name, masked ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Jan Peeters", "J. P*****"),
        ("Jan Pieter Maria Peeters", "J. P*****"),
        ("An Van den Broeck", "A. V*****"),
        ("Marie-Claire de la Fontaine", "M. D*****"),
        ("Luc In 't Veld", "L. I*****"),
        ("élise österreich", "É. Ö*****"),
        ("Madonna", "M*****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_the_holder_shows_as_two_initials_and_stars(name, masked):
    assert holder_name_masked(name) == masked


def test_the_mask_never_tells_the_length_of_the_name():
    short, long = holder_name_masked("Jo Li"), holder_name_masked("Jo Lieven-Vandenabeele")
    assert len(short) == len(long) == len("J. L") + MASK_STARS


# --- By code -------------------------------------------------------------------------


def test_the_qr_link_shows_a_genuine_document_and_only_what_the_public_may_read(client):
    document, code = document_issued(
        holder_name="Jan Pieter Peeters", issuer="Gemeente Testgem, de burgemeester"
    )

    response = client.get(f"/verifieren/{code}/")

    assert response.status_code == 200
    page = _page(response)
    assert "This document is genuine" in page
    assert document.number in page
    assert "Certificate of residence" in page  # the kind's label, not its code
    assert "Gemeente Testgem, de burgemeester" in page
    assert document.sha256 in page
    assert "J. P*****" in page
    assert "Peeters" not in page
    assert "Pieter" not in page
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_code_reads_as_typed_in_small_letters_without_dashes_or_with_o_for_zero(client):
    document, _code = document_issued(code="0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV")

    for typed in ("0123456789abcdefghjkmnpqrstv", "O123-4567-89AB-CDEF-GHJK-MNPQ-RSTV"):
        response = client.get(f"/verifieren/{typed}/")
        assert response.status_code == 200, typed
        assert document.number in _page(response)


def test_a_typed_code_is_posted_and_shows_the_document(client):
    document, code = document_issued()

    response = client.post(START, {"code": f"  {code.lower()} "})

    assert response.status_code == 200
    assert document.number in _page(response)


def test_a_revoked_document_shows_revoked_with_its_date_but_never_the_reason(client):
    revoked_at = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 0))
    _document, code = document_issued(
        revoked_at=revoked_at, revocation_reason="Verhuisd naar Gent, zegt zijn zus"
    )

    response = client.get(f"/verifieren/{code}/")

    assert response.status_code == 200
    page = _page(response)
    assert "This document was revoked" in page
    assert "4 March 2026" in page
    assert "Gent" not in page
    assert "zus" not in page
    assert "This document is genuine" not in page


def test_a_purged_document_still_verifies_and_says_the_file_is_no_longer_kept(client):
    purged_at = timezone.make_aware(datetime.datetime(2026, 5, 6, 3, 0))
    document, code = document_issued(path="", purged_at=purged_at)

    response = client.get(f"/verifieren/{code}/")

    assert response.status_code == 200
    page = _page(response)
    assert "This document is genuine" in page
    assert "no longer keeps the file" in page
    assert "6 May 2026" in page
    assert document.sha256 in page


def test_an_unknown_code_is_a_404_page_that_says_not_found(client):
    document_issued()

    response = client.get(f"/verifieren/{code_new()}/")

    assert response.status_code == 404
    assert "We found no document with this code" in _page(response)
    assert "Verification code" in _page(response)  # and the field to try again


@pytest.mark.parametrize(
    "code",
    [
        "x",
        "A" * 27,
        "A" * 29,
        "A" * 5000,
        "ÄBCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345",
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-234U",  # U is not in the alphabet
        "%00" * 10,
        "..",
        "%2e%2e",
        "<script>alert(1)<script>",
        "' OR 1=1 --",
        "\u202eABCD",
    ],
)
def test_a_malformed_code_is_a_clear_not_found_page_never_an_error(client, code):
    response = client.get(f"/verifieren/{code}/")

    assert response.status_code == 404
    assert "We found no document with this code" in _page(response)


def test_a_path_trick_never_reaches_another_page(client):
    for path in (
        "/verifieren/../admin/",
        "/verifieren/a/b/",
        "/verifieren/..%2F..%2Fetc%2Fpasswd/",
        "/verifieren/%2e%2e%2f%2e%2e%2fadmin/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_malformed_typed_code_is_said_on_the_field(client):
    response = client.post(START, {"code": "1234"})

    assert response.status_code == 400
    assert "This is not a verification code" in _page(response)


def test_an_empty_typed_code_is_asked_again(client):
    response = client.post(START, {"code": ""})

    assert response.status_code == 400
    assert "There is a problem" in _page(response)


def test_unknown_and_revoked_run_the_same_queries(client, django_assert_num_queries):
    _valid, valid = document_issued()
    _revoked, revoked = document_issued(revoked_at=timezone.now(), revocation_reason="x")
    client.get(f"/verifieren/{valid}/")  # the layout's municipality is cached from here

    # The look-up by the code's digest, on its unique index: one query either way.
    with django_assert_num_queries(1) as unknown_queries:
        assert client.get(f"/verifieren/{code_new()}/").status_code == 404
    with django_assert_num_queries(1) as revoked_queries:
        assert client.get(f"/verifieren/{revoked}/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get(f"/verifieren/{valid}/").status_code == 200
    [unknown_sql] = [query["sql"] for query in unknown_queries.captured_queries]
    [revoked_sql] = [query["sql"] for query in revoked_queries.captured_queries]
    # The same statement, but for the digest it looks for.
    assert unknown_sql.split("WHERE")[0] == revoked_sql.split("WHERE")[0]


def test_the_start_page_runs_no_query_once_the_layout_is_cached(client, django_assert_num_queries):
    client.get(START)
    with django_assert_num_queries(0):
        response = client.get(START)
    assert response.status_code == 200
    page = _page(response)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page


# --- Guessing ----------------------------------------------------------------------------


def test_too_many_look_ups_from_one_address_get_a_429_that_says_when_to_try_again(client, caplog):
    _document, code = document_issued()
    for _try in range(LOOKUPS_PER_CLIENT.limit):
        assert client.get(f"/verifieren/{code_new()}/").status_code == 404

    response = client.get(f"/verifieren/{code}/")  # even the right code, now

    assert response.status_code == 429
    page = _page(response)
    assert "You checked too many documents in a short time" in page
    assert "15 minutes" in page
    assert client.post(START, {"code": code}).status_code == 429
    assert "Document verification by code: too many tries" in caplog.text
    # Another address is not held back.
    assert client.get(f"/verifieren/{code}/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_malformed_codes_count_as_tries_too(client):
    for _try in range(LOOKUPS_PER_CLIENT.limit):
        client.get("/verifieren/nonsense/")
    assert client.get("/verifieren/nonsense/").status_code == 429


def test_every_look_up_is_logged_without_the_code(client, caplog):
    document, code = document_issued()
    unknown = code_new()

    with caplog.at_level(logging.INFO):
        client.get(f"/verifieren/{code}/")
        client.get(f"/verifieren/{unknown}/")
        client.get("/verifieren/nonsense/")

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3  # and no "Not Found: <path>" of Django's with the code in it
    assert "by code: found (digest " in lines[0]
    assert "by code: unknown (digest " in lines[1]
    assert "by code: malformed" in lines[2]
    logged = "\n".join(lines)
    for secret in (code, unknown, code.replace("-", ""), unknown.replace("-", "")):
        assert secret not in logged
    assert document.code_digest not in logged  # a prefix only
