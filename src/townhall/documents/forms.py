"""The forms of the public verification page: a code typed, or the PDF itself."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from townhall.documents.verification import CODE_INPUT_MAX, code_usable

# The largest PDF the page checks: an issued document is a few hundred kilobytes.
MAX_FILE_SIZE = 10 * 1024 * 1024
# A PDF's header ("%PDF-") may follow up to 1024 bytes of other data (ISO 32000-1, 7.5.2).
PDF_HEADER_WITHIN = 1024

NOT_A_CODE = _(
    "This is not a verification code. The code on the document has 28 letters and digits "
    "in groups of four, for example 7KQ2-M9XA-C3DE-FG45-HJ6K-MN7P-QR8S."
)
NOT_A_PDF = _(
    "This file is not a PDF. Only the PDF file of a document can be checked here; for a "
    "paper document, type the code printed on it."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_("It is printed on the document, under the QR code: 28 letters and digits."),
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": CODE_INPUT_MAX,
            }
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not code_usable(code):
            raise forms.ValidationError(NOT_A_CODE, code="malformed")
        return code


class PdfField(forms.FileField):
    """A PDF of at most :data:`MAX_FILE_SIZE`, read whole (its hash and seal need every
    byte). The header is checked, not the file's name or the browser's content type."""

    default_error_messages = {
        "required": _("Choose the PDF file of the document."),
        "empty": _("This file is empty. Choose the PDF file of the document."),
    }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("This file is %(size)s; the page checks files of at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_FILE_SIZE)},
                code="too_large",
            )
        upload.seek(0)
        content = upload.read()
        if b"%PDF-" not in content[: PDF_HEADER_WITHIN + 5]:
            raise forms.ValidationError(NOT_A_PDF, code="not_pdf")
        return content


class FileForm(forms.Form):
    pdf = PdfField(
        label=_("The PDF file of the document"),
        help_text=_("At most 10 MB. The file is checked and not kept."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
