"""Pinned query counts of the back-office pages: a query per row (an N+1) fails here.

Each page is opened once before it is counted, as a staff member's second page,
and always with more than one row of what it lists. Every staff page runs the
same five (``REQUEST``): the session, the user, the second-factor device (which
also shows the app is still set up), and the user's own and group permissions.
The municipality's profile the layout shows (postcodes, departments, opening
hours) and the staff member's department come from the cache, and the session
is saved only when it was changed or is a minute old (``accounts.sessions``).

The staff layout adds one (``SHELL``): for a role that handles them, the open
correction requests of the department (a count beside the task). The start
page counts them for its cards already, and the department's open cases (on
the start page only).
"""

import datetime
from urllib.parse import urlencode

import pytest
from freezegun import freeze_time

from townhall.accounts.models import User
from townhall.accounts.services import mandate_grant
from townhall.backoffice.messaging_views import overview, persons
from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.models import Broadcast, LetterBatch
from townhall.messaging.services import message_cancel, message_send
from townhall.registry.tests.factories import PersonFactory, street_pk

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
PURPOSE = {"purpose": "counter", "explanation": ""}
REQUEST = 5
SHELL = 1


@pytest.fixture(autouse=True)
def _in_the_quiet_hours():
    """At 23:30 in Brussels, so the text messages wait for the morning and the
    broadcast page asks why; at another hour they would leave, and the page would
    run one query less."""
    with freeze_time("2026-12-01 22:30:00", tick=True):
        yield


@pytest.fixture
def outbox(templates, kerkstraat, citizens_affairs, django_capture_on_commit_callbacks):
    """Messages to every resident of the Kerkstraat (e-mail, SMS, letters), two
    broadcasts, a cancelled message to An and two that failed, so the pages have
    rows to list."""
    nobody = PersonFactory(domicile=None, email="", mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            message_send(recipient=nobody, template="decision", context=DECISION)
        for person in kerkstraat.values():
            message_send(recipient=person, template="decision", context=DECISION)
        for street in ("Kerkstraat", "Molenstraat"):
            broadcast_send(
                template="document-request",
                context={"case_reference": "2026-9", "document": "een foto", "deadline": "morgen"},
                selection=Selection(street=street_pk(street)),
                sent_by=citizens_affairs,
            )
    waiting = message_send(recipient=kerkstraat["an"], template="decision", context=DECISION)
    message_cancel(message=waiting, actor=citizens_affairs)
    return kerkstraat


def counted(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm the caches, as a staff member's second page would
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_back_office_home(client, outbox, django_assert_num_queries):
    # The roles, the open corrections, the department's open cases and the backup codes left.
    counted(client, "/backoffice/", django_assert_num_queries, REQUEST + 4)


def test_messaging_overview(client, outbox, django_assert_num_queries):
    # The kept counts (not a count of the outbox), the broadcasts with template
    # and sender, and the failures.
    response = counted(
        client, "/backoffice/berichten/", django_assert_num_queries, REQUEST + SHELL + 3
    )
    assert len(response.context["broadcasts"]) == 2
    assert len(response.context["failed"]) == 2


def test_broadcast_detail(client, outbox, django_assert_num_queries):
    broadcast = Broadcast.objects.filter(selection_label__icontains="Kerkstraat").get()
    url = f"/backoffice/berichten/verzending/{broadcast.uuid}/"
    # The broadcast with template and sender, its counts per channel and state,
    # its letters waiting in a batch, why its messages on their way wait, and its texts.
    counted(client, url, django_assert_num_queries, REQUEST + SHELL + 5)


def test_person_message_log(client, outbox, django_assert_num_queries):
    url = f"/backoffice/berichten/persoon/{outbox['an'].pk}/"
    client.post(url, PURPOSE)
    # The person and the access log entry written (a look at a person), then the
    # messages with broadcast, sender and batch, their events, and the events' actors;
    # the person's household, for the link to it among the person's pages.
    response = counted(client, url, django_assert_num_queries, REQUEST + SHELL + 6)
    assert len(response.context["sent"]) == 3


def test_letter_batches(client, outbox, django_assert_num_queries):
    assert LetterBatch.objects.exists()
    # The open, the printed and the last posted batches, each with its letters counted.
    counted(
        client, "/backoffice/berichten/brieven/", django_assert_num_queries, REQUEST + SHELL + 3
    )


def test_message_templates(client, outbox, django_assert_num_queries):
    # The templates and their texts.
    response = counted(
        client, "/backoffice/berichten/sjablonen/", django_assert_num_queries, REQUEST + SHELL + 2
    )
    assert len(response.context["templates"]) > 2


def test_older_pages_of_the_log_and_the_broadcasts_cost_the_same(
    client, outbox, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(persons, "LOG_PAGE", 2)
    monkeypatch.setattr(overview, "RECENT", 1)
    url = f"/backoffice/berichten/persoon/{outbox['an'].pk}/"
    client.post(url, PURPOSE)
    first = client.get(url).context["sent"]
    older = counted(
        client,
        f"{url}?{urlencode({'older': first.older})}",
        django_assert_num_queries,
        # As the first page, less the events' actors: An's oldest message (sent
        # at once) has no event, so there is no actor to read.
        REQUEST + SHELL + 5,
    ).context["sent"]
    assert (len(first), len(older), older.older) == (2, 1, None)

    newest = client.get("/backoffice/berichten/").context["broadcasts"]
    response = counted(
        client,
        f"/backoffice/berichten/?{urlencode({'older': newest.older})}",
        django_assert_num_queries,
        REQUEST + SHELL + 3,
    )
    [oldest] = response.context["broadcasts"]
    assert oldest.pk != newest.items[0].pk
    assert "?newer=" in response.content.decode()


def test_a_persons_mandates(client, outbox, django_assert_num_queries):
    an, jef, bart = outbox["an"], outbox["jef"], outbox["bart"]
    until = datetime.date.today() + datetime.timedelta(days=30)
    account = User.objects.create(username="eid-an", kind=User.Kind.RESIDENT, person=an)
    for grantee in (jef, bart):
        mandate_grant(grantor=an, grantee=grantee, scope="all", valid_until=until, actor=account)
    mandate_grant(grantor=jef, grantee=an, scope="messages", valid_until=until, actor=account)
    url = f"/backoffice/persoon/{an.pk}/volmachten/"
    client.post(url, PURPOSE)
    # The person; the mandates given with their grantees, and received with their
    # grantors; the access log of everyone shown, in one insert (the department it
    # names is the shell's); the person's household, for the link to it.
    response = counted(client, url, django_assert_num_queries, REQUEST + SHELL + 5)
    assert (len(response.context["given"]), len(response.context["received"])) == (2, 1)


def test_compose_preview(client, communication, templates, kerkstraat, django_assert_num_queries):
    form = {
        "action": "preview",
        "audience": "street",
        "street": street_pk("Kerkstraat"),
        "topic": "alerts",
        "subject_nl": "Wegenwerken",
        "body_nl": "Van maandag tot vrijdag is de straat afgesloten.",
    }
    url = "/backoffice/berichten/nieuw/"
    client.post(url, form)  # warm the caches, as a staff member's second page would
    # The streets of the form's choices are kept in the cache. The recipients (their
    # ids, then the persons with their domicile), their channel for the topic and
    # preferred channel, whether any of their addresses bounced before, and the name of
    # the chosen street for the label (the selection holds the street's row, not its name).
    with django_assert_num_queries(REQUEST + 6):
        response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["counts"].total == 5


@pytest.fixture
def case_rows(citizens_affairs, kerkstraat):
    """Open cases of citizens' affairs for every resident of the Kerkstraat (two for An),
    one given to Katrien, and two closed in the last days."""
    from townhall.cases.models import Case, WorkflowVersion
    from townhall.cases.services import workflows_ensure

    workflows_ensure()
    version = WorkflowVersion.objects.order_by("pk").first()
    department = citizens_affairs.department
    today = datetime.date.today()
    people = [*kerkstraat.values(), kerkstraat["an"]]
    for n, person in enumerate(people, start=1):
        Case.objects.create(
            reference=f"TH-2026-{n:06d}",
            workflow_version=version,
            applicant_person=person,
            language="nl",
            department=department,
            assignee=citizens_affairs if n == 1 else None,
            due_on=today + datetime.timedelta(days=n - 2),
        )
    for n in (90, 91):
        Case.objects.create(
            reference=f"TH-2026-{n:06d}",
            workflow_version=version,
            language="nl",
            department=department,
            is_open=False,
            status=Case.Status.DONE,
            due_on=today,
            closed_at=datetime.datetime.now(tz=datetime.UTC),
        )
    return people


def test_case_inbox(client, case_rows, django_assert_num_queries):
    # The colleagues (filter and assignment), the products to filter by, the page of
    # cases with product, assignee and applicant, and the access log of everyone shown
    # in one insert.
    response = counted(client, "/backoffice/zaken/", django_assert_num_queries, REQUEST + SHELL + 4)
    assert len(response.context["page"]) == 7
    # A search by name reads the persons first, then their cases: one more.
    response = counted(
        client, "/backoffice/zaken/?q=Maes", django_assert_num_queries, REQUEST + SHELL + 5
    )
    from townhall.cases.models import Case

    # Jef and Lotte Maes (the factory may draw Maes for the resident elsewhere too).
    maes = Case.objects.filter(is_open=True, applicant_person__family_name="Maes").count()
    assert len(response.context["page"]) == maes >= 2


def test_my_cases(client, case_rows, django_assert_num_queries):
    response = counted(
        client, "/backoffice/zaken/mijn/", django_assert_num_queries, REQUEST + SHELL + 4
    )
    assert len(response.context["page"]) == 1


def test_case_dashboard(client, case_rows, django_assert_num_queries):
    # The open cases per product, the closed ones' times, the products.
    response = counted(
        client, "/backoffice/zaken/cijfers/", django_assert_num_queries, REQUEST + SHELL + 3
    )
    [line] = response.context["lines"]
    assert (line.open, line.closed) == (7, 2)


def test_case_page(client, case_rows, django_assert_num_queries):
    # The case with what it shows beside it (one query); the look written to the
    # applicant's access log and the case (two inserts, in a transaction of their
    # own: a savepoint and its release in a test); the timeline, who looked,
    # the files, the questions, and whether a step can be taken back. However often
    # the case was opened, the looks come as one line per staff member.
    from townhall.cases.models import Case
    from townhall.documents.tests.factories import issued_document_row

    case = Case.objects.get(reference="TH-2026-000001")
    for kind in ("parking_permit", "decision"):
        issued_document_row(case=case, holder=case.applicant_person, kind=kind)
    for _ in range(3):
        client.get(f"/backoffice/zaken/{case.uuid}/")
    # ... and the documents issued for it: one query, however many.
    response = counted(
        client, f"/backoffice/zaken/{case.uuid}/", django_assert_num_queries, REQUEST + SHELL + 11
    )
    assert len(response.context["documents"]) == 2
    assert [event.kind for event in response.context["timeline"]] == []
    [viewer] = response.context["viewers"]
    assert viewer["times"] == 5
