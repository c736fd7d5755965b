"""Forms of the resident sign-in."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class EmailSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        user = authenticate(self.request, username=data["email"].lower(), password=data["password"])
        if user is None or not user.is_resident or user.email_verified_at is None:
            raise forms.ValidationError(
                _(
                    "The e-mail address or password is not right, or the address is not "
                    "verified yet."
                ),
                code="invalid_login",
            )
        self.user = user
        return data

    def get_user(self):
        return self.user
