"""Forms of the back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.accounts.assisted import IdentityDocument


class AssistedSessionForm(forms.Form):
    """Start an assisted session for the resident at the counter."""

    national_number = forms.CharField(
        label=_("National register or bis number of the resident"),
        max_length=20,
        help_text=_("On the back of their identity document. It is not shown or kept anywhere."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    document = forms.ChoiceField(
        label=_("Identity document you checked"),
        choices=IdentityDocument.choices,
        widget=forms.RadioSelect,
    )
    identity_checked = forms.BooleanField(
        label=_(
            "I checked the identity document: the photo matches the person in front of me "
            "and the document is valid."
        ),
        error_messages={"required": _("Check the identity document before you start.")},
    )
