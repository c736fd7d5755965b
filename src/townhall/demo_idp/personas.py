"""The personas of the demo identity provider: people of the register to sign in as.

1. Each persona is a rule over the register ("an adult resident with an e-mail
   address who lives with others"); the first matching person by id is the
   persona, so the same register always gives the same people.
2. Picking a persona makes (once) the provider's own account for that person
   (:class:`~townhall.demo_idp.models.DemoIdentity`) and keeps its id under
   the provider's own session key, bound to the authorization request it was
   made for. Nobody is signed in to the site by it.
3. That authorization request takes the choice out of the session, once, and
   issues the code for that account (see :mod:`townhall.demo_idp.views`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from townhall.accounts.models import User
from townhall.demo_idp.models import DemoIdentity
from townhall.registry.models import (
    AccessLogEntry,
    HouseholdMembership,
    Organisation,
    Person,
    Representative,
)

# The provider's own session key; the site's sign-in (``_auth_user_id``) is never set here.
CHOICE_KEY = "demo_idp_persona_choice"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age(person: Person, today: datetime.date) -> int | None:
    born = person.birth_date
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _living() -> QuerySet:
    return Person.objects.exclude(state=Person.State.DECEASED).order_by("pk")


def _with_number() -> QuerySet:
    return _living().filter(state=Person.State.RESIDENT).exclude(number_kind=Person.NumberKind.NONE)


def _lives_with_others() -> Exists:
    return Exists(
        HouseholdMembership.objects.filter(
            end_date__isnull=True,
            household__memberships__end_date__isnull=True,
            household__memberships__person=OuterRef("pk"),
        ).exclude(person=OuterRef("pk"))
    )


def _housemates(person: Person) -> int:
    return (
        HouseholdMembership.objects.filter(
            end_date__isnull=True,
            household__memberships__end_date__isnull=True,
            household__memberships__person=person,
        )
        .exclude(person=person)
        .count()
    )


def _represents(role: str, kind: str) -> QuerySet:
    return _living().filter(
        representations__role=role,
        representations__end_date__isnull=True,
        representations__organisation__kind=kind,
    )


def _organisation(person: Person, role: str, kind: str) -> Organisation | None:
    representation = (
        Representative.objects.filter(
            person=person, role=role, end_date__isnull=True, organisation__kind=kind
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return representation.organisation if representation else None


@dataclass(frozen=True)
class Persona:
    """A kind of person to sign in as; ``find`` picks one from the register."""

    slug: str
    title: Promise
    find: Callable[[datetime.date], Person | None]
    describe: Callable[[Person, datetime.date], str]


def _describe_resident(person, today):
    others = _housemates(person)
    return ngettext(
        "%(age)s years old, lives with %(others)d other person, has an e-mail address.",
        "%(age)s years old, lives with %(others)d other people, has an e-mail address.",
        others,
    ) % {"age": age(person, today), "others": others}


def _describe_senior(person, today):
    return _("%(age)s years old, no e-mail address and no mobile number.") % {
        "age": age(person, today)
    }


def _describe_visitor(person, today):
    return _("Not registered in Belgium: signs in without a national register number.")


def _describe_chair(person, today):
    organisation = _organisation(person, "chair", Organisation.Kind.ASSOCIATION)
    return _("Chair of the association %(name)s.") % {"name": organisation}


def _describe_manager(person, today):
    organisation = _organisation(person, "manager", Organisation.Kind.BUSINESS)
    return _("Manager of the business %(name)s.") % {"name": organisation}


PERSONAS = [
    Persona(
        slug="resident",
        title=gettext_lazy("A resident"),
        find=lambda today: (
            _with_number()
            .filter(birth_date__lte=_years_before(today, 18))
            .exclude(email="")
            .filter(_lives_with_others())
            # Someone whose record staff opened, so "who looked at my data" has rows.
            .annotate(looked_at=Exists(AccessLogEntry.objects.filter(person=OuterRef("pk"))))
            .order_by("-looked_at", "pk")
            .first()
        ),
        describe=_describe_resident,
    ),
    Persona(
        slug="senior",
        title=gettext_lazy("A resident aged 80 or more"),
        find=lambda today: (
            _with_number()
            .filter(birth_date__lte=_years_before(today, 80), email="", mobile="")
            .first()
        ),
        describe=_describe_senior,
    ),
    Persona(
        slug="visitor",
        title=gettext_lazy("A visitor"),
        find=lambda today: _living().filter(number_kind=Person.NumberKind.NONE).first(),
        describe=_describe_visitor,
    ),
    Persona(
        slug="chair",
        title=gettext_lazy("An association chair"),
        find=lambda today: _represents("chair", Organisation.Kind.ASSOCIATION).first(),
        describe=_describe_chair,
    ),
    Persona(
        slug="manager",
        title=gettext_lazy("A business manager"),
        find=lambda today: _represents("manager", Organisation.Kind.BUSINESS).first(),
        describe=_describe_manager,
    ),
]
PERSONAS_BY_SLUG = {persona.slug: persona for persona in PERSONAS}


@dataclass(frozen=True)
class PersonaChoice:
    persona: Persona
    person: Person | None
    description: str


def persona_choices(today: datetime.date | None = None) -> list[PersonaChoice]:
    """Every persona with its person from the register (None when nobody matches)."""
    today = today or timezone.localdate()
    choices = []
    for persona in PERSONAS:
        person = persona.find(today)
        description = persona.describe(person, today) if person else ""
        choices.append(PersonaChoice(persona, person, description))
    return choices


@transaction.atomic
def persona_identity_user(*, persona: Persona, person: Person) -> User:
    """The provider's account for ``person``, made on first use; marks the sign-in time
    (the ID token's ``auth_time``)."""
    identity = DemoIdentity.objects.select_related("user").filter(person=person).first()
    if identity is None:
        # An account left behind by a deleted person of the same id is taken over,
        # but only one that can never sign in to the site by itself.
        user, _created = User.objects.get_or_create(
            username=f"demo-idp-{persona.slug}-{person.pk}",
            defaults={"kind": User.Kind.RESIDENT, "password": make_password(None)},
        )
        if user.is_staff or user.is_superuser or user.has_usable_password():
            raise PermissionDenied("This account is not one of the identity provider's.")
        user.first_name = person.given_names[:150]
        user.last_name = person.family_name[:150]
        identity = DemoIdentity.objects.create(user=user, person=person, persona=persona.slug)
    user = identity.user
    user.last_login = timezone.now()
    user.save()
    return user


def persona_pick(session, user: User, *, authorization_request: str) -> None:
    """Remember the picked persona for this one authorization request."""
    session[CHOICE_KEY] = {"user_id": user.pk, "request": authorization_request}


def persona_cancel(session, *, authorization_request: str) -> None:
    """Remember that the person stopped this authorization request."""
    session[CHOICE_KEY] = {"cancelled": True, "request": authorization_request}


def persona_take(session, *, authorization_request: str) -> tuple[User | None, bool]:
    """The choice made for ``authorization_request``, removed from the session: the
    persona's account (or None) and whether the person cancelled. A choice made for
    another request (an abandoned sign-in) is dropped, never used."""
    choice = session.pop(CHOICE_KEY, None) or {}
    if choice.get("request") != authorization_request:
        return None, False
    if choice.get("cancelled"):
        return None, True
    user = User.objects.filter(
        pk=choice.get("user_id"), demo_identity__isnull=False, is_active=True
    ).first()
    return user, False
