"""The demo's staff sign-ins: one member of staff per department, and an administrator.

Everyone signs in with the same documented password, :data:`DEMO_PASSWORD`.
The list is static, so ``run_demo`` and ``seed_demo --print-sign-ins`` can
show it without the database. Each staff member gets the role group of their
department from :mod:`townhall.accounts.roles`, the one place that says what
a department may see and change.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.models import User
from townhall.accounts.roles import roles_sync
from townhall.accounts.second_factor import TOTP_DEVICE_NAME
from townhall.demo.municipality import DEPARTMENTS, MAIL_DOMAIN
from townhall.municipality.models import Department

DEMO_PASSWORD = "townhall-demo"  # noqa: S105 -- documented demo sign-in, refused in production

_DEPARTMENT_NAMES = {code: name for code, name, *_rest in DEPARTMENTS}


@dataclass(frozen=True)
class DemoSignIn:
    """A staff account of the demo: username, the person's name and their department."""

    username: str
    first_name: str
    last_name: str
    department_code: str | None

    @property
    def password(self) -> str:
        return DEMO_PASSWORD

    @property
    def department_name(self) -> str:
        if self.department_code is None:
            return "administrator (all rights)"
        return _DEPARTMENT_NAMES[self.department_code]

    def __str__(self) -> str:
        return f"{self.username:<14} / {self.password}   {self.department_name}"


SIGN_INS = [
    DemoSignIn("admin", "Ada", "Beheerder", None),
    DemoSignIn("burgerzaken", "Katrien", "Vanhoutte", "citizens_affairs"),
    DemoSignIn("communicatie", "Pieter", "Declercq", "communication"),
    DemoSignIn("vrijetijd", "Evelien", "Maes", "leisure_library"),
    DemoSignIn("omgeving", "Wouter", "Verhaeghe", "environment"),
    DemoSignIn("financien", "Sofie", "Lambrecht", "finance"),
    DemoSignIn("secretariaat", "Bart", "Vandenbroucke", "secretariat"),
    DemoSignIn("ict", "Jens", "Desmet", "ict"),
]


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo's sign-ins, administrator first."""
    return list(SIGN_INS)


def staff_create(*, departments: dict[str, Department]) -> dict[str, User]:
    """Create the demo staff accounts, each in the role group of their department."""
    groups = roles_sync()
    # One hash for the one shared password: hashing it per account would cost
    # about a second of PBKDF2 for nothing.
    password_hash = make_password(DEMO_PASSWORD)
    users = {}
    for sign_in in SIGN_INS:
        is_admin = sign_in.department_code is None
        user = User.objects.create(
            username=sign_in.username,
            first_name=sign_in.first_name,
            last_name=sign_in.last_name,
            email=f"{sign_in.username}@{MAIL_DOMAIN}",
            password=password_hash,
            is_staff=True,
            is_superuser=is_admin,
            department=None if is_admin else departments[sign_in.department_code],
        )
        if not is_admin:
            user.groups.add(groups[sign_in.department_code])
        TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=demo_totp_key(sign_in.username), confirmed=True
        )
        users[sign_in.username] = user
    return users


def demo_totp_key(username: str) -> str:
    """The demo staff member's TOTP secret (hex), derived from the username so that
    ``demo_otp_code`` can print the current code without an authenticator app."""
    return hashlib.sha256(f"townhall-demo-totp:{username}".encode()).hexdigest()[:40]
