"""The back office's issued documents: the list, a document's page (a look at its holder),
revoking one; who may, and every bad input of the revocation."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.backoffice.tests.conftest import staff_of
from townhall.documents.models import IssuedDocument
from townhall.documents.tests.factories import case_for, document_issued
from townhall.registry.models import AccessLogEntry
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST = "/backoffice/documenten/"
REQUEST = 5  # session, user, second-factor device, the user's and group permissions
SHELL = 1  # the open correction requests beside their task


def _page_of(document) -> str:
    return reverse("backoffice:document", args=[document.uuid])


def _revoke_of(document) -> str:
    return reverse("backoffice:document_revoke", args=[document.uuid])


@pytest.fixture
def issued(citizens_affairs):
    """Documents of a citizens' affairs case, one without a case, one of finance's case."""
    holder = PersonFactory(given_names="Jan", family_name="Peeters")
    ours, _code = document_issued(
        holder=holder, holder_name=holder.full_name, case=case_for(holder)
    )
    loose, _code = document_issued(
        issued_at=timezone.now() - datetime.timedelta(days=1), kind="decision"
    )
    theirs, _code = document_issued(case=case_for(PersonFactory(), "finance"))
    return {"ours": ours, "loose": loose, "theirs": theirs, "holder": holder}


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_the_departments_documents_newest_first_without_holders(client, issued):
    response = client.get(LIST)

    assert response.status_code == 200
    assert list(response.context["page"]) == [issued["ours"], issued["loose"]]
    html = response.content.decode()
    assert issued["ours"].number in html
    assert "Certificate of residence" in html
    assert issued["theirs"].number not in html
    assert "Peeters" not in html  # the list names no holder: no look at a person
    assert not AccessLogEntry.objects.exists()


def test_a_search_by_number_finds_the_one_document_as_typed(client, issued):
    number = issued["loose"].number

    response = client.get(LIST, {"q": f"  {number.lower()} "})

    assert list(response.context["page"]) == [issued["loose"]]


def test_a_search_with_odd_characters_is_read_as_a_number(client, issued):
    for term in ("\x00", "' OR 1=1 --", "ING\x00-D", "x" * 5000, "<b>"):
        response = client.get(LIST, {"q": term})
        assert response.status_code == 200, term


def test_a_search_for_another_departments_number_finds_nothing_and_says_so(client, issued):
    number = issued["theirs"].number

    response = client.get(LIST, {"q": number})

    assert list(response.context["page"]) == []
    assert "or it was issued for a case of another department" in response.content.decode()


def test_the_list_is_paged_by_keyset(client, citizens_affairs):
    start = timezone.now() - datetime.timedelta(days=100)
    made = [document_issued(issued_at=start + datetime.timedelta(hours=n))[0] for n in range(52)]
    newest_first = made[::-1]

    first = client.get(LIST)
    assert list(first.context["page"]) == newest_first[:50]
    older = first.context["older_url"]
    assert older.startswith("?older=")
    second = client.get(LIST + older)
    assert list(second.context["page"]) == newest_first[50:]
    assert second.context["older_url"] == ""
    back = client.get(LIST + second.context["newer_url"])
    assert list(back.context["page"]) == newest_first[:50]


def test_a_cursor_that_cannot_be_read_starts_at_the_newest_page(client, issued):
    for cursor in ("nonsense", "2026-01-01T00:00:00~99999999999999999999", "~", "x" * 5000):
        response = client.get(LIST, {"older": cursor})
        assert response.status_code == 200
        assert list(response.context["page"]) == [issued["ours"], issued["loose"]]


# --- A document's page ------------------------------------------------------------------


def test_a_documents_page_shows_it_and_writes_the_holders_access_log(
    client, issued, citizens_affairs
):
    document = issued["ours"]

    response = client.get(_page_of(document))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Jan Peeters" in html
    assert document.sha256 in html
    assert document.case.reference in html
    assert "Revoke this document" in html
    [entry] = AccessLogEntry.objects.all()
    assert entry.person == issued["holder"]
    assert entry.actor == citizens_affairs
    assert entry.action == AccessLogEntry.Action.VIEW
    assert entry.purpose == f"handling document {document.number}"


def test_another_departments_document_is_not_found(client, issued):
    for url in (_page_of(issued["theirs"]), _revoke_of(issued["theirs"])):
        assert client.get(url).status_code == 404
    assert (
        client.post(_revoke_of(issued["theirs"]), {"reason": "x", "confirm": "on"}).status_code
        == 404
    )
    issued["theirs"].refresh_from_db()
    assert issued["theirs"].revoked_at is None
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_document_is_not_found(client, citizens_affairs):
    assert (
        client.get("/backoffice/documenten/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_a_superuser_sees_every_departments_document(client, issued):
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))

    assert client.get(_page_of(issued["theirs"])).status_code == 200
    assert len(client.get(LIST).context["page"]) == 3


# --- Who may ------------------------------------------------------------------------------


def test_a_department_without_the_permission_gets_403_everywhere(client, issued):
    sign_in_verified(client, staff_of("finance", "Financiën", "fien"))

    for url in (LIST, _page_of(issued["theirs"]), _revoke_of(issued["theirs"])):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(_revoke_of(issued["theirs"]), {"reason": "x", "confirm": "on"}).status_code
        == 403
    )
    issued["theirs"].refresh_from_db()
    assert issued["theirs"].revoked_at is None


def test_who_may_read_but_not_revoke_gets_no_button_and_403_on_revoking(client, issued):
    reader = staff_user("lezer")
    reader.user_permissions.add(
        Permission.objects.get(codename="view_issueddocument", content_type__app_label="documents")
    )
    sign_in_verified(client, reader)
    document = issued["ours"]

    assert "Revoke this document" not in client.get(_page_of(document)).content.decode()
    assert client.get(_revoke_of(document)).status_code == 403
    assert client.post(_revoke_of(document), {"reason": "x", "confirm": "on"}).status_code == 403
    document.refresh_from_db()
    assert document.revoked_at is None


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(issued):
    from django.test import Client

    response = Client().get(_revoke_of(issued["ours"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:sign_in"))


# --- Revoking -------------------------------------------------------------------------------


def test_the_revocation_asks_a_reason_and_a_confirmation_first(client, issued):
    response = client.get(_revoke_of(issued["ours"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Why is the document revoked?" in html
    assert 'type="checkbox"' in html
    issued["ours"].refresh_from_db()
    assert issued["ours"].revoked_at is None


def test_revoking_with_reason_and_confirmation_revokes_and_says_so(
    client, issued, citizens_affairs, django_capture_on_commit_callbacks
):
    document = issued["ours"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _revoke_of(document), {"reason": "Adres fout gedrukt", "confirm": "on"}
        )

    assert response.status_code == 302
    assert response["Location"] == _page_of(document)
    document.refresh_from_db()
    assert document.revoked_by == citizens_affairs
    assert document.revocation_reason == "Adres fout gedrukt"
    html = client.get(response["Location"]).content.decode()
    assert f"Document {document.number} is revoked." in html
    assert "Adres fout gedrukt" in html
    assert "Revoke this document" not in html


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"confirm": "on"}, "Say why the document is revoked."),
        ({"reason": "   ", "confirm": "on"}, "Say why the document is revoked."),
        ({"reason": "Fout"}, "Tick the box to confirm the revocation."),
        ({"reason": "x" * 5000, "confirm": "on"}, "at most 2000 characters"),
    ],
    ids=["no reason", "blank reason", "not confirmed", "too long"],
)
def test_a_revocation_without_reason_or_confirmation_is_refused_and_keeps_the_text(
    client, issued, posted, error
):
    document = issued["ours"]

    response = client.post(_revoke_of(document), posted)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if posted.get("reason", "").strip() and len(posted["reason"]) < 100:
        assert posted["reason"] in html  # what was typed is still there
    document.refresh_from_db()
    assert document.revoked_at is None


def test_revoking_twice_says_it_was_revoked_already_and_changes_nothing(client, issued):
    document = issued["ours"]
    client.post(_revoke_of(document), {"reason": "Eerste", "confirm": "on"})

    response = client.post(_revoke_of(document), {"reason": "Tweede", "confirm": "on"}, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Document {document.number} was revoked already, on " in html
    document.refresh_from_db()
    assert document.revocation_reason == "Eerste"
    # And its question page says so instead of asking again.
    again = client.get(_revoke_of(document)).content.decode()
    assert "This document was revoked already" in again
    assert "Why is the document revoked?" not in again


def test_the_verification_page_shows_the_revocation(client, issued):
    from townhall.documents.codes import code_new

    code = code_new()
    document, code = document_issued(code=code, case=issued["ours"].case)
    client.post(_revoke_of(document), {"reason": "Fout", "confirm": "on"})

    page = client.get(f"/verifieren/{code}/").content.decode()

    assert "This document was revoked" in page


# --- Query counts ----------------------------------------------------------------------------


def counted(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm the caches, as a staff member's second page would
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_list_runs_one_query_of_its_own(client, issued, django_assert_num_queries):
    for n in range(3):
        document_issued(issued_at=timezone.now() - datetime.timedelta(days=2 + n))
    # The page of documents with their cases.
    response = counted(client, LIST, django_assert_num_queries, REQUEST + SHELL + 1)
    assert len(response.context["page"]) == 5
    counted(
        client, f"{LIST}?q={issued['ours'].number}", django_assert_num_queries, REQUEST + SHELL + 1
    )


def test_a_documents_page_runs_its_queries(client, issued, django_assert_num_queries):
    # The document with its holder, case, department and staff (one query); the look in
    # the holder's access log (an insert in a transaction of its own: a savepoint and
    # its release in a test).
    counted(client, _page_of(issued["ours"]), django_assert_num_queries, REQUEST + SHELL + 4)
    # Without a holder: no look to write.
    counted(client, _page_of(issued["loose"]), django_assert_num_queries, REQUEST + SHELL + 1)


def test_the_revocation_page_runs_one_query_of_its_own(client, issued, django_assert_num_queries):
    counted(client, _revoke_of(issued["ours"]), django_assert_num_queries, REQUEST + SHELL + 1)


def test_a_revoked_documents_page_names_who_revoked_it_in_the_same_query(
    client, issued, django_assert_num_queries
):
    document = issued["loose"]
    client.post(_revoke_of(document), {"reason": "Fout", "confirm": "on"})
    response = counted(client, _page_of(document), django_assert_num_queries, REQUEST + SHELL + 1)
    assert "Katrien Vanhoutte" in response.content.decode()
    assert IssuedDocument.objects.get(pk=document.pk).revoked_at is not None
