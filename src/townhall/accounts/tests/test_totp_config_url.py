"""The QR code of the authenticator app: django-otp's own URL, with the municipality as issuer."""

from base64 import b32encode
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.second_factor import qr_svg, totp_issuer
from townhall.accounts.tests.staff import sign_in_password, staff_user

pytestmark = pytest.mark.django_db


def url_parts(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    assert parts.scheme == "otpauth"
    assert parts.netloc == "totp"
    return unquote(parts.path.lstrip("/")), {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_django_otps_config_url_names_the_municipality_as_issuer():
    user = staff_user()  # in the test municipality "Testdorp"
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)

    label, params = url_parts(device.config_url)

    assert label == "Townhall Testdorp:katrien"
    assert params["issuer"] == "Townhall Testdorp"
    assert params["secret"] == b32encode(device.bin_key).decode()
    assert (params["algorithm"], params["digits"], params["period"]) == ("SHA1", "6", "30")


def test_a_configured_issuer_wins_and_loses_its_colons(settings):
    settings.TOWNHALL_TOTP_ISSUER = "Stad: Testdorp"
    device = TOTPDevice.objects.create(user=staff_user(), name="Authenticator app")

    label, params = url_parts(device.config_url)

    assert totp_issuer() == "Stad: Testdorp"
    # A colon would split the label in the app: django-otp drops it.
    assert params["issuer"] == "Stad Testdorp"
    assert label == "Stad Testdorp:katrien"


def test_the_set_up_page_shows_the_qr_code_of_that_url(client):
    user = staff_user()
    sign_in_password(client, "katrien")

    html = client.get(reverse("staff:setup")).content.decode()

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert qr_svg(device.config_url, title="QR code for your authenticator app") in html
    assert "Townhall Testdorp" in html
