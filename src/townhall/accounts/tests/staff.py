"""Builders for staff accounts, their second factor, and residents, in the staff tests."""

from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.assurance import SESSION_KEY as ASSURANCE_KEY
from townhall.accounts.models import User
from townhall.municipality.models import Department
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.services import person_create

PASSWORD = "correct-horse-battery-staple"


def department(code: str = "citizens_affairs", name: str = "Burgerzaken") -> Department:
    municipality = municipality_for_tests()
    return Department.objects.get_or_create(
        municipality=municipality, code=code, defaults={"name": name}
    )[0]


def staff_user(
    username: str = "katrien", *, department_code: str | None = "citizens_affairs", **extra
) -> User:
    fields = {"first_name": "Katrien", "last_name": "Vanhoutte", "is_staff": True, **extra}
    user = User(username=username, kind=User.Kind.STAFF, **fields)
    if department_code:
        user.department = department(department_code)
    user.set_password(PASSWORD)
    user.save()
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """The code the staff member's app shows now."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def backup_codes(user: User, codes=("abcd2345", "efgh6723")) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def sign_in_password(client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("staff:sign_in"), data)


def sign_in_verified(client, user: User, device=None) -> None:
    """A session that passed password and second factor (without walking the forms)."""
    device = (
        device
        or TOTPDevice.objects.filter(user=user, confirmed=True).first()
        or (totp_device(user))
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in_password_only(client, user: User) -> None:
    client.force_login(user)


def check_digits(nine: str) -> str:
    return f"{nine}{97 - int(nine) % 97:02d}"


def resident_person(given="Marie", family="Peeters", nine="850730123"):
    """A registered person with a valid national number (born before 2000)."""
    number = check_digits(nine)
    return person_create(given_names=given, family_name=family, national_number=number), number


def resident_account(person) -> User:
    return User.objects.create(
        username=f"eid-test-{person.pk}",
        kind=User.Kind.RESIDENT,
        person=person,
        first_name=person.given_names,
        last_name=person.family_name,
    )


def sign_in_resident(client, user: User, level: str = "high") -> None:
    client.force_login(user)
    session = client.session
    session[ASSURANCE_KEY] = level
    session.save()
