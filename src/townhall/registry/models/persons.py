"""Persons (OSLO Persoon basis) as the population register holds them."""

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from townhall.languages import REGISTER, language_choices
from townhall.registry import protection
from townhall.registry.models.addresses import Address

# A person's language as the register holds it; townhall.languages says why German is one.
LANGUAGES = language_choices(REGISTER)


class Person(models.Model):
    """A person (persoon:GeregistreerdPersoon, or a visitor without a Belgian number)."""

    class NumberKind(models.TextChoices):
        NATIONAL_REGISTER = "national_register", _("national register number")
        BIS = "bis", _("bis number")
        NONE = "none", _("no Belgian number (visitor)")

    class Sex(models.TextChoices):  # persoon:geslacht, codelist IT000 Geslacht
        MALE = "m", _("male")
        FEMALE = "f", _("female")
        UNKNOWN = "x", _("unknown")

    class State(models.TextChoices):
        RESIDENT = "resident", _("resident")  # persoon:Inwoner
        MOVED_OUT = "moved_out", _("moved out")
        DECEASED = "deceased", _("deceased")  # persoon:Overlijden
        NOT_RESIDENT = "not_resident", _("not a resident (visitor)")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month only")
        YEAR = "year", _("year only")

    # adms:identifier (skos:notation), kept encrypted; looked up through the keyed hash.
    number_kind = models.CharField(
        _("kind of number"), max_length=20, choices=NumberKind.choices, default=NumberKind.NONE
    )
    # NULL, not "", for "no number": unique allows many NULLs but only one "".
    national_number_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    national_number_encrypted = models.TextField(blank=True, editable=False)
    # A fingerprint of the keyed hash, no digit of the number (protection.national_number_mask).
    national_number_masked = models.CharField(
        _("national number"), max_length=16, blank=True, editable=False
    )

    given_names = models.CharField(_("given names"), max_length=150)  # persoon:voornaam
    family_name = models.CharField(_("family name"), max_length=150)  # foaf:familyName
    birth_date = models.DateField(_("birth date"), null=True, blank=True)  # persoon:heeftGeboorte
    birth_date_precision = models.CharField(
        _("birth date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(  # persoon:heeftNationaliteit, ISO 3166-1 alpha-2
        _("nationality"), max_length=2, default="BE"
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="nl")
    domicile = models.ForeignKey(  # persoon:Domicilie
        Address,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("domicile address"),
    )
    email = models.EmailField(_("e-mail"), blank=True)  # schema:email
    mobile = models.CharField(_("mobile number (E.164)"), max_length=16, blank=True)
    state = models.CharField(
        _("state"), max_length=15, choices=State.choices, default=State.RESIDENT
    )
    state_since = models.DateField(_("state since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["family_name", "given_names"]),
            # A search by a whole e-mail address (email__iexact). The trigram indexes of
            # the names exist on PostgreSQL only (migration 0006).
            models.Index(Upper("email"), name="person_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number_kind="none", national_number_hash__isnull=True)
                | (~models.Q(number_kind="none") & models.Q(national_number_hash__isnull=False)),
                name="person_number_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def has_belgian_number(self) -> bool:
        return self.number_kind != self.NumberKind.NONE

    def reveal_national_number(self) -> str:
        """The number in clear. Call only through ``person_reveal_national_number``,
        which writes the access log."""
        if not self.national_number_encrypted:
            return ""
        return protection.decrypt(self.national_number_encrypted)
