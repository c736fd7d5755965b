"""Staff sign-in: password, then the second factor; its set-up; backup codes;
and the end of an assisted session. The flow is described in
:mod:`townhall.accounts.second_factor`."""

from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from townhall.accounts import assisted, second_factor, services
from townhall.accounts.second_factor import (
    has_any_device,
    has_totp_device,
    is_staff_account,
    is_verified_staff,
    staff_required,
)

BACKUP_CODES_KEY = "townhall_backup_codes_once"
FEW_BACKUP_CODES = 3


class StaffSignInForm(AuthenticationForm):
    """Username and password of a staff account. A resident account gets the same
    answer as a wrong password, so the form tells nobody which accounts are staff."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_staff_account(user):
            raise self.get_invalid_login_error()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The six digits that your authenticator app shows now, or one of your backup codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=10,
        help_text=gettext_lazy("The six digits that the app shows for this account now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request, default: str = "backoffice:home") -> str:
    """Where the staff member goes after signing in: the page they asked for, else the
    back office's start page. The admin's index counts as asking for nothing: it is
    where ``/admin/`` sends everyone, and staff start where they work, the back office
    (which links to the administration)."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if (
        candidate
        and candidate != reverse("admin:index")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    return second_factor._step_url(name, next_url)


@never_cache
def sign_in(request):
    """Step 1: username and password (failures throttled by django-axes)."""
    next_url = _next(request)
    if is_verified_staff(request.user):
        return HttpResponseRedirect(next_url)
    form = StaffSignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if assisted.assisted_session_active(request):
            # Signing in over an assisted session ends it, on the record.
            assisted.assisted_session_end(request, reason="superseded")
        login(request, user)
        step = "staff:second_factor" if has_any_device(user) else "staff:setup"
        return HttpResponseRedirect(_with_next(step, next_url))
    return render(request, "accounts/staff/sign_in.html", {"form": form, "next": next_url})


def _signed_in_staff_or_redirect(request, next_url):
    """The staff member who passed step 1, or the response for someone who did not."""
    if not request.user.is_authenticated:
        return None, HttpResponseRedirect(_with_next("staff:sign_in", next_url))
    if not is_staff_account(request.user):
        return None, second_factor.refuse(request)
    return request.user, None


@never_cache
def second_factor_step(request):
    """Step 2: a code of the authenticator app, or a backup code (used up)."""
    next_url = _next(request)
    user, response = _signed_in_staff_or_redirect(request, next_url)
    if response:
        return response
    if is_verified_staff(user):
        return HttpResponseRedirect(next_url)
    if not has_any_device(user):
        return HttpResponseRedirect(_with_next("staff:setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, locked_until = second_factor.second_factor_verify(
            user=user, token=form.cleaned_data["code"]
        )
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            kind = second_factor.device_kind(device)
            services.activity_record(
                actor=user, action="staff.signed_in", detail={"second_factor": kind}
            )
            if kind == "backup_code":
                _warn_backup_codes_left(request, user)
            return HttpResponseRedirect(next_url)
        if locked_until is not None:
            form.add_error(
                None,
                _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
                % {"seconds": second_factor.wait_seconds(locked_until)},
            )
        else:
            form.add_error("code", _("This code is not right. Check the time on your phone."))
    return render(
        request,
        "accounts/staff/second_factor.html",
        {
            "form": form,
            "next": next_url,
            "has_app": has_totp_device(user),
        },
    )


def _warn_backup_codes_left(request, user):
    left = second_factor.backup_codes_left(user)
    messages.warning(
        request,
        _(
            "You used a backup code; %(left)d are left. Make new ones on the backup codes "
            "page when you run low."
        )
        % {"left": left},
    )


@never_cache
def setup(request):
    """First-time set-up of the authenticator app: QR code (or the secret as text),
    a code to confirm, then the backup codes, shown once.

    Whoever knows the password of a staff account without an app could set one
    up; so every staff account gets its app at its first sign-in, and ICT
    removes a lost app (the owner then signs in with a backup code or sets up
    again)."""
    next_url = _next(request)
    user, response = _signed_in_staff_or_redirect(request, next_url)
    if response:
        return response
    if has_totp_device(user):
        target = (
            next_url if is_verified_staff(user) else _with_next("staff:second_factor", next_url)
        )
        return HttpResponseRedirect(target)
    if has_any_device(user) and not is_verified_staff(user):
        # Backup codes exist: prove them first, then set up the new app.
        return HttpResponseRedirect(_with_next("staff:second_factor", next_url))
    device = second_factor.totp_device_pending(user=user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.totp_device_confirm(device=device, token=form.cleaned_data["code"]):
            request.session.cycle_key()
            otp_login(request, device)
            request.session[BACKUP_CODES_KEY] = second_factor.backup_codes_replace(user=user)
            services.activity_record(actor=user, action="staff.second_factor_set_up")
            return HttpResponseRedirect(_with_next("staff:backup_codes", next_url))
        form.add_error(
            "code",
            _(
                "This code is not right. Scan the QR code again, or check "
                "the time on your phone, and enter the code shown now."
            ),
        )
    issuer = second_factor.totp_issuer(request)
    # django-otp builds the otpauth:// URL; OTP_TOTP_ISSUER gives it the same issuer.
    config_url = device.config_url
    return render(
        request,
        "accounts/staff/setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": second_factor.qr_svg(
                config_url, title=_("QR code for your authenticator app")
            ),
            "secret": second_factor.totp_secret(device),
            "issuer": issuer,
        },
    )


@never_cache
@staff_required
def backup_codes(request):
    """The backup codes, shown once right after they are made; a POST makes new ones."""
    user = request.user
    if request.method == "POST":
        request.session[BACKUP_CODES_KEY] = second_factor.backup_codes_replace(user=user)
        services.activity_record(actor=user, action="staff.backup_codes_replaced")
        return redirect("staff:backup_codes")
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    response = render(
        request,
        "accounts/staff/backup_codes.html",
        {
            "codes": codes,
            "left": second_factor.backup_codes_left(user),
            "next": _next(request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def sign_out(request):
    """Sign a staff member out; back to the staff sign-in."""
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("staff:sign_in")


@require_POST
def assisted_end(request):
    """End the assisted session (the button in the banner) and return to the staff
    member's own session."""
    if not assisted.assisted_session_active(request):
        return redirect("portal:home")
    staff = assisted.assisted_session_end(request, reason="ended")
    if staff is None:
        messages.info(request, _("The assisted session has ended. Sign in again to continue."))
        return redirect("staff:sign_in")
    messages.success(
        request, _("The assisted session has ended. You are back in your own session.")
    )
    return redirect("backoffice:home")
