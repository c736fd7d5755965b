"""Pages to choose for whom you act, and to give and revoke mandates."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from townhall.accounts import services
from townhall.accounts.acting import ACTING_KEY, acting_options
from townhall.accounts.assurance import Assurance, assurance_required
from townhall.accounts.models import Mandate
from townhall.registry.services import person_find_by_national_number


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
    scope = forms.ChoiceField(
        label=gettext_lazy("What may they do for you?"),
        choices=Mandate.Scope.choices,
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Until (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@login_required
@require_POST
def acting_choose(request):
    """Switch whom you act for: yourself, a mandate's grantor, or an organisation."""
    person = request.user.person
    choice = request.POST.get("acting", "self")
    if choice == "self" or person is None:
        request.session.pop(ACTING_KEY, None)
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
    if request.method == "POST" and request.acting.is_self and form.is_valid():
        try:
            grantee = person_find_by_national_number(form.cleaned_data["grantee_number"])
            if grantee is None:
                raise ValidationError(
                    {
                        "grantee_number": _(
                            "We do not find this person in the register of this municipality."
                        )
                    }
                )
            services.mandate_grant(
                grantor=person,
                grantee=grantee,
                scope=form.cleaned_data["scope"],
                valid_until=form.cleaned_data["valid_until"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s may now act for you.") % {"name": grantee})
            return redirect("accounts:mandates")
    return render(
        request,
        "accounts/mandates.html",
        {
            "form": form,
            "given": Mandate.objects.filter(grantor=person).select_related("grantee"),
            "received": Mandate.objects.filter(grantee=person).select_related("grantor"),
            "today": timezone.localdate(),
        },
    )


@assurance_required(Assurance.HIGH)
@require_POST
def mandate_revoke(request, pk):
    """The grantor ends a mandate at once."""
    mandate = get_object_or_404(Mandate, pk=pk, grantor=request.user.person)
    services.mandate_revoke(mandate=mandate, actor=request.user)
    messages.success(request, _("The mandate has been revoked."))
    return redirect("accounts:mandates")
