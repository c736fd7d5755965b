"""Following an anonymous submission with its tracking code (/loket/volgen/).

1. The visitor types the code into a form (a POST: the code never goes into a
   URL, where logs and browser histories would keep it).
2. Every try counts against the client's address (:data:`TRIES_PER_CLIENT`,
   :mod:`townhall.accounts.rate_limits`), before the code is looked up, so
   guessing codes costs the same whether a guess is right or wrong; over the
   limit the field says when to try again.
3. A code that cannot be one (wrong length or letters) and a code that
   matches no submission each get their own error on the field.
4. A match shows the reference, the form, the date and the status. The forms
   sit below case handling, so they cannot read a case: an app that handles
   submissions registers a :class:`SubmissionStatusProvider` in
   :data:`status_providers` (the cases app does, in its ``ready()``), and the
   status is the first provider's answer, or "received" when none has one.
"""

from abc import ABC, abstractmethod

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from townhall.accounts.rate_limits import RateLimit
from townhall.eforms.submissions import TRACKING_ALPHABET, TRACKING_LENGTH, tracking_code_normalise
from townhall.plugins import Registry, UnknownPlugin

# Ten tries per client address per quarter of an hour: enough for a mistyped code
# or a household following a few reports, far too few to guess a code.
TRIES_PER_CLIENT = RateLimit("tracking-code-client", limit=10, window=15 * 60)

# What a submission's status is until an app that handles it says more.
RECEIVED = pgettext_lazy("status of a request", "Received")


class UnknownSubmissionStatusProvider(UnknownPlugin):
    """No submission status provider is registered under this id."""


class SubmissionStatusProvider(ABC):
    """Knows how far the handling of a submission is."""

    @abstractmethod
    def status_for(self, submission) -> str | None:
        """The status a resident reads for ``submission``, in plain language, or None."""


class SubmissionStatusProviders(Registry[SubmissionStatusProvider]):
    kind = "submission status provider"
    base = SubmissionStatusProvider
    unknown_error = UnknownSubmissionStatusProvider

    def entry_made(self, plugin, identifier: str) -> SubmissionStatusProvider:
        return plugin()


status_providers = SubmissionStatusProviders()


def submission_status(
    submission, *, providers: SubmissionStatusProviders = status_providers
) -> str:
    """The status a resident reads for ``submission``: the first provider's, else "received"."""
    for provider in providers:
        status = provider.status_for(submission)
        if status:
            return str(status)
    return str(RECEIVED)


def too_many_tries(minutes: int) -> str:
    return ngettext(
        "You tried too many codes. You can try again in %(minutes)d minute.",
        "You tried too many codes. You can try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


NOT_FOUND = _(
    "We found no request with this tracking code. Check the code on your receipt or "
    "on the page you saw after sending."
)


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("12 letters and digits, for example ABCD-EFGH-JK23."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = tracking_code_normalise(self.cleaned_data["code"])
        if len(code) != TRACKING_LENGTH or any(c not in TRACKING_ALPHABET for c in code):
            raise forms.ValidationError(
                _("This is not a tracking code. A tracking code has 12 letters and digits."),
                code="malformed",
            )
        return code
