"""My requests: what the one acted for handed in, newest first, each with its receipt."""

import datetime

import pytest
from django.utils import timezone

from townhall.accounts.acting import ACTING_KEY
from townhall.accounts.assisted import ACCESS_PURPOSE
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in
from townhall.eforms.models import Submission
from townhall.eforms.services import form_examples_load
from townhall.portal import my_requests
from townhall.portal.tests import test_my_data_assisted as assisted

pytestmark = pytest.mark.django_db
counter = assisted.counter  # Els of Burgerzaken runs an assisted session for An
URL = "/mijn/aanvragen/"


@pytest.fixture
def versions(family):
    return {version.form.slug: version for version in form_examples_load()}


def _submission(version, reference, days_ago, **who):
    submission = Submission(
        reference=reference,
        version=version,
        language="nl",
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        **who,
    )
    submission.set_answers({"values": {"location": "Kerkstraat 40"}, "known": {}})
    submission.save()
    return submission


@pytest.fixture
def handed_in(family, versions):
    parking, dumping = versions["bewonerskaart-parkeren"], versions["sluikstort-melden"]
    an, an_user = family["an"], family["an_user"]
    bart, bart_user = family["bart"], family["bart_user"]
    club = family["bart_chair"].organisation
    return {
        "an_old": _submission(parking, "TH-2026-000001", 9, user=an_user, subject_person=an),
        "an_new": _submission(dumping, "TH-2026-000004", 1, user=an_user, subject_person=an),
        # Bart, with An's mandate, asked something for her.
        "for_an": _submission(parking, "TH-2026-000002", 5, user=bart_user, subject_person=an),
        "bart": _submission(parking, "TH-2026-000003", 3, user=bart_user, subject_person=bart),
        "club": _submission(
            dumping, "TH-2026-000005", 2, user=bart_user, subject_organisation=club
        ),
        "anonymous": _submission(dumping, "TH-2026-000006", 0, tracking_code_hash="x" * 64),
    }


def _references(response) -> list[str]:
    return [submission.reference for submission in response.context["page"]]


def test_a_resident_sees_their_requests_newest_first(client, family, handed_in):
    sign_in(client, family["an_user"])
    response = client.get(URL)
    assert response.status_code == 200
    # Hers, and the one Bart made for her; not Bart's own, the club's or an anonymous one.
    assert _references(response) == ["TH-2026-000004", "TH-2026-000002", "TH-2026-000001"]
    page = response.content.decode()
    assert "Report illegal dumping" in page
    assert "Resident parking card" in page
    assert "Received" in page
    assert f'href="/loket/aanvraag/{handed_in["an_new"].uuid}/ontvangstbewijs/"' in page
    assert response["Cache-Control"] == "no-store"
    # The receipt of the one Bart made for her opens for her too: one rule for both.
    receipt = client.get(f"/loket/aanvraag/{handed_in['for_an'].uuid}/ontvangstbewijs/")
    assert receipt.status_code == 200
    other = client.get(f"/loket/aanvraag/{handed_in['bart'].uuid}/ontvangstbewijs/")
    assert other.status_code == 404


def test_my_page_links_to_my_requests(client, family):
    sign_in(client, family["an_user"])
    assert f'href="{URL}"' in client.get("/mijn/").content.decode()


def test_the_requests_are_paged(client, family, handed_in, monkeypatch):
    monkeypatch.setattr(my_requests, "PAGE", 2)
    sign_in(client, family["an_user"])
    first = client.get(URL)
    assert _references(first) == ["TH-2026-000004", "TH-2026-000002"]
    older = first.context["page"].older
    second = client.get(URL, {"older": older})
    assert _references(second) == ["TH-2026-000001"]
    assert second.context["page"].newer
    # A cursor that cannot be read starts again at the newest page.
    assert _references(client.get(URL, {"older": "not-a-cursor"})) == _references(first)


def test_acting_for_an_organisation_shows_its_requests(client, family, handed_in):
    sign_in(client, family["bart_user"])
    session = client.session
    session[ACTING_KEY] = {"kind": "representation", "id": family["bart_chair"].pk}
    session.save()
    response = client.get(URL)
    assert _references(response) == ["TH-2026-000005"]
    assert "Wielerclub De Spurters" in response.content.decode()


def test_a_mandate_that_covers_applications_shows_the_grantors_requests(client, family, handed_in):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="cases",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    sign_in(client, family["bart_user"])
    # For himself: his own request; the one for An shows under An, the club's under the club.
    assert _references(client.get(URL)) == ["TH-2026-000003"]
    session = client.session
    session[ACTING_KEY] = {"kind": "mandate", "id": mandate.pk}
    session.save()
    assert _references(client.get(URL)) == [
        "TH-2026-000004",
        "TH-2026-000002",
        "TH-2026-000001",
    ]


def test_a_mandate_for_data_only_shows_no_requests_of_the_grantor(client, family, handed_in):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="personal_data",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    sign_in(client, family["bart_user"])
    session = client.session
    session[ACTING_KEY] = {"kind": "mandate", "id": mandate.pk}
    session.save()
    response = client.get(URL)
    assert response.status_code == 403
    assert "does not cover following their requests" in response.content.decode()
    assert "TH-2026-" not in response.content.decode()


def test_an_email_account_sees_only_what_it_handed_in(client, family, handed_in):
    sign_in(client, family["an_user"], level="low")
    # Bart's request for An proves nothing about who signs in with an e-mail address.
    assert _references(client.get(URL)) == ["TH-2026-000004", "TH-2026-000001"]


def test_my_requests_needs_a_sign_in(client, family):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/aanmelden/")


def test_in_an_assisted_session_my_requests_and_a_receipt_are_the_staff_members_looks(
    english, family, handed_in, counter
):
    response = english.get(URL)
    assert _references(response) == ["TH-2026-000004", "TH-2026-000002", "TH-2026-000001"]
    receipt = english.get(f"/loket/aanvraag/{handed_in['an_new'].uuid}/ontvangstbewijs/")
    assert receipt.status_code == 200
    assert sorted(assisted.staff_looks(family["an"], counter)) == [
        ("view", f"{ACCESS_PURPOSE}: My requests"),
        ("view", f"{ACCESS_PURPOSE}: Receipt"),
    ]
