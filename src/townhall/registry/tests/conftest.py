import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from townhall.registry.tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the language of the source strings."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff users get a password; hashing it at production strength would take a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return StaffUserFactory(superuser=True, first_name="Els", last_name="Claes")


@pytest.fixture
def staff_client(client, superuser):
    """A superuser's session in English that passed the staff sign-in, second factor included.

    The second factor is marked on the session the way django-otp does after a
    correct code, without walking the sign-in forms (they have their own tests).
    """
    client.force_login(superuser)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=superuser, name="test app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
