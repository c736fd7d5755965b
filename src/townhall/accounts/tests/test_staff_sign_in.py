"""Staff sign-in: password, then a TOTP code or a backup code; the set-up; idle expiry."""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from townhall.accounts.models import ActivityRecord
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.second_factor import staff_required
from townhall.accounts.tests.staff import (
    PASSWORD,
    backup_codes,
    code_now,
    resident_account,
    resident_person,
    sign_in_password,
    sign_in_verified,
    staff_user,
    totp_device,
)

pytestmark = pytest.mark.django_db


BACKOFFICE = "/backoffice/"


def second_factor_url(next_url=BACKOFFICE):
    return f"{reverse('staff:second_factor')}?next={next_url.replace('/', '%2F')}"


def test_the_whole_totp_sign_in_from_the_back_office(client):
    user = staff_user()
    staff_role_assign(user=user)  # Burgerzaken: the counter, so assisted sessions too
    device = totp_device(user)

    response = client.get(BACKOFFICE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:sign_in"))

    response = sign_in_password(client, "katrien", next_url=BACKOFFICE)
    assert response.status_code == 302
    assert response["Location"] == second_factor_url()

    # Password alone opens nothing.
    response = client.get(BACKOFFICE)
    assert response.status_code == 302
    assert response["Location"] == second_factor_url()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    wrong = client.post(reverse("staff:second_factor"), {"code": "000000", "next": BACKOFFICE})
    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode()

    with freeze_time(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5)):
        response = client.post(
            reverse("staff:second_factor"), {"code": code_now(device), "next": BACKOFFICE}
        )
        assert response.status_code == 302
        assert response["Location"] == BACKOFFICE

        home = client.get(BACKOFFICE)
    assert home.status_code == 200
    html = home.content.decode()
    assert "Katrien Vanhoutte" in html
    assert "Burgerzaken" in html
    assert reverse("admin:index") in html
    assert reverse("backoffice:assisted_start") in html
    assert ActivityRecord.objects.filter(
        actor=user, action="staff.signed_in", detail__second_factor="totp"
    ).exists()


def test_a_code_works_once(client):
    user = staff_user()
    device = totp_device(user)
    code = code_now(device)
    sign_in_password(client, "katrien")
    assert client.post(reverse("staff:second_factor"), {"code": code}).status_code == 302

    other = client.__class__()
    sign_in_password(other, "katrien")
    with freeze_time(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=3)):
        replay = other.post(reverse("staff:second_factor"), {"code": code})
    assert replay.status_code == 200
    assert other.get(BACKOFFICE).status_code == 302


def test_django_otp_throttles_wrong_codes(client):
    user = staff_user()
    totp_device(user)
    sign_in_password(client, "katrien")
    client.post(reverse("staff:second_factor"), {"code": "000000"})
    response = client.post(reverse("staff:second_factor"), {"code": "111111"})
    assert "Too many wrong codes" in response.content.decode()
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 1


def test_backup_codes_work_once(client):
    user = staff_user()
    totp_device(user)
    backup_codes(user, codes=["abcd2345", "efgh6723"])

    sign_in_password(client, "katrien")
    response = client.post(reverse("staff:second_factor"), {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get(BACKOFFICE).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]
    assert ActivityRecord.objects.filter(detail__second_factor="backup_code").exists()

    client.post(reverse("staff:sign_out"))
    sign_in_password(client, "katrien")
    again = client.post(reverse("staff:second_factor"), {"code": "abcd2345"})
    assert again.status_code == 200
    assert client.get(BACKOFFICE).status_code == 302


def test_first_sign_in_sets_up_the_app_and_shows_backup_codes_once(client):
    user = staff_user()
    response = sign_in_password(client, "katrien")
    assert response["Location"].startswith(reverse("staff:setup"))
    # Not verified yet: the back office sends to the set-up.
    assert client.get(BACKOFFICE)["Location"].startswith(reverse("staff:setup"))

    page = client.get(reverse("staff:setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "</svg>" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code class="secret" translate="no">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32
    # A reload shows the same secret, so a code scanned earlier still works.
    assert client.get(reverse("staff:setup")).content.decode().count(secret.group(1)) == 1
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(reverse("staff:setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    with freeze_time(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=3)):
        response = client.post(reverse("staff:setup"), {"code": code_now(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:backup_codes"))
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    shown = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert shown["Cache-Control"] == "no-store" or "no-store" in shown["Cache-Control"]
    again = client.get(reverse("staff:backup_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "10 unused backup codes" in again

    # Verified at once: the back office opens.
    assert client.get(BACKOFFICE).status_code == 200

    # A backup code from the list signs in next time.
    client.post(reverse("staff:sign_out"))
    sign_in_password(client, "katrien")
    assert client.post(reverse("staff:second_factor"), {"code": codes[3]}).status_code == 302
    assert client.get(BACKOFFICE).status_code == 200


def test_with_an_app_the_set_up_is_not_open_on_password_alone(client):
    user = staff_user()
    totp_device(user)
    sign_in_password(client, "katrien")
    response = client.get(reverse("staff:setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:second_factor"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_with_only_backup_codes_left_a_code_comes_before_a_new_app(client):
    user = staff_user()
    backup_codes(user)
    sign_in_password(client, "katrien")
    assert client.get(reverse("staff:setup"))["Location"].startswith(reverse("staff:second_factor"))
    client.post(reverse("staff:second_factor"), {"code": "abcd2345"})
    # Verified with a backup code but without an app: set up a new one first.
    assert client.get(BACKOFFICE)["Location"].startswith(reverse("staff:setup"))
    assert client.get(reverse("staff:setup")).status_code == 200


def test_a_resident_account_cannot_sign_in_as_staff(client):
    person, _number = resident_person()
    resident = resident_account(person)
    resident.set_password(PASSWORD)
    resident.is_staff = True  # even with the flag set by mistake
    resident.save()
    response = sign_in_password(client, resident.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_account_without_staff_flag_gets_the_same_answer_as_a_wrong_password(client):
    staff_user("notstaff", is_staff=False)
    staff_user("katrien")
    not_staff = sign_in_password(client, "notstaff").content.decode()
    wrong = sign_in_password(client, "katrien", "wrong-password").content.decode()
    error = re.compile(r'<div class="error-summary".*?</div>', re.S)
    assert error.search(not_staff).group(0) == error.search(wrong).group(0)


def test_the_admin_login_goes_through_the_staff_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response["Location"].startswith(reverse("staff:sign_in"))
    user = staff_user(is_superuser=True)
    sign_in_verified(client, user)
    assert client.get(reverse("admin:login") + "?next=/admin/")["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_signing_in_through_the_admin_lands_in_the_back_office(client):
    """/admin/ is where the README and bookmarks lead; staff start where they work."""
    user = staff_user()
    staff_role_assign(user=user)
    device = totp_device(user)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == f"{reverse('staff:sign_in')}?next=%2Fadmin%2F"
    response = sign_in_password(client, "katrien", next_url="/admin/")
    assert response["Location"] == second_factor_url()  # next: the back office
    response = client.post(
        reverse("staff:second_factor"), {"code": code_now(device), "next": "/admin/"}
    )
    assert response["Location"] == BACKOFFICE
    # A page deeper in the administration is still where the sign-in leads.
    client.logout()
    response = sign_in_password(client, "katrien", next_url="/admin/registry/person/")
    assert response["Location"] == second_factor_url("/admin/registry/person/")


def test_next_must_be_on_this_site(client):
    user = staff_user()
    totp_device(user)
    response = sign_in_password(client, "katrien", next_url="https://evil.example/")
    assert "evil" not in response["Location"]


def test_staff_required_guards_a_view_outside_the_staff_prefixes():
    @staff_required
    def page(request):
        from django.http import HttpResponse

        return HttpResponse("secret")

    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.session = {}
    assert page(request)["Location"].startswith(reverse("staff:sign_in"))
    assert page.staff_required is True


def test_an_idle_staff_session_expires(client, settings):
    user = staff_user()
    sign_in_verified(client, user)
    start = datetime.datetime.now(tz=datetime.UTC)
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with freeze_time(start) as clock:
        assert client.get(BACKOFFICE).status_code == 200
        # Working keeps the session: each request renews it.
        clock.tick(idle - datetime.timedelta(minutes=5))
        assert client.get(BACKOFFICE).status_code == 200
        clock.tick(idle - datetime.timedelta(minutes=5))
        assert client.get(BACKOFFICE).status_code == 200
        # Idle for longer than SESSION_COOKIE_AGE: signed out.
        clock.tick(idle + datetime.timedelta(seconds=1))
        response = client.get(BACKOFFICE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:sign_in"))
