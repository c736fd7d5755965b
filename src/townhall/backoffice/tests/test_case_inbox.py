"""The case inboxes: filters, search, keyset pages, department scoping, giving cases to a
colleague, exports, the figures, and parameters that must never give a server error."""

import csv
import datetime
import io
import uuid

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.backoffice.tests.conftest import staff_of
from townhall.cases import selectors, services
from townhall.cases.models import Case, CaseEvent, WorkflowVersion
from townhall.catalog.services import product_create
from townhall.registry.models import AccessLogEntry
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

INBOX = "/backoffice/zaken/"
MINE = "/backoffice/zaken/mijn/"
ASSIGN = "/backoffice/zaken/toewijzen/"
EXPORT = "/backoffice/zaken/export/"
DASHBOARD = "/backoffice/zaken/cijfers/"
TODAY = timezone.localdate()


@pytest.fixture
def version(municipality):
    services.workflows_ensure()
    return WorkflowVersion.objects.order_by("pk").first()


@pytest.fixture
def finance(municipality):
    return staff_of("finance", "Financiën", "sofie")


@pytest.fixture
def colleague(finance):
    return staff_user("wim", department_code="finance", first_name="Wim", last_name="Peeters")


@pytest.fixture
def environment(municipality):
    return staff_of("environment", "Omgeving", "wouter")


def signed_in(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


@pytest.fixture
def make_case(version):
    made = []

    def make(department, *, person=None, days=10, opened_days_ago=1, **fields):
        made.append(None)
        n = len(made)
        return Case.objects.create(
            reference=f"TH-{TODAY.year}-{n:06d}",
            workflow_version=version,
            applicant_person=person,
            language="nl",
            department=department,
            task_label="Aanvraag beoordelen",
            opened_at=timezone.now() - datetime.timedelta(days=opened_days_ago, minutes=n),
            due_on=TODAY + datetime.timedelta(days=days),
            **fields,
        )

    return make


@pytest.fixture
def cases(finance, environment, make_case):
    """Finance's cases of An (overdue), Bart (due in two days), Chloé (later, waiting)
    and a closed one; environment's case of Dirk."""
    an = PersonFactory(given_names="An", family_name="Claeys")
    bart = PersonFactory(given_names="Bart", family_name="Wouters")
    chloe = PersonFactory(given_names="Chloé", family_name="Dubois")
    dirk = PersonFactory(given_names="Dirk", family_name="Omgevingsman")
    return {
        "an": make_case(finance.department, person=an, days=-2),
        "bart": make_case(finance.department, person=bart, days=2, assignee=finance),
        "chloe": make_case(
            finance.department,
            person=chloe,
            days=20,
            status=Case.Status.WAITING,
            paused_since=timezone.now(),
        ),
        "closed": make_case(
            finance.department,
            person=an,
            days=-30,
            is_open=False,
            status=Case.Status.GRANTED,
            closed_at=timezone.now() - datetime.timedelta(days=3),
        ),
        "dirk": make_case(environment.department, person=dirk, days=1),
    }


def references(response) -> list[str]:
    return [case.reference for case in response.context["page"]]


# --- The lists -----------------------------------------------------------------------


def test_the_inbox_lists_the_departments_open_cases_soonest_deadline_first(finance, cases):
    response = signed_in(finance).get(INBOX)
    assert response.status_code == 200
    assert references(response) == [cases[k].reference for k in ("an", "bart", "chloe")]
    html = response.content.decode()
    assert "Overdue: " in html
    assert "deadline--overdue" in html
    assert "Due soon: " in html
    assert "deadline--soon" in html
    assert "Paused, waiting for the applicant" in html
    assert reverse("backoffice:case", args=[cases["an"].uuid]) in html
    assert "An Claeys" in html
    assert "Omgevingsman" not in html


def test_every_applicant_shown_is_in_the_access_log(finance, cases):
    signed_in(finance).get(INBOX)
    logged = AccessLogEntry.objects.filter(actor=finance)
    assert sorted(logged.values_list("person__given_names", flat=True)) == ["An", "Bart", "Chloé"]
    assert {entry.action for entry in logged} == {AccessLogEntry.Action.VIEW}
    assert {entry.purpose for entry in logged} == {"Handling the cases of the department"}


def test_my_cases_are_those_given_to_me(finance, cases):
    response = signed_in(finance).get(MINE)
    assert references(response) == [cases["bart"].reference]
    assert "assignee" not in response.context["form"].fields


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "closed"}, ["closed"]),
        ({"status": "waiting"}, ["chloe"]),
        ({"status": "granted"}, ["closed"]),
        ({"deadline": "overdue"}, ["an"]),
        ({"deadline": "soon"}, ["bart"]),
        ({"deadline": "later"}, ["chloe"]),
        ({"assignee": "me"}, ["bart"]),
        ({"assignee": "nobody"}, ["an", "chloe"]),
        ({"sort": "newest"}, ["an", "bart", "chloe"]),
        ({"sort": "oldest"}, ["chloe", "bart", "an"]),
    ],
)
def test_filters_and_order(finance, cases, params, expected):
    response = signed_in(finance).get(INBOX, params)
    assert references(response) == [cases[k].reference for k in expected]
    assert not response.context["problems"]


def test_filter_by_product_and_by_a_colleague(finance, colleague, cases):
    product = product_create(
        title="Bewonerskaart",
        description="Parkeren.",
        product_type="Toelating",
        audiences=["resident"],
        themes=["MobiliteitOpenbareWerken"],
        department=finance.department,
        online=True,
    )
    services.workflows_ensure()
    Case.objects.filter(pk=cases["an"].pk).update(product=product, assignee=colleague)
    client = signed_in(finance)
    assert references(client.get(INBOX, {"product": product.pk})) == [cases["an"].reference]
    assert references(client.get(INBOX, {"assignee": colleague.pk})) == [cases["an"].reference]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("TH-{year}-000002", ["bart"]),
        ("th-{year}-2", ["bart"]),
        ("2", ["bart"]),
        ("000001", ["an"]),
        ("{year}-3", ["chloe"]),
        ("claeys", ["an"]),
        ("an claeys", ["an"]),
        ('"Dubois"', ["chloe"]),
        ("Omgevingsman", []),  # environment's applicant: not found from finance
        ("TH-{year}-000005", []),  # environment's case by reference
    ],
)
def test_search_by_reference_or_name(finance, cases, term, expected):
    response = signed_in(finance).get(INBOX, {"q": term.format(year=TODAY.year)})
    assert references(response) == [cases[k].reference for k in expected]


def test_a_name_search_reads_the_persons_first_then_their_cases_by_id(finance, cases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filters = selectors.InboxFilters(q="Claeys")
    with CaptureQueriesContext(connection) as queries:
        found = selectors.case_inbox_page(user=finance, filters=filters, params={}, today=TODAY)
    assert [c.reference for c in found.page] == [cases["an"].reference]
    persons, listed = (q["sql"] for q in queries.captured_queries)
    assert "registry_person" in persons
    assert "cases_case" not in persons
    assert '"applicant_person_id" IN (' in listed or "applicant_person_id` IN (" in listed
    assert "OFFSET" not in listed.upper()
    assert "COUNT(" not in listed.upper()


def test_keyset_pages_forward_and_back(finance, make_case):
    for n in range(60):
        make_case(finance.department, days=n % 7)
    client = signed_in(finance)
    first = client.get(INBOX, {"deadline": ""})
    assert len(first.context["page"]) == 50
    assert first.context["newer_url"] == ""
    second = client.get(INBOX + first.context["older_url"])
    assert len(second.context["page"]) == 10
    assert second.context["older_url"] == ""
    seen = references(first) + references(second)
    assert len(set(seen)) == 60
    dues = [Case.objects.get(reference=r).due_on for r in seen]
    assert dues == sorted(dues)
    back = client.get(INBOX + second.context["newer_url"])
    assert references(back) == references(first)
    # The filters stay in the page links.
    filtered = client.get(INBOX, {"sort": "newest", "q": ""})
    assert "sort=newest" in filtered.context["older_url"]


# --- Department scoping --------------------------------------------------------------


def test_a_finance_clerk_never_sees_an_environment_case(finance, environment, cases):
    client = signed_in(finance)
    dirk = cases["dirk"]
    for params in (
        {},
        {"assignee": environment.pk},
        {"status": "closed"},
        {"q": dirk.reference},
        {"q": "Omgevingsman"},
    ):
        response = client.get(INBOX, params)
        assert dirk.reference not in references(response), params
        assert "Dirk Omgevingsman" not in response.content.decode()
    export = client.get(EXPORT, {"format": "csv", "q": dirk.reference})
    assert dirk.reference not in b"".join(export.streaming_content).decode()
    # And the environment colleague sees theirs only.
    assert references(signed_in(environment).get(INBOX)) == [dirk.reference]


def test_a_superuser_sees_every_department(cases, municipality):
    root = staff_user("root", is_superuser=True, department_code=None)
    assert set(references(signed_in(root).get(INBOX))) == {
        cases[k].reference for k in ("an", "bart", "chloe", "dirk")
    }


def test_the_inboxes_need_the_permission_to_read_cases(municipality, cases):
    communication = staff_of("communication", "Communicatie", "pieter")
    client = signed_in(communication)
    before = AccessLogEntry.objects.count()
    for url in (INBOX, MINE, DASHBOARD, EXPORT + "?format=csv"):
        assert client.get(url).status_code == 403, url
    assert AccessLogEntry.objects.count() == before


# --- Giving cases to a colleague ---------------------------------------------------


def ticked(*cases_, version_offset=0):
    return [f"{c.uuid}:{c.version + version_offset}" for c in cases_]


def test_bulk_assign_gives_every_ticked_case(finance, colleague, cases):
    client = signed_in(finance)
    response = client.post(
        ASSIGN,
        {
            "case": ticked(cases["an"], cases["chloe"]),
            "assignee": colleague.pk,
            "list": "inbox",
            "query": "deadline=overdue&sort=due",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == INBOX + "?deadline=overdue&sort=due"
    for key in ("an", "chloe"):
        cases[key].refresh_from_db()
        assert cases[key].assignee == colleague
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 2
    page = client.get(response["Location"])
    assert "2 cases given to Wim Peeters." in page.content.decode()


def test_bulk_assign_to_nobody(finance, cases):
    signed_in(finance).post(ASSIGN, {"case": ticked(cases["bart"]), "assignee": "nobody"})
    cases["bart"].refresh_from_db()
    assert cases["bart"].assignee is None


def _nothing_changed(cases_):
    for case in cases_.values():
        before = case.assignee_id
        case.refresh_from_db()
        assert case.assignee_id == before
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNED).exists()


@pytest.mark.parametrize(
    "what",
    ["stale", "foreign", "unknown", "closed", "assignee elsewhere", "garbage", "none ticked"],
)
def test_bulk_assign_refuses_all_when_one_is_wrong(finance, colleague, environment, cases, what):
    good = ticked(cases["an"])
    posts = {
        "stale": {"case": [*good, *ticked(cases["chloe"], version_offset=-1)]},
        "foreign": {"case": [*good, *ticked(cases["dirk"])]},
        "unknown": {"case": [*good, f"{uuid.uuid4()}:1"]},
        "closed": {"case": [*good, *ticked(cases["closed"])]},
        "assignee elsewhere": {"case": good, "assignee": environment.pk},
        "garbage": {"case": [*good, "not-a-case:x"]},
        "none ticked": {"case": []},
    }
    client = signed_in(finance)
    response = client.post(ASSIGN, {"assignee": colleague.pk, **posts[what]}, follow=True)
    assert response.status_code == 200
    text = [str(m) for m in response.context["messages"]]
    assert text
    assert all("given to" not in m for m in text), text
    _nothing_changed(cases)


def test_the_service_refuses_an_assignee_of_another_department(finance, environment, cases):
    """A superuser picks from every department; the service still refuses, and says so."""
    root = staff_user("root", is_superuser=True, department_code=None)
    response = signed_in(root).post(
        ASSIGN,
        {"case": ticked(cases["an"], cases["dirk"]), "assignee": environment.pk},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert "does not work in the department" in message
    assert "Nothing was changed" in message
    _nothing_changed(cases)


def test_the_service_checks_the_versions_under_the_lock(finance, colleague, cases):
    """A case that changed between the list's read and the lock (another desk acted in
    that moment) changes nothing at all, not only that case."""
    read = list(Case.objects.filter(pk__in=[cases["an"].pk, cases["dirk"].pk]))
    Case.objects.filter(pk=cases["dirk"].pk).update(version=F("version") + 1)
    with pytest.raises(services.CaseChanged, match="Nothing was changed"):
        services.cases_assign(cases=read, assignee=colleague, actor=finance)
    assert not Case.objects.filter(pk__in=[c.pk for c in read], assignee=colleague).exists()


def test_bulk_assign_needs_the_permission_to_change_cases(municipality, finance, cases):
    reader = staff_user("lezer", department_code="finance")
    reader.user_permissions.add(Permission.objects.get(codename="view_case"))
    client = signed_in(reader)
    assert client.get(INBOX).status_code == 200
    assert "assign-assignee" not in client.get(INBOX).content.decode()
    response = client.post(ASSIGN, {"case": ticked(cases["an"]), "assignee": "nobody"})
    assert response.status_code == 403
    assert client.get(ASSIGN).status_code == 403


# --- Exports -------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_rows_and_logs_each_person(finance, cases):
    response = signed_in(finance).get(
        EXPORT, {"format": "csv", "status": "open", "deadline": "overdue"}
    )
    assert response.status_code == 200
    assert response.streaming
    name = response["Content-Disposition"]
    assert name == f'attachment; filename="cases-finance-{TODAY}.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Reference"
    assert [row[0] for row in rows[1:]] == [cases["an"].reference]
    assert rows[1][2] == "An Claeys"
    exported = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT)
    assert [e.person_id for e in exported] == [cases["an"].applicant_person_id]


def test_the_xlsx_export_opens_and_holds_the_rows(finance, cases):
    response = signed_in(finance).get(MINE.replace("mijn/", "export/"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Reference"
    assert sorted(row[0] for row in rows[1:]) == sorted(
        cases[k].reference for k in ("an", "bart", "chloe")
    )
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 3


def test_my_export_and_a_cut_export_say_so(finance, cases, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_MAX", 2)
    client = signed_in(finance)
    content = b"".join(client.get(EXPORT, {"format": "csv"}).streaming_content).decode()
    assert content.count(f"TH-{TODAY.year}") == 2
    assert "The list was cut at 2 rows" in content
    mine = b"".join(client.get(EXPORT, {"format": "csv", "list": "mine"}).streaming_content)
    assert cases["bart"].reference in mine.decode()
    assert "cut" not in mine.decode()


def test_a_name_that_starts_like_a_formula_is_exported_as_text(finance, make_case):
    person = PersonFactory(given_names="=HYPERLINK(1)", family_name="X")
    make_case(finance.department, person=person)
    content = b"".join(signed_in(finance).get(EXPORT, {"format": "csv"}).streaming_content)
    assert "'=HYPERLINK(1) X" in content.decode()


# --- The figures ---------------------------------------------------------------------


def test_the_dashboard_gives_open_overdue_median_and_90th_percentile(finance, make_case):
    now = timezone.now()
    for days in range(1, 11):  # closed after 1 .. 10 days
        case = make_case(finance.department, is_open=False, status=Case.Status.DONE)
        Case.objects.filter(pk=case.pk).update(
            opened_at=now - datetime.timedelta(days=days + 1),
            closed_at=now - datetime.timedelta(days=1),
        )
    old = make_case(finance.department, is_open=False, status=Case.Status.DONE)
    Case.objects.filter(pk=old.pk).update(closed_at=now - datetime.timedelta(days=100))
    make_case(finance.department, days=-1)
    make_case(finance.department, days=5)
    response = signed_in(finance).get(DASHBOARD)
    [line] = response.context["lines"]
    assert (line.open, line.overdue, line.closed) == (2, 1, 10)
    assert line.median_days == pytest.approx(5.5)
    assert line.p90_days == pytest.approx(9)
    assert "Without a product" in response.content.decode()


# --- Hostile parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"older": "nonsense"},
        {"newer": "2026-13-45~1"},
        {"older": "2026-01-01~" + "9" * 40},
        {"older": "\x00~1"},
        {"status": "everything"},
        {"product": "abc"},
        {"product": "9" * 30},
        {"assignee": "99999999999999999999"},
        {"deadline": "yesterday"},
        {"sort": "random"},
        {"q": "x" * 10_000},
        {"q": "1" * 40},
        {"q": "TH-2026-" + "9" * 20},
        {"q": "\x00"},
        {"list": "other", "format": "pdf"},
    ],
)
def test_hostile_parameters_get_a_page(finance, cases, params):
    client = signed_in(finance)
    for url in (INBOX, MINE):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
    export = client.get(EXPORT, {"format": "csv", **params})
    assert export.status_code in (200, 302)
    assert client.get(DASHBOARD, params).status_code == 200


def test_an_unreadable_filter_is_said_and_left_out(finance, cases):
    response = signed_in(finance).get(INBOX, {"status": "everything", "q": "x" * 10_000})
    problems = " ".join(response.context["problems"])
    assert "Status" in problems
    assert "at most 200 characters" in problems
    assert references(response) == [cases[k].reference for k in ("an", "bart", "chloe")]


def test_an_unknown_export_format_goes_back_to_the_list(finance, cases):
    response = signed_in(finance).get(EXPORT, {"format": "pdf"}, follow=True)
    assert "Choose to export as CSV or as XLSX." in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
