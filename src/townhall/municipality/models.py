"""The municipality that runs this Townhall, and its departments.

Every page reads the name, contact details and branding from the one active
:class:`Municipality`; nothing about a particular municipality is hard-coded.
"""

import json
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

from townhall.languages import FALLBACK, INTERFACE
from townhall.municipality.branding import contrast_ratio

nis_code_validator = RegexValidator(
    r"^\d{5}$", _("A NIS code has exactly five digits (for example 36007).")
)
postcode_validator = RegexValidator(
    r"^[1-9]\d{3}$", _("A Belgian postcode has four digits and does not start with 0.")
)
reference_prefix_validator = RegexValidator(
    r"^[A-Z]{2,6}$", _("A reference prefix has two to six capital letters (for example ING).")
)
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Write a colour as # followed by six hexadecimal digits.")
)
COLOUR_PATTERN = re.compile(colour_validator.regex.pattern)
# WCAG 2.1 AA: 4.5:1 for normal text; the primary colour carries white text.
MINIMUM_CONTRAST = 4.5


def validate_enterprise_number(value: str) -> None:
    """The municipality's own enterprise number (KBO), ten digits."""
    if not vat.is_valid(value) or vat.compact(value) != value:
        raise ValidationError(
            _("An enterprise number has ten digits, written without dots, and valid check digits."),
            code="invalid",
        )


class Municipality(models.Model):
    """A municipality's profile (gemeente); exactly one is active at a time."""

    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    nis_code = models.CharField(_("NIS code"), max_length=5, validators=[nis_code_validator])
    is_active = models.BooleanField(_("active"), default=False)

    street = models.CharField(_("street"), max_length=100)
    house_number = models.CharField(_("house number"), max_length=10)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telephone"), max_length=20)
    website = models.URLField(_("website"), blank=True)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        blank=True,
        validators=[validate_enterprise_number],
    )

    # Submissions at the online counter get "<prefix>-<year>-<number>" (ING-2026-000123):
    # the reference a resident reads on the phone, so short and without letters that
    # look like digits being mixed in.
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=6,
        default="TH",
        validators=[reference_prefix_validator],
        help_text=_("Two to six capital letters that start every request's reference."),
    )

    logo = models.FileField(_("logo"), upload_to="municipality/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1d4f91", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#ffc515", validators=[colour_validator]
    )
    # Who signs the documents the municipality issues (townhall.documents), as printed
    # under them: a name and a title ("De algemeen directeur"), the title per language.
    signatory_name = models.CharField(_("signatory's name"), max_length=150, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=150,
        blank=True,
        help_text=_("As printed under a document, for example: De algemeen directeur."),
    )
    signatory_title_fr = models.CharField(
        _("signatory's title in French"), max_length=150, blank=True
    )
    signatory_title_en = models.CharField(
        _("signatory's title in English"), max_length=150, blank=True
    )
    languages = models.JSONField(
        _("interface languages"),
        default=list,
        help_text=_("Language codes offered to residents, Dutch first: nl, fr, en."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_municipality",
                violation_error_message=_("Only one municipality can be active."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        language_error = self._languages_error()
        if language_error:
            errors["languages"] = language_error
        if (
            self.primary_colour
            and COLOUR_PATTERN.match(self.primary_colour)
            and contrast_ratio(self.primary_colour, "#ffffff") < MINIMUM_CONTRAST
        ):
            errors["primary_colour"] = _(
                "White text on this colour has a contrast below 4.5:1 (WCAG 2.1 AA); "
                "choose a darker colour."
            )
        if errors:
            raise ValidationError(errors)

    def _languages_error(self):
        languages = self.languages
        if not isinstance(languages, list) or not all(isinstance(c, str) for c in languages):
            return _("Write the languages as a list of codes, for example %(example)s.") % {
                "example": json.dumps(list(INTERFACE))
            }
        unknown = [code for code in languages if code not in INTERFACE]
        if unknown:
            return _("Unknown language codes: %(codes)s. Known are %(known)s.") % {
                "codes": ", ".join(unknown),
                "known": ", ".join(INTERFACE),
            }
        if len(set(languages)) != len(languages):
            return _("Each language is listed once.")
        if languages and languages[0] != FALLBACK:
            return _("Dutch (nl) comes first: it is the language of a Flemish municipality.")
        return None

    def localized_name(self, language: str) -> str:
        return {"fr": self.name_fr, "en": self.name_en}.get(language) or self.name

    def signatory_title_in(self, language: str) -> str:
        """The signatory's title in ``language``, Dutch when it has none there."""
        titles = {"fr": self.signatory_title_fr, "en": self.signatory_title_en}
        return titles.get(language) or self.signatory_title

    @property
    def address_line(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.name}"


class Postcode(models.Model):
    """A postcode that lies (partly) in the municipality, with its place name."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postcodes",
        verbose_name=_("municipality"),
    )
    code = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    place_name = models.CharField(_("place name"), max_length=100)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_postcode")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place_name}"


class Department(models.Model):
    """A department of the administration (dienst), e.g. citizens' affairs."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_department")
        ]

    def __str__(self) -> str:
        return self.name

    def localized_name(self, language: str) -> str:
        return {"fr": self.name_fr, "en": self.name_en}.get(language) or self.name


class OpeningHours(models.Model):
    """A period in the week when the counter (or one department) is open."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("municipality"),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opening_hours",
        help_text=_("Leave empty for the general counter."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    by_appointment = models.BooleanField(_("by appointment only"), default=False)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"
