"""Failed password sign-ins are throttled (django-axes), for staff and residents alike."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.accounts.models import User
from townhall.accounts.tests.staff import (
    PASSWORD,
    sign_in_password,
    staff_user,
    totp_device,
)
from townhall.accounts.throttling import client_ip_address

pytestmark = pytest.mark.django_db


def resident_email_account(email="lotte@example.org") -> User:
    user = User(
        username=email, email=email, kind=User.Kind.RESIDENT, email_verified_at=timezone.now()
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def email_sign_in(client, email, password):
    return client.post(
        reverse("accounts:email_sign_in"), {"email": email, "password": password, "sign_in": "1"}
    )


def test_five_wrong_passwords_lock_a_staff_account_for_fifteen_minutes(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    totp_device(staff_user())
    start = timezone.now()
    with freeze_time(start) as clock:
        for _attempt in range(4):
            assert sign_in_password(client, "katrien", "wrong").status_code == 200
        locked = sign_in_password(client, "katrien", "wrong")
        assert locked.status_code == 429
        html = locked.content.decode()
        assert "Try again after" in html
        retry = timezone.localtime(start + datetime.timedelta(minutes=15))
        assert retry.strftime("%H:%M") in html
        assert "ICT" in html  # the staff version of the page

        # Even the right password is refused while locked, and trying does not extend it.
        clock.tick(datetime.timedelta(minutes=10))
        assert sign_in_password(client, "katrien").status_code == 429
        assert "_auth_user_id" not in client.session

        clock.tick(datetime.timedelta(minutes=5, seconds=1))
        response = sign_in_password(client, "katrien")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:second_factor"))


def test_the_lock_is_per_username_from_any_address(client):
    staff_user()
    for attempt in range(5):
        client.post(
            reverse("staff:sign_in"),
            {"username": "katrien", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )
    response = client.post(
        reverse("staff:sign_in"),
        {"username": "katrien", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429


def test_the_lock_is_per_address_across_usernames(client):
    staff_user("katrien")
    staff_user("pieter")
    for name in ("a", "b", "c", "d", "e"):
        sign_in_password(client, name, "wrong")
    assert sign_in_password(client, "pieter").status_code == 429


def test_a_resident_email_sign_in_is_locked_too(client):
    resident_email_account()
    for _attempt in range(4):
        assert email_sign_in(client, "lotte@example.org", "wrong").status_code == 400
    locked = email_sign_in(client, "lotte@example.org", "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Try again after" in html
    assert reverse("accounts:sign_in") in html  # the resident version of the page
    assert email_sign_in(client, "lotte@example.org", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings):
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.7", REMOTE_ADDR="127.0.0.1"
    )
    settings.SIGN_IN_CLIENT_IP_FROM_FORWARDED_FOR = False
    assert client_ip_address(request) == "127.0.0.1"
    settings.SIGN_IN_CLIENT_IP_FROM_FORWARDED_FOR = True
    assert client_ip_address(request) == "192.0.2.7"
