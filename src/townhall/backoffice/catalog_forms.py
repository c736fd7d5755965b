"""The back office's form of a product: its texts in each language and its settings.

The form only checks and collects; saving goes through ``catalog.services``
(``product_update``), which makes the snapshot and sends the event.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from townhall.catalog.models import TEXT_FIELDS, TRANSLATED, Product
from townhall.catalog.services import EDITABLE
from townhall.catalog.vocabulary import Audience, Theme
from townhall.languages import FALLBACK, INTERFACE

TEXTS = tuple(
    name for base in TEXT_FIELDS for name in (base, *(f"{base}_{code}" for code in TRANSLATED))
)
SETTINGS = (
    "dutch_form",
    "product_type",
    "audiences",
    "themes",
    "keywords",
    "is_free",
    "fee_cents",
    "processing_days",
    "department",
    "online",
    "at_counter",
    "by_appointment",
    "elsewhere_url",
    "elsewhere_label",
    *(f"elsewhere_label_{code}" for code in TRANSLATED),
    "assurance",
    "anonymous_allowed",
)
MAX_TEXT = 20_000
# The legends of the admin's fieldsets (catalog.admin), one per interface language.
TEXTS_IN = dict(
    zip(
        INTERFACE,
        (_("Texts in Dutch"), _("Texts in French"), _("Texts in English")),
        strict=True,
    )
)


class ProductForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("target audiences"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    elsewhere_url = forms.URLField(
        label=Product._meta.get_field("elsewhere_url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    themes = forms.MultipleChoiceField(
        label=_("themes"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = [*TEXTS, *SETTINGS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in TEXTS
            if not name.startswith("title")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = MAX_TEXT
                field.validators.append(MaxLengthValidator(MAX_TEXT))
                field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))

    def changes(self) -> dict:
        """The fields that changed, as ``product_update`` takes them."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE}

    def text_groups(self) -> list[dict]:
        """The text fields per language, for the page's fieldsets."""
        names = {FALLBACK: list(TEXT_FIELDS)}
        names.update({code: [f"{base}_{code}" for base in TEXT_FIELDS] for code in TRANSLATED})
        return [
            {"code": code, "legend": TEXTS_IN[code], "fields": [self[name] for name in fields]}
            for code, fields in names.items()
        ]

    def setting_fields(self) -> list:
        return [self[name] for name in SETTINGS]
