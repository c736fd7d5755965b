"""Print batches in the back office: start one for a street, follow it, print it; who
may, the access log, and every bad input of the form."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.registry.models import AccessLogEntry, Person, Street

pytestmark = pytest.mark.django_db

NEW = "/backoffice/documenten/reeksen/nieuw/"
LIST = "/backoffice/documenten/reeksen/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def residents(kerkstraat, municipality):
    """The Kerkstraat's residents, registered here since 2015 (so certifiable)."""
    home_nis = municipality.nis_code
    for person in kerkstraat.values():
        person.state, person.state_since = Person.State.RESIDENT, datetime.date(2015, 1, 1)
        person.save(update_fields=["state", "state_since"])
        person.domicile.nis_code = home_nis
        person.domicile.save(update_fields=["nis_code"])
    return kerkstraat


def form(**more):
    kerkstraat = Street.objects.filter(name="Kerkstraat").order_by("pk").first()
    return {
        "kind": "certificate_of_residence",
        "title": "Kerkstraat campaign",
        "street": str(kerkstraat.pk) if kerkstraat else "",
        "language": "own",
        "confirm": "on",
        **more,
    }


def test_citizens_affairs_starts_a_batch_for_a_street_follows_it_and_prints_it(
    client, citizens_affairs, residents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker (immediate tasks)
        response = client.post(NEW, form())
    batch = DocumentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:document_batch", args=[batch.uuid])
    assert batch.requested_by == citizens_affairs
    street = int(form()["street"])
    in_street = {p.pk for p in residents.values() if p.domicile.street_id == street}
    assert set(batch.holders) == in_street
    batch.refresh_from_db()
    assert batch.state == DocumentBatch.State.DONE
    assert batch.issued == len(in_street)
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Ready to print" in body or "ready to print" in body
    assert f'value="{batch.total}"' in body  # the progress bar, full
    assert "data-refresh" not in body  # finished: the page no longer refreshes itself
    # Making it read each holder's data; printing it shows each of them: both logged.
    viewed = AccessLogEntry.objects.filter(actor=citizens_affairs, action="view")
    assert set(viewed.values_list("person", flat=True)) == in_street
    download = client.get(reverse("backoffice:document_batch_pdf", args=[batch.uuid]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    exported = AccessLogEntry.objects.filter(actor=citizens_affairs, action="export")
    assert set(exported.values_list("person", flat=True)) == in_street


def test_a_running_batch_refreshes_its_progress_and_counts_who_got_nothing(
    client, citizens_affairs, residents
):
    batch = DocumentBatch.objects.create(
        kind="certificate_of_residence",
        title="Halfway",
        holders=[1, 2, 3, 4],
        total=4,
        done=2,
        issued=1,
        skipped={"The holder is not registered as living in the municipality.": 1},
        state=DocumentBatch.State.RUNNING,
        department=citizens_affairs.department,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    body = client.get(reverse("backoffice:document_batch", args=[batch.uuid])).content.decode()
    assert 'data-refresh="' in body
    assert '<progress id="progress-bar" max="4" value="2">' in body
    assert "2 van 4 personen behandeld (50%)" in body
    # The reason is kept as its English text and shown in the reader's language.
    assert "De houder is niet ingeschreven als inwoner van de gemeente." in body
    pdf = reverse("backoffice:document_batch_pdf", args=[batch.uuid])
    assert client.get(pdf).status_code == 404  # nothing to print yet


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"kind": "parking_permit"}, "Select a valid choice"),
        ({"street": "Nergensstraat"}, "Select a valid choice"),
        ({"street": "999999"}, "Select a valid choice"),
        ({"confirm": ""}, "Tick the box to start the batch."),
        ({"title": ""}, "Give the batch a name."),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"language": "de"}, "Select a valid choice"),
        ({"street": ""}, "Choose for whom the batch is."),
        ({"language": ""}, "Choose the language of the documents."),
    ],
)
def test_a_form_that_does_not_hold_says_why_and_starts_nothing(
    client, citizens_affairs, residents, changes, error
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(NEW, form(**changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DocumentBatch.objects.exists()


def test_a_street_whose_residents_cannot_be_certified_still_makes_a_batch_that_says_so(
    client, citizens_affairs, kerkstraat, django_capture_on_commit_callbacks
):
    # kerkstraat's residents live at addresses outside the test municipality.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, form())
    batch = DocumentBatch.objects.get()
    assert batch.issued == 0
    assert batch.skipped_count == batch.total
    body = client.get(reverse("backoffice:document_batch", args=[batch.uuid])).content.decode()
    assert "Nothing was issued, so there is nothing to print." in body
    assert not IssuedDocument.objects.exists()


def test_another_departments_batch_is_not_found_and_a_retry_needs_a_failed_batch(
    client, citizens_affairs, residents
):
    finance = staff_of("finance", "Financiën", "fien")
    theirs = DocumentBatch.objects.create(
        kind="certificate_of_residence", title="Theirs", department=finance.department
    )
    assert client.get(reverse("backoffice:document_batch", args=[theirs.uuid])).status_code == 404
    ours = DocumentBatch.objects.create(
        kind="certificate_of_residence", title="Ours", department=citizens_affairs.department
    )
    response = client.post(
        reverse("backoffice:document_batch_retry", args=[ours.uuid]), follow=True
    )
    assert "Only a batch that stopped by an error can be tried again." in response.content.decode()


def test_staff_without_the_permission_are_refused(client, municipality):
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    assert client.get("/backoffice/documenten/reeksen/").status_code == 403
    assert client.get(NEW).status_code == 403


def test_the_list_pages_by_keyset_in_one_query_of_its_own(
    client, citizens_affairs, django_assert_num_queries
):
    from townhall.backoffice.tests.test_document_pages import REQUEST, SHELL, counted

    for n in range(55):
        DocumentBatch.objects.create(
            kind="certificate_of_residence",
            title=f"Batch {n:02d}",
            department=citizens_affairs.department,
        )
    first = counted(client, LIST, django_assert_num_queries, REQUEST + SHELL + 1)
    titles = [batch.title for batch in first.context["page"]]
    assert len(titles) == 50
    assert titles[0] == "Batch 54"  # newest first
    older = first.context["page"].older
    rest = client.get(LIST, {"older": older}).context["page"]
    assert [batch.title for batch in rest] == [f"Batch {n:02d}" for n in range(4, -1, -1)]
