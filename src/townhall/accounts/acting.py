"""For whom a signed-in person acts: themselves, a person who gave them a mandate,
or an organisation they represent; and whether a staff member assists them.

The choice lives in the session and is checked again on every request, so a
mandate that ends or is revoked stops working at once. In an assisted session
at the counter there is no choice: staff act only for the resident in front
of them. The page header shows
``request.acting.label`` on every page.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib import messages
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from townhall.accounts.models import Mandate, User
from townhall.registry.models import Organisation, Person, Representative

ACTING_KEY = "townhall_acting_for"
ASSISTED_KEY = "townhall_assisted_by"
# The id of the staff member assisting during this request (set by
# townhall.accounts.assisted.AssistedSessionMiddleware); activity records pick it up.
assisting_staff_id: ContextVar[int | None] = ContextVar("townhall_assisting_staff", default=None)


@dataclass(frozen=True)
class ActingContext:
    """Who is at the keyboard (``user``, ``person``) and for whom they act."""

    user: User | None
    person: Person | None
    for_person: Person | None = None
    for_organisation: Organisation | None = None
    mandate: Mandate | None = None
    representation: Representative | None = None
    assisted_by: User | None = None

    @property
    def is_self(self) -> bool:
        return self.for_person is None and self.for_organisation is None

    @property
    def subject_person(self) -> Person | None:
        """The person whose affairs are being handled (self, or the mandate's grantor)."""
        return self.for_person or (self.person if self.for_organisation is None else None)

    @property
    def label(self) -> str:
        if self.for_organisation is not None:
            return self.for_organisation.name
        if self.for_person is not None:
            return self.for_person.full_name
        if self.user is not None:
            return self.user.display_name
        return ""

    def allows(self, scope: str) -> bool:
        """May the actor do something of ``scope`` for the one they act for?"""
        if self.for_person is not None:
            return (
                self.mandate is not None
                and self.mandate.is_in_force()
                and (self.mandate.covers(scope))
            )
        return self.user is not None


def acting_options(person: Person) -> dict:
    """Whom ``person`` may act for now: mandates in force and current representations."""
    return {
        "mandates": list(
            Mandate.objects.current().filter(grantee=person).select_related("grantor")
        ),
        "representations": list(
            Representative.objects.filter(person=person, end_date__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
    }


def acting_context_for(request) -> ActingContext:
    """Resolve the session's choice, dropping it (with a message) when it no longer holds."""
    user = request.user if request.user.is_authenticated else None
    person = getattr(user, "person", None) if user else None
    assisted_by = _assisting_staff(request)
    choice = request.session.get(ACTING_KEY)
    if choice and request.session.get(ASSISTED_KEY):
        # At the counter staff act for the one resident whose identity they
        # checked, never for whoever gave that resident a mandate.
        request.session.pop(ACTING_KEY, None)
        choice = None
    if not choice or person is None:
        return ActingContext(user=user, person=person, assisted_by=assisted_by)
    kind, pk = choice.get("kind"), choice.get("id")
    if kind == "mandate":
        mandate = (
            Mandate.objects.current()
            .filter(pk=pk, grantee=person)
            .select_related("grantor")
            .first()
        )
        if mandate:
            return ActingContext(
                user=user,
                person=person,
                for_person=mandate.grantor,
                mandate=mandate,
                assisted_by=assisted_by,
            )
    elif kind == "representation":
        representation = (
            Representative.objects.filter(pk=pk, person=person, end_date__isnull=True)
            .select_related("organisation")
            .first()
        )
        if representation:
            return ActingContext(
                user=user,
                person=person,
                for_organisation=representation.organisation,
                representation=representation,
                assisted_by=assisted_by,
            )
    request.session.pop(ACTING_KEY, None)
    messages.warning(
        request,
        _(
            "You no longer act for someone else: the mandate or "
            "representation has ended. You now act for yourself."
        ),
    )
    return ActingContext(user=user, person=person, assisted_by=assisted_by)


def _assisting_staff(request) -> User | None:
    staff_id = request.session.get(ASSISTED_KEY)
    if not staff_id:
        return None
    return User.objects.filter(pk=staff_id, is_staff=True, is_active=True).first()


class ActingMiddleware:
    """Puts ``request.acting`` (an :class:`ActingContext`) on every request, resolved lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: acting_context_for(request))
        return self.get_response(request)
