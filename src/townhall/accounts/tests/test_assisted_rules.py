"""Who may start an assisted session, and what staff may do on the resident's behalf in it.

Only a role that serves residents at the counter (Burgerzaken) may start one.
Inside it a lasting grant (a mandate given or revoked) needs the staff
member's confirmation that the resident asked for it, and is then recorded
with the staff member as actor; acting for anyone else is refused.
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from townhall.accounts import assisted
from townhall.accounts.acting import ACTING_KEY, ASSISTED_KEY
from townhall.accounts.models import ActivityRecord, Mandate, User
from townhall.accounts.roles import ROLES, START_ASSISTED_SESSION, staff_role_assign
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year
from townhall.accounts.tests.staff import (
    department,
    resident_person,
    sign_in_resident,
    sign_in_verified,
    staff_user,
    totp_device,
)
from townhall.registry.models import AccessLogEntry

pytestmark = pytest.mark.django_db

START = reverse("backoffice:assisted_start")
MANDATES = reverse("accounts:mandates")


def staff_of(code: str, name: str, username: str) -> User:
    department(code, name)
    user = staff_user(username, department_code=code, first_name=username.title())
    staff_role_assign(user=user)
    totp_device(user)
    return user


@pytest.fixture
def burgerzaken(client):
    user = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, user)
    return user


@pytest.fixture
def communicatie(client):
    user = staff_of("communication", "Communicatie", "pieter")
    sign_in_verified(client, user)
    return user


def start(client, number):
    return client.post(
        START, {"national_number": number, "document": "eid_card", "identity_checked": "on"}
    )


# --- Who may start one -------------------------------------------------------------


def test_only_the_counter_role_holds_the_permission():
    holders = {code for code, role in ROLES.items() if START_ASSISTED_SESSION in role.permissions}
    assert holders == {"citizens_affairs"}


def test_communicatie_is_refused_and_nothing_happens(client, communicatie):
    person, number = resident_person()
    assert client.get(START).status_code == 403
    response = start(client, number)
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()
    assert not ActivityRecord.objects.filter(action__startswith="assisted_session").exists()
    assert not User.objects.filter(person=person).exists()
    # Still signed in as herself, not as the resident.
    assert client.session["_auth_user_id"] == str(communicatie.pk)
    assert ASSISTED_KEY not in client.session


def test_communicatie_is_not_offered_the_session_on_the_back_office_home(client, communicatie):
    html = client.get(reverse("backoffice:home")).content.decode()
    assert START not in html
    assert "Start an assisted session" not in html


def test_burgerzaken_is_offered_it_and_may_start_one(client, burgerzaken):
    assert START in client.get(reverse("backoffice:home")).content.decode()
    person, number = resident_person()
    assert start(client, number)["Location"] == reverse("portal:my_page")
    assert client.session["_auth_user_id"] == str(User.objects.get(person=person).pk)
    assert client.session[ASSISTED_KEY] == burgerzaken.pk


def test_the_service_itself_refuses_staff_without_the_permission(communicatie):
    _person, number = resident_person()
    request = type("Request", (), {})()
    request.user = communicatie
    communicatie.is_verified = lambda: True  # passed the second factor
    request.session = SessionStore()
    with pytest.raises(PermissionDenied):
        assisted.assisted_session_start(request, national_number=number, document="eid_card")
    assert not AccessLogEntry.objects.exists()


def test_the_session_ends_when_the_staff_member_loses_the_role(client, burgerzaken):
    person, number = resident_person()
    start(client, number)
    burgerzaken.groups.clear()
    response = client.get(reverse("portal:my_page"))
    assert response["Location"] == reverse("staff:sign_in")
    assert "_auth_user_id" not in client.session
    withdrawn = ActivityRecord.objects.get(action="assisted_session.withdrawn")
    assert (withdrawn.actor, withdrawn.on_behalf_of_person) == (burgerzaken, person)


# --- What may be done inside one ----------------------------------------------------


@pytest.fixture
def session(client, burgerzaken):
    """An assisted session for Marie Peeters; Jan Peeters is the person she trusts."""
    marie, number = resident_person()
    jan, jan_number = resident_person("Jan", "Peeters", "900101001")
    start(client, number)
    return {"marie": marie, "jan": jan, "jan_number": jan_number, "staff": burgerzaken}


def mandate_form(number, **extra):
    return {
        "grantee_number": number,
        "grantee_family_name": "Peeters",
        "scope": "certificates",
        "valid_until": in_a_year().isoformat(),
        **extra,
    }


def test_a_mandate_is_refused_without_the_staff_members_confirmation(client, session):
    page = client.get(MANDATES).content.decode()
    assert 'name="resident_confirmed"' in page
    response = client.post(MANDATES, mandate_form(session["jan_number"]))
    assert response.status_code == 200
    assert "Confirm that the resident in front of you asked" in response.content.decode()
    assert not Mandate.objects.exists()
    assert not ActivityRecord.objects.filter(action="mandate.granted").exists()


def test_a_confirmed_mandate_is_recorded_with_the_staff_member_as_actor(client, session):
    staff, marie, jan = session["staff"], session["marie"], session["jan"]
    response = client.post(MANDATES, mandate_form(session["jan_number"], resident_confirmed="on"))
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.grantor, mandate.grantee) == (marie, jan)
    granted = ActivityRecord.objects.get(action="mandate.granted")
    assert (granted.actor, granted.assisted_by, granted.on_behalf_of_person) == (
        staff,
        staff,
        marie,
    )
    assert ActivityRecord.objects.filter(
        action="assisted_session.change_confirmed", actor=staff, detail__change="mandate.granted"
    ).exists()
    # The staff member found Jan by his number: Jan's access log says so.
    look = AccessLogEntry.objects.get(person=jan)
    assert (look.actor, look.action) == (staff, AccessLogEntry.Action.LOOKUP)
    assert look.purpose.startswith(str(assisted.ACCESS_PURPOSE))


def test_viewing_the_mandates_is_the_staff_members_look(client, session):
    client.get(MANDATES)
    look = AccessLogEntry.objects.filter(person=session["marie"]).latest("at")
    assert look.actor == session["staff"]
    assert look.purpose == f"{assisted.ACCESS_PURPOSE}: Mandates"


def test_revoking_needs_the_confirmation_step(client, session):
    staff, marie, jan = session["staff"], session["marie"], session["jan"]
    resident = User.objects.get(person=marie)
    mandate = mandate_grant(
        grantor=marie, grantee=jan, scope="all", valid_until=in_a_year(), actor=resident
    )
    url = reverse("accounts:mandate_revoke", args=[mandate.pk])

    step = client.get(url)  # the button in the table: a page asks to confirm
    assert step.status_code == 200
    assert 'name="resident_confirmed"' in step.content.decode()
    assert 'name="resident_confirmed"' in client.post(url).content.decode()  # an old form
    unconfirmed = client.post(url, {"confirming": "1"})
    assert "Confirm that the resident in front of you asked" in unconfirmed.content.decode()
    mandate.refresh_from_db()
    assert mandate.revoked_at is None

    done = client.post(url, {"confirming": "1", "resident_confirmed": "on"})
    assert done["Location"] == MANDATES
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    revoked = ActivityRecord.objects.get(action="mandate.revoked")
    assert (revoked.actor, revoked.assisted_by) == (staff, staff)


def test_the_resident_alone_confirms_without_the_staff_confirmation(client, session):
    marie, jan = session["marie"], session["jan"]
    resident = User.objects.get(person=marie)
    mandate = mandate_grant(
        grantor=marie, grantee=jan, scope="all", valid_until=in_a_year(), actor=resident
    )
    client.post(reverse("staff:assisted_end"))
    sign_in_resident(client, resident)
    page = client.get(reverse("accounts:mandate_revoke", args=[mandate.pk])).content.decode()
    assert 'name="resident_confirmed"' not in page
    client.post(reverse("accounts:mandate_revoke", args=[mandate.pk]), {"confirming": "1"})
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    assert ActivityRecord.objects.get(action="mandate.revoked").actor == resident


def test_staff_cannot_act_for_whoever_gave_the_resident_a_mandate(client, session):
    marie, jan = session["marie"], session["jan"]
    # Jan gave Marie a mandate for everything, long before.
    jan_account = User.objects.create(username="eid-jan", kind=User.Kind.RESIDENT, person=jan)
    mandate = mandate_grant(
        grantor=jan, grantee=marie, scope="all", valid_until=in_a_year(), actor=jan_account
    )
    page = client.get(reverse("portal:my_page")).content.decode()
    assert f"mandate:{mandate.pk}" not in page
    assert 'href="/mijn/#acting-title"' not in page  # the banner offers no change either
    response = client.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    assert response.status_code == 302
    assert ACTING_KEY not in client.session
    follow = client.get(reverse("portal:my_page"))
    assert follow.wsgi_request.acting.is_self
    assert "act only for the resident whose identity" in follow.content.decode()
