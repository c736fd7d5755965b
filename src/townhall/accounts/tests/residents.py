"""Builders for resident accounts in the accounts tests."""

import datetime

from townhall.accounts.assurance import SESSION_KEY
from townhall.accounts.models import User
from townhall.registry.services import person_create


def check_digits(nine: str, *, born_2000_or_later: bool) -> str:
    base = int(("2" if born_2000_or_later else "") + nine)
    return f"{nine}{97 - base % 97:02d}"


def resident(given: str, family: str, nine: str, *, born_2000_or_later=False, **extra):
    """A Person with a valid national number built from nine digits, and an account."""
    number = check_digits(nine, born_2000_or_later=born_2000_or_later)
    person = person_create(given_names=given, family_name=family, national_number=number, **extra)
    user = User.objects.create(
        username=f"eid-{person.pk}",
        kind=User.Kind.RESIDENT,
        person=person,
        first_name=given,
        last_name=family,
    )
    return person, user, number


def sign_in(client, user, level="high"):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = level
    session.save()


def in_a_year() -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=365)
