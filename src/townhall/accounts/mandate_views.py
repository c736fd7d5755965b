"""Pages to choose for whom you act, and to give and revoke mandates.

Giving a mandate finds the other person by national number *and* family name.
Whether nobody has that number, or someone else's name goes with it, or that
person died, the answer is the same (:data:`NOT_FOUND`), so the form does not
tell who lives here; and look-ups are limited per client address and per
account (:data:`LOOKUPS_PER_CLIENT`, :data:`LOOKUPS_PER_ACCOUNT`).

In an assisted session at the counter (:mod:`townhall.accounts.assisted`)
giving or revoking a mandate needs the staff member's confirmation that the
resident asked for it, and acting for someone else is refused.
"""

import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from townhall.accounts import services
from townhall.accounts.acting import ACTING_KEY, acting_options
from townhall.accounts.assisted import (
    CONFIRMATION_FIELD,
    assisted_look_record,
    assisted_session_active,
    lasting_change_actor,
    resident_confirmation_add,
)
from townhall.accounts.assurance import Assurance, assurance_required
from townhall.accounts.models import Mandate
from townhall.accounts.rate_limits import RateLimit, RateLimitExceeded, rate_limits_hit
from townhall.accounts.selectors import mandate_list_given, mandate_list_received
from townhall.accounts.throttling import client_ip_address
from townhall.registry.identifiers import parse_person_number
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.services import person_find_by_national_number

# A resident gives a handful of mandates in a lifetime; a few typing mistakes
# fit well within these. A shared address (a library, the counter) gets more.
LOOKUPS_PER_ACCOUNT = RateLimit("mandate-lookup-account", limit=10, window=60 * 60)
LOOKUPS_PER_CLIENT = RateLimit("mandate-lookup-client", limit=30, window=60 * 60)

NOT_FOUND = gettext_lazy(
    "We cannot give a mandate to a person with this number and family name. Check both "
    "on their identity card; the family name must be written as it is there."
)


class MandateForm(forms.Form):
    grantee_number = forms.CharField(
        label=gettext_lazy("National register number of the person you trust"),
        max_length=20,
        help_text=gettext_lazy(
            "On the back of their identity card. We use it only to find "
            "the person; it is not shown anywhere."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    grantee_family_name = forms.CharField(
        label=gettext_lazy("Family name of the person you trust"),
        max_length=150,
        help_text=gettext_lazy("As on their identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("What may they do for you?"),
        choices=Mandate.Scope.choices,
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Until (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_grantee_number(self) -> str:
        try:
            return parse_person_number(self.cleaned_data["grantee_number"]).number
        except ValidationError as error:
            raise ValidationError(error.messages) from error


def _name_key(name: str) -> str:
    """A name as compared: letters only, without case or accents ("Van den Broeck",
    "vandenbroeck" and "VAN DEN BROECK" are the same)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalpha())


def grantee_find(*, national_number: str, family_name: str) -> Person | None:
    """The living person in the register with this number and family name, or None.

    Callers answer None with one message whatever the reason, so the answer
    never tells whether the number belongs to someone here."""
    person = person_find_by_national_number(national_number)
    if person is None or person.state == Person.State.DECEASED:
        return None
    wanted = _name_key(family_name)
    if not wanted or _name_key(person.family_name) != wanted:
        return None
    return person


@login_required
@require_POST
def acting_choose(request):
    """Switch whom you act for: yourself, a mandate's grantor, or an organisation."""
    person = request.user.person
    choice = request.POST.get("acting", "self")
    if choice == "self" or person is None:
        request.session.pop(ACTING_KEY, None)
        return redirect("portal:my_page")
    if assisted_session_active(request):
        messages.error(
            request,
            _(
                "In an assisted session you act only for the resident whose identity "
                "document was checked."
            ),
        )
        return redirect("portal:my_page")
    kind, _sep, pk = choice.partition(":")
    options = acting_options(person)
    allowed = {f"mandate:{m.pk}" for m in options["mandates"]} | {
        f"representation:{r.pk}" for r in options["representations"]
    }
    if choice not in allowed:
        messages.error(request, _("You cannot act for this person or organisation."))
        return redirect("portal:my_page")
    request.session[ACTING_KEY] = {"kind": kind, "id": int(pk)}
    services.activity_record_for_request(request, "acting.switched", {"to": choice})
    return redirect("portal:my_page")


def _too_many(minutes: int) -> str:
    return ngettext(
        "You tried too many times. To protect everyone's data, you can try again "
        "in %(minutes)d minute.",
        "You tried too many times. To protect everyone's data, you can try again "
        "in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _mandate_grant(request, *, grantor: Person, data: dict) -> Person:
    """Count the look-up, find the grantee, and give the mandate; returns the grantee."""
    rate_limits_hit(
        (LOOKUPS_PER_CLIENT, client_ip_address(request)),
        (LOOKUPS_PER_ACCOUNT, f"user:{request.user.pk}"),
    )
    grantee = grantee_find(
        national_number=data["grantee_number"], family_name=data["grantee_family_name"]
    )
    if grantee is None:
        raise ValidationError({NON_FIELD_ERRORS: NOT_FOUND})
    with transaction.atomic():
        actor = lasting_change_actor(
            request,
            change="mandate.granted",
            person=grantor,
            confirmed=data.get(CONFIRMATION_FIELD, False),
        )
        services.mandate_grant(
            grantor=grantor,
            grantee=grantee,
            scope=data["scope"],
            valid_until=data["valid_until"],
            actor=actor,
        )
        # At the counter the staff member found the grantee by number: their look.
        assisted_look_record(
            request,
            person=grantee,
            action=AccessLogEntry.Action.LOOKUP,
            what=_("a mandate given to you by %(name)s") % {"name": grantor.full_name},
        )
    return grantee


@assurance_required(Assurance.HIGH)
def mandates(request):
    """Mandates you gave and received; give a new one (needs an eID sign-in)."""
    person = request.user.person
    if person is None:
        return render(request, "accounts/mandates_unavailable.html")
    form = MandateForm(
        request.POST or None,
        initial={"valid_until": timezone.localdate().replace(year=timezone.localdate().year + 1)},
    )
    resident_confirmation_add(request, form)
    refusal = None
    if request.method == "POST" and request.acting.is_self and form.is_valid():
        try:
            grantee = _mandate_grant(request, grantor=person, data=form.cleaned_data)
        except RateLimitExceeded as error:
            refusal = error
            form.add_error(None, _too_many(error.minutes))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s may now act for you.") % {"name": grantee})
            return redirect("accounts:mandates")
    assisted_look_record(request, person=person, what=_("Mandates"))
    response = render(
        request,
        "accounts/mandates.html",
        {
            "form": form,
            "given": mandate_list_given(person=person),
            "received": mandate_list_received(person=person),
            "today": timezone.localdate(),
        },
        status=429 if refusal else 200,
    )
    if refusal:
        response["Retry-After"] = str(refusal.retry_after)
    return response


@assurance_required(Assurance.HIGH)
def mandate_revoke(request, pk):
    """The grantor ends a mandate at once, after a page that asks to confirm (the
    table's button opens it; it works without JavaScript). In an assisted session
    that page also asks the staff member to confirm that the resident asked for it."""
    mandate = get_object_or_404(Mandate, pk=pk, grantor=request.user.person)
    confirming = request.method == "POST" and "confirming" in request.POST
    form = forms.Form(request.POST if confirming else None)
    resident_confirmation_add(request, form)
    if not confirming or not form.is_valid():
        # A GET, or a POST from anywhere but the confirmation page: ask first.
        return render(
            request, "accounts/mandate_revoke_confirm.html", {"mandate": mandate, "form": form}
        )
    with transaction.atomic():
        actor = lasting_change_actor(
            request,
            change="mandate.revoked",
            person=mandate.grantor,
            # Outside an assisted session the form has no fields and is not asked.
            confirmed=form.cleaned_data.get(CONFIRMATION_FIELD, False),
        )
        services.mandate_revoke(mandate=mandate, actor=actor)
    messages.success(request, _("The mandate has been revoked."))
    return redirect("accounts:mandates")
