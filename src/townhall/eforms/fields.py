"""Field types of a form definition: the Django form fields each builds, and its value.

1. Each type is a :class:`FieldType` registered on :data:`field_types` by its
   name in the definition (``"text"``, ``"iban"``...).
2. :meth:`FieldType.form_fields` builds the Django fields of one definition
   field (most build one; an address builds its parts), with label, hint,
   required and the ``autocomplete`` token (:mod:`townhall.eforms.autocomplete`).
3. After Django has cleaned them, :meth:`FieldType.value` turns the parts into
   the JSON value the rules read and the draft keeps, or raises
   ``ValidationError`` with a message for the resident.
4. :meth:`FieldType.display` shows a value on the check step and when prefilled.

Every input is limited in length before anything parses it, so no value, of
whatever size or encoding, reaches a parser unbounded.
"""

import datetime
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any, ClassVar

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from townhall.eforms.autocomplete import token_for
from townhall.eforms.text import text_in
from townhall.plugins import Registry
from townhall.registry.identifiers import parse_enterprise_number, parse_person_number
from townhall.registry.models import Address
from townhall.registry.models.addresses import normalise_address

TEXT_MAX = 500
LONG_TEXT_MAX = 10_000
FILE_MAX_SIZE = 10 * 1024 * 1024
FILE_ACCEPT = ("application/pdf", "image/jpeg", "image/png")
YES, NO = "yes", "no"


class FieldType(ABC):
    """One kind of field. Subclasses set :attr:`name` through ``@field_types(...)``."""

    name: str = ""
    parts: ClassVar[tuple[str, ...]] = ("",)  # suffixes of the Django field names

    @abstractmethod
    def form_fields(self, spec: dict, *, required: bool) -> dict[str, forms.Field]:
        """The Django fields of one definition field, by the suffix of their names."""

    def value(self, cleaned: dict[str, Any], spec: dict) -> Any:
        """The JSON value of the cleaned parts (None when empty)."""
        value = cleaned.get("")
        return None if value in ("", None, []) else value

    def initial(self, value: Any, spec: dict) -> dict[str, Any]:
        return {"": value}

    def display(self, value: Any, spec: dict) -> str:
        return "" if value is None else str(value)


class SingleFieldType(FieldType):
    """A field type that one Django field answers (all but the address and the group)."""

    def form_fields(self, spec: dict, *, required: bool) -> dict[str, forms.Field]:
        field = self.django_field(spec, required=required)
        field.label = text_in(spec["label"])
        field.help_text = text_in(spec.get("hint"))
        token = token_for(spec)
        if token:
            field.widget.attrs["autocomplete"] = token
        return {"": field}

    @abstractmethod
    def django_field(self, spec: dict, *, required: bool) -> forms.Field:
        """The one Django field, without label, hint or autocomplete (added above)."""


class FieldTypes(Registry[FieldType]):
    kind = "form field type"
    base = FieldType

    def entry_made(self, plugin, identifier):
        instance = plugin()
        instance.name = identifier
        return instance


field_types = FieldTypes()


@field_types("text")
class TextType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.CharField(required=required, max_length=spec.get("max_length", TEXT_MAX))


@field_types("long_text")
class LongTextType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.CharField(
            required=required,
            max_length=spec.get("max_length", LONG_TEXT_MAX),
            widget=forms.Textarea(attrs={"rows": 5}),
        )


class BoundedNumberField(forms.DecimalField):
    """A number; a text longer than any number is refused before it is parsed."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value.replace(",", ".") if isinstance(value, str) else value)


@field_types("number")
class NumberType(SingleFieldType):
    def django_field(self, spec, *, required):
        return BoundedNumberField(
            required=required,
            max_digits=15,
            decimal_places=4,
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )

    def value(self, cleaned, spec):
        number = cleaned.get("")
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)

    def initial(self, value, spec):
        return {"": None if value is None else Decimal(str(value))}


class BoundedDateField(forms.DateField):
    input_formats = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 20:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@field_types("date")
class DateType(SingleFieldType):
    def django_field(self, spec, *, required):
        return BoundedDateField(required=required, widget=forms.DateInput(attrs={"type": "date"}))

    def value(self, cleaned, spec):
        date = cleaned.get("")
        return date.isoformat() if date else None

    def initial(self, value, spec):
        return {"": datetime.date.fromisoformat(value) if value else None}


@field_types("email")
class EmailType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.EmailField(required=required, max_length=254)


class PhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            number = phonenumbers.parse(value, "BE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _("Enter a phone number, for example 0470 12 34 56 or +32 51 12 34 56."),
                code="invalid",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@field_types("phone")
class PhoneType(SingleFieldType):
    def django_field(self, spec, *, required):
        return PhoneField(
            required=required, max_length=40, widget=forms.TextInput(attrs={"type": "tel"})
        )


def _choices(spec):
    return [(choice["value"], text_in(choice["label"])) for choice in spec["choices"]]


@field_types("choice")
class ChoiceType(SingleFieldType):
    def django_field(self, spec, *, required):
        choices = _choices(spec)
        if len(choices) <= 6:
            return forms.ChoiceField(required=required, choices=choices, widget=forms.RadioSelect)
        return forms.ChoiceField(required=required, choices=[("", "–"), *choices])

    def display(self, value, spec):
        return dict(_choices(spec)).get(value, "") if value else ""


@field_types("multiple_choice")
class MultipleChoiceType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.MultipleChoiceField(
            required=required, choices=_choices(spec), widget=forms.CheckboxSelectMultiple
        )

    def value(self, cleaned, spec):
        return list(cleaned.get("") or []) or None

    def display(self, value, spec):
        labels = dict(_choices(spec))
        return ", ".join(labels.get(v, "") for v in value or [])


@field_types("yes_no")
class YesNoType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.ChoiceField(
            required=required,
            choices=[(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))],
            widget=forms.RadioSelect,
        )

    def value(self, cleaned, spec):
        answer = cleaned.get("")
        return {YES: True, NO: False}.get(answer)

    def initial(self, value, spec):
        return {"": {True: YES, False: NO}.get(value)}

    def display(self, value, spec):
        return {True: _("Yes"), False: _("No")}.get(value, "")


class NationalNumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse_person_number(value, field="value").number
        except ValidationError as error:
            raise ValidationError(error.message_dict["value"]) from None


@field_types("national_number")
class NationalNumberType(SingleFieldType):
    def django_field(self, spec, *, required):
        return NationalNumberField(
            required=required,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )

    def display(self, value, spec):
        # Never shown in full again: the last two digits only, not a guessable mask.
        return f"•••••••••{value[-2:]}" if value else ""


class EnterpriseNumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse_enterprise_number(value, field="value")
        except ValidationError as error:
            raise ValidationError(error.message_dict["value"]) from None


@field_types("enterprise_number")
class EnterpriseNumberType(SingleFieldType):
    def django_field(self, spec, *, required):
        return EnterpriseNumberField(required=required, max_length=20)


class IbanField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return stdnum_iban.validate(value.upper())
        except StdnumError:
            raise ValidationError(
                _("This is not a valid IBAN account number, for example BE71 0961 2345 6769."),
                code="invalid",
            ) from None


@field_types("iban")
class IbanType(SingleFieldType):
    def django_field(self, spec, *, required):
        return IbanField(required=required, max_length=42)

    def display(self, value, spec):
        return stdnum_iban.format(value) if value else ""


@field_types("consent")
class ConsentType(SingleFieldType):
    def django_field(self, spec, *, required):
        return forms.BooleanField(required=required)

    def value(self, cleaned, spec):
        return bool(cleaned.get(""))

    def display(self, value, spec):
        return _("Yes") if value else _("No")


@field_types("address")
class AddressType(FieldType):
    """An address of the address register: street, number, box and postcode, each
    labelled; the address must exist in the register (adresregister)."""

    parts = ("__street", "__number", "__box", "__postcode")
    PART_LABELS = {
        "__street": (gettext_lazy("Street"), "address-line1", 120),
        "__number": (gettext_lazy("House number"), "", 12),
        "__box": (gettext_lazy("Box"), "", 12),
        "__postcode": (gettext_lazy("Postcode"), "postal-code", 4),
    }

    def form_fields(self, spec, *, required):
        fields = {}
        for suffix, (label, token, length) in self.PART_LABELS.items():
            field = forms.CharField(
                label=label, required=required and suffix != "__box", max_length=length
            )
            if token:
                field.widget.attrs["autocomplete"] = token
            fields[suffix] = field
        return fields

    def value(self, cleaned, spec):
        parts = [cleaned.get(s) or "" for s in ("__street", "__number", "__box", "__postcode")]
        if not any(parts):
            return None
        key = normalise_address(*parts, "")[-1]
        address = Address.objects.filter(key=key).first()
        if address is None:
            raise ValidationError(
                _(
                    "We cannot find this address in the address register. "
                    "Check the street, number and postcode."
                )
            )
        return address_value(address)

    def initial(self, value, spec):
        value = value or {}
        return {
            "__street": value.get("street_name"),
            "__number": value.get("house_number"),
            "__box": value.get("box_number"),
            "__postcode": value.get("postcode"),
        }

    def display(self, value, spec):
        if not value:
            return ""
        box = f" {_('box')} {value['box_number']}" if value.get("box_number") else ""
        return (
            f"{value['street_name']} {value['house_number']}{box}, "
            f"{value['postcode']} {value.get('municipality_name', '')}"
        ).strip()


def address_value(address) -> dict:
    """An address (a register row or a prefilled AddressRecord) as the JSON a draft keeps."""
    return {
        "street_name": address.street_name,
        "house_number": address.house_number,
        "box_number": address.box_number,
        "postcode": address.postcode,
        "municipality_name": address.municipality_name,
        "register_uri": getattr(address, "register_uri", ""),
    }


@field_types("file")
class FileType(SingleFieldType):
    """An upload, checked by its content (magic bytes) and size (:mod:`townhall.eforms.uploads`)."""

    def django_field(self, spec, *, required):
        from townhall.eforms.uploads import CheckedFileField

        return CheckedFileField(
            required=required,
            accept=tuple(spec.get("accept", FILE_ACCEPT)),
            max_size=spec.get("max_size", FILE_MAX_SIZE),
        )

    def initial(self, value, spec):
        return {"": None}

    def display(self, value, spec):
        return value.get("name", "") if isinstance(value, dict) else ""


@field_types("group")
class GroupType(FieldType):
    """A repeatable group: its rows are built by :mod:`townhall.eforms.step_forms`."""

    def form_fields(self, spec, *, required):
        return {}

    def display(self, value, spec):
        rows = []
        for row in value or []:
            parts = [
                field_types[sub["type"]].display(row.get(sub["key"]), sub) for sub in spec["fields"]
            ]
            rows.append("; ".join(p for p in parts if p))
        return " | ".join(rows)
