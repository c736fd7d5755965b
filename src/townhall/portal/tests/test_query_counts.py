"""Pinned query counts of the resident pages: a page that starts to run a query per
row (an N+1) fails here instead of landing quietly.

Each page is opened once before it is counted, as a resident's second page.
Every count is taken with more than one row of what the page lists, so a query
per row would change it.

Every page of a signed-in resident runs the same three (``REQUEST``): the
session, the user and their person. The municipality's profile the layout shows
(postcodes, departments, opening hours) comes from the cache, and the session is
saved only when it changed or is a minute old (``accounts.sessions``).

The public pages (home, sign-in, accessibility statement) are kept whole for a
visitor without a session (``townhall.page_cache``): no query at all.
"""

import datetime
from urllib.parse import quote, urlencode

import pytest

from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in
from townhall.cases.models import Case
from townhall.cases.services import case_reply_add
from townhall.messaging.services import message_send
from townhall.messaging.templates import templates_load
from townhall.portal import my_messages
from townhall.portal.tests import test_my_cases

pytestmark = pytest.mark.django_db
catalogue = test_my_cases.catalogue  # the demo catalogue and the example forms
case_opened = test_my_cases.case_opened

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
REQUEST = 3


@pytest.fixture
def an(client, family, django_capture_on_commit_callbacks):
    """An signed in with eID, three messages sent to her, a mandate given and one received."""
    templates_load()
    with django_capture_on_commit_callbacks(execute=True):
        messages = [
            message_send(
                recipient=family["an"],
                template="decision",
                context={**DECISION, "case_reference": f"2026-0000{n}"},
            )
            for n in range(3)
        ]
    for grantor, grantee, user in (("an", "bart", "an_user"), ("bart", "an", "bart_user")):
        mandate_grant(
            grantor=family[grantor],
            grantee=family[grantee],
            scope="all",
            valid_until=in_a_year(),
            actor=family[user],
        )
    sign_in(client, family["an_user"])
    return {"client": client, "messages": messages}


def counted(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm the caches, as a resident's second page would
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_my_page(an, django_assert_num_queries):
    # The mandates in force and the representations to act for.
    # + 1: the unfinished requests (drafts), however many.
    counted(an["client"], "/mijn/", django_assert_num_queries, REQUEST + 3)


def test_my_data(an, django_assert_num_queries):
    # The person with their sources, household, representations, contact
    # preference, topic channels, consents, open corrections and access log
    # (nine reads). The activity record of the view was written on the first visit.
    counted(an["client"], "/mijn/gegevens/", django_assert_num_queries, REQUEST + 9)


def test_my_messages_list(an, django_assert_num_queries):
    response = counted(an["client"], "/mijn/berichten/", django_assert_num_queries, REQUEST + 1)
    assert len(response.context["sent"]) == 3


def test_my_messages_detail(an, django_assert_num_queries):
    url = f"/mijn/berichten/{an['messages'][0].uuid}/"
    counted(an["client"], url, django_assert_num_queries, REQUEST + 1)


def test_contact_preferences(an, django_assert_num_queries):
    # The contact preference, the channel per topic and the consents.
    counted(an["client"], "/mijn/contact/", django_assert_num_queries, REQUEST + 3)


def test_mandates(an, django_assert_num_queries):
    # The mandates given and those received, each with the other person.
    response = counted(an["client"], "/mijn/volmachten/", django_assert_num_queries, REQUEST + 2)
    assert len(response.context["given"]) == len(response.context["received"]) == 1


def test_my_messages_pages_by_time_and_an_older_page_costs_the_same(
    an, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(my_messages, "PAGE", 2)
    client = an["client"]
    first = client.get("/mijn/berichten/")
    assert len(first.context["sent"]) == 2
    older = first.context["sent"].older
    assert f'href="?older={quote(older)}"' in first.content.decode()

    response = counted(
        client,
        f"/mijn/berichten/?{urlencode({'older': older})}",
        django_assert_num_queries,
        REQUEST + 1,
    )
    page = response.context["sent"]
    assert [m.pk for m in page] == [an["messages"][0].pk]
    assert page.older is None
    assert "?newer=" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "first"), [("/", 5), ("/aanmelden/", 4), ("/toegankelijkheid/", 4)]
)
def test_public_pages_from_the_cache(client, municipality, path, first, django_assert_num_queries):
    # The first visitor's page reads the municipality's profile with its postcodes,
    # departments and opening hours (and the home page the current alerts, news);
    # the next visitor's comes from the cache.
    with django_assert_num_queries(first):
        assert client.get(path).status_code == 200
    client.cookies.clear()
    counted(client, path, django_assert_num_queries, 0)


def test_home_of_a_signed_in_resident(an, django_assert_num_queries):
    # Made for the resident (never from the cache of public pages); the profile is cached.
    # + 1: the current alerts (townhall.news), however many.
    response = counted(an["client"], "/", django_assert_num_queries, REQUEST + 1)
    assert "Go to my page" in response.content.decode()


def test_my_cases_list(an, family, catalogue, django_assert_num_queries):
    first = case_opened(
        catalogue["bewonerskaart-parkeren"],
        "TH-2026-000100",
        user=family["an_user"],
        subject_person=family["an"],
    )
    Case.objects.bulk_create(
        Case(
            reference=f"TH-2026-{n:06d}",
            workflow_version=first.workflow_version,
            product=first.product,
            applicant_person=first.applicant_person,
            handed_in_by=first.handed_in_by,
            language="nl",
            department=first.department,
            opened_at=first.opened_at - datetime.timedelta(days=n),
            due_on=first.due_on,
        )
        for n in range(1, 30)
    )
    # A page of 25 of her 30 cases with their products (one query), however many there are.
    response = counted(an["client"], "/mijn/zaken/", django_assert_num_queries, REQUEST + 1)
    page = response.context["page"]
    assert len(page) == 25
    assert page.older


def test_a_case_page(an, family, catalogue, django_assert_num_queries):
    case = case_opened(
        catalogue["bewonerskaart-parkeren"],
        "TH-2026-000100",
        user=family["an_user"],
        subject_person=family["an"],
    )
    for text in ("Wanneer hoor ik iets?", "Nog een vraag."):
        case_reply_add(case=case, text=text, user=family["an_user"])
    from townhall.documents.tests.factories import issued_document_row

    for kind in ("parking_permit", "decision"):
        issued_document_row(case=case, holder=family["an"], kind=kind)
    # The case with its product and submission, its open question, its public timeline,
    # the documents issued for it and the files she sent: one query each, however long
    # the timeline and however many documents.
    response = counted(
        an["client"], f"/mijn/zaken/{case.uuid}/", django_assert_num_queries, REQUEST + 5
    )
    assert len(response.context["documents"]) == 2
    assert len(response.context["timeline"]) == 3
