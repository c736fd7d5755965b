"""Assisted sessions at the counter: start, act with both names, end, expire."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.accounts.acting import ASSISTED_KEY
from townhall.accounts.assisted import ACCESS_PURPOSE
from townhall.accounts.models import ActivityRecord, User
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import (
    PASSWORD,
    resident_account,
    resident_person,
    sign_in_password_only,
    sign_in_resident,
    sign_in_verified,
    staff_user,
    totp_device,
)
from townhall.registry.models import AccessLogEntry

pytestmark = pytest.mark.django_db


START = "/backoffice/begeleide-sessie/"


def start(client, number, *, document="eid_card", checked=True):
    data = {"national_number": number, "document": document}
    if checked:
        data["identity_checked"] = "on"
    return client.post(reverse("backoffice:assisted_start"), data)


@pytest.fixture
def staff(client):
    """Katrien of citizens' affairs (Burgerzaken), the role that serves the counter."""
    user = staff_user()
    staff_role_assign(user=user)
    sign_in_verified(client, user, totp_device(user))
    return user


def test_start_logs_access_and_activity_and_the_banner_shows_on_every_page(client, staff):
    person, number = resident_person()
    assert client.get(START).status_code == 200

    response = start(client, number)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_page")
    assert number not in response["Location"]

    entry = AccessLogEntry.objects.get(person=person)
    assert entry.actor == staff
    assert entry.purpose.startswith(str(ACCESS_PURPOSE))
    record = ActivityRecord.objects.get(action="assisted_session.started")
    assert (record.actor, record.assisted_by, record.on_behalf_of_person) == (staff, staff, person)
    assert record.detail == {"document": "eid_card"}

    # The browser now acts as the resident's own account, made for the occasion.
    resident = User.objects.get(person=person)
    assert resident.is_resident
    assert number not in resident.username
    assert not resident.has_usable_password()
    assert client.session["_auth_user_id"] == str(resident.pk)
    assert client.session[ASSISTED_KEY] == staff.pk

    for url in (reverse("portal:my_page"), reverse("portal:home"), reverse("accounts:mandates")):
        page = client.get(url)
        assert page.status_code == 200, url  # mandates need assurance high
        html = page.content.decode()
        assert "acting-banner--assisted" in html
        assert "Katrien Vanhoutte" in html
        assert reverse("staff:assisted_end") in html


def test_actions_during_the_session_are_recorded_with_both(client, staff):
    person, number = resident_person()
    start(client, number)
    resident = User.objects.get(person=person)
    _trusted, trusted_number = resident_person("Jan", "Peeters", "900101001")
    client.post(
        reverse("accounts:mandates"),
        {
            "grantee_number": trusted_number,
            "grantee_family_name": "Peeters",
            "scope": "certificates",
            "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "resident_confirmed": "on",
        },
    )
    # A lasting change at the counter is the staff member's act, on the resident's word.
    granted = ActivityRecord.objects.get(action="mandate.granted")
    assert granted.actor == staff
    assert granted.assisted_by == staff
    assert granted.on_behalf_of_person == person
    confirmed = ActivityRecord.objects.get(action="assisted_session.change_confirmed")
    assert confirmed.detail == {"change": "mandate.granted", "resident_account": resident.pk}


def test_ending_returns_to_the_staff_members_own_verified_session(client, staff):
    person, number = resident_person()
    start(client, number)
    response = client.post(reverse("staff:assisted_end"))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:home")
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert ASSISTED_KEY not in client.session
    assert client.get(reverse("backoffice:home")).status_code == 200
    ended = ActivityRecord.objects.get(action="assisted_session.ended")
    assert (ended.actor, ended.assisted_by, ended.on_behalf_of_person) == (staff, staff, person)
    # The resident's pages no longer show the banner (and are not the resident's).
    assert "acting-banner--assisted" not in client.get(reverse("portal:home")).content.decode()


def test_no_way_back_when_the_staff_password_changed_meanwhile(client, staff):
    _person, number = resident_person()
    start(client, number)
    staff.set_password("a-brand-new-password-123")
    staff.save()
    response = client.post(reverse("staff:assisted_end"))
    assert response["Location"] == reverse("staff:sign_in")
    assert "_auth_user_id" not in client.session


def test_the_end_is_a_post(client, staff):
    _person, number = resident_person()
    start(client, number)
    assert client.get(reverse("staff:assisted_end")).status_code == 405


def test_during_the_session_no_staff_page_opens(client, staff):
    _person, number = resident_person()
    start(client, number)
    assert client.get(reverse("backoffice:home")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 403


def test_an_assisted_session_ends_by_itself(client, staff, settings):
    person, number = resident_person()
    begin = timezone.now()
    with freeze_time(begin) as clock:
        start(client, number)
        clock.tick(datetime.timedelta(minutes=settings.ASSISTED_SESSION_MINUTES - 5))
        assert client.get(reverse("portal:my_page")).status_code == 200
        clock.tick(datetime.timedelta(minutes=6))
        response = client.get(reverse("portal:my_page"))
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:sign_in")
        assert "_auth_user_id" not in client.session
        # Nobody is restored: the back office needs a full sign-in again.
        assert client.get(reverse("backoffice:home"))["Location"].startswith(
            reverse("staff:sign_in")
        )
    expired = ActivityRecord.objects.get(action="assisted_session.expired")
    assert (expired.actor, expired.on_behalf_of_person) == (staff, person)


def test_signing_out_during_the_session_ends_it_and_is_logged(client, staff):
    _person, number = resident_person()
    start(client, number)
    client.post(reverse("accounts:sign_out"))
    assert ActivityRecord.objects.filter(
        action="assisted_session.signed_out", assisted_by=staff
    ).exists()
    assert client.get(reverse("backoffice:home"))["Location"].startswith(reverse("staff:sign_in"))


def test_the_identity_check_is_mandatory(client, staff):
    person, number = resident_person()
    response = start(client, number, checked=False)
    assert response.status_code == 200
    assert "Check the identity document" in response.content.decode()
    assert not AccessLogEntry.objects.exists()
    assert not User.objects.filter(person=person).exists()


def test_an_unknown_or_invalid_number_is_refused(client, staff):
    response = start(client, "85073012345")
    assert response.status_code == 200
    assert not AccessLogEntry.objects.exists()
    _person, number = resident_person()
    other = number[:-2] + f"{(int(number[-2:]) + 1) % 97:02d}"
    assert start(client, other).status_code == 200
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_an_existing_resident_account_is_used(client, staff):
    person, number = resident_person()
    account = resident_account(person)
    start(client, number)
    assert client.session["_auth_user_id"] == str(account.pk)
    assert User.objects.filter(person=person).count() == 1


def test_a_resident_cannot_start_one(client):
    person, number = resident_person()
    sign_in_resident(client, resident_account(person))
    assert client.get(START).status_code == 403
    assert start(client, number).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_staff_without_second_factor_cannot_start_one(client):
    user = staff_user()
    totp_device(user)
    sign_in_password_only(client, user)
    _person, number = resident_person()
    response = start(client, number)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:second_factor"))
    assert not AccessLogEntry.objects.exists()


def test_anonymous_cannot_start_one(client):
    _person, number = resident_person()
    assert start(client, number)["Location"].startswith(reverse("staff:sign_in"))
    assert not AccessLogEntry.objects.exists()


def test_a_new_staff_sign_in_over_the_session_ends_it_on_the_record(client, staff):
    _person, number = resident_person()
    start(client, number)
    response = client.post(
        reverse("staff:sign_in"), {"username": staff.username, "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("staff:second_factor"))
    assert ASSISTED_KEY not in client.session
    assert ActivityRecord.objects.filter(action="assisted_session.superseded").exists()


@pytest.mark.parametrize(
    ("language", "purpose"),
    [
        ("nl", "Begeleide sessie aan het loket (identiteit gecontroleerd: "),
        ("fr", "(identité vérifiée\u00a0: "),
        ("en", "Assisted session at the counter (identity checked: "),
    ],
)
def test_the_access_log_purpose_is_one_sentence_in_the_staff_language(
    client, staff, language, purpose
):
    """Written in the staff member's language, with the colon inside the translated
    sentence so that French puts its no-break space before it (issue 20)."""
    person, number = resident_person()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    start(client, number)
    entry = AccessLogEntry.objects.get(person=person)
    assert purpose in entry.purpose
    assert "identity checked" not in entry.purpose or language == "en"
