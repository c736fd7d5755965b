"""The base registers, aligned with OSLO (Persoon basis, Adresregister, Organisatie basis).

Each field names its OSLO term in the comment beside it; ``docs/standards.md``
has the full mapping table. Writes go through :mod:`townhall.registry.services`.
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.languages import REGISTER, language_choices
from townhall.registry import protection
from townhall.registry.identifiers import (
    compact_enterprise_number,
    compact_vcode,
    format_enterprise_number,
    parse_enterprise_number,
    parse_vcode,
)

# A person's language as the register holds it; townhall.languages says why German is one.
LANGUAGES = language_choices(REGISTER)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, for the uniqueness key of addresses."""
    if text.isascii():  # no accents to strip; much faster for the importers' millions of rows
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _squash(text: str) -> str:
    return " ".join(str(text or "").split())


def normalise_address(
    street_name: str, house_number: str, box_number: str, postcode: str, municipality_name: str
) -> tuple[str, str, str, str, str, str]:
    """Tidy spacing and case so one place has one row: the five parts, then the ``key``.

    :meth:`Address.normalise` uses it; the importers call it without building a model.
    """
    street_name = _squash(street_name)
    house_number = _squash(house_number).replace(" ", "").upper()
    box = _squash(box_number)
    for prefix in ("bus ", "bte ", "box ", "b "):
        if box.casefold().startswith(prefix):
            box = box[len(prefix) :]
    box = box.upper()
    postcode = _squash(postcode)
    key = "|".join(_fold(part) for part in (postcode, street_name, house_number, box))
    return street_name, house_number, box, postcode, _squash(municipality_name), key


def address_errors(postcode: str, house_number: str) -> dict[str, str]:
    """What is wrong with a normalised postcode and house number (empty when nothing)."""
    errors = {}
    if not postcode.isdigit() or len(postcode) != 4 or postcode[0] == "0":
        errors["postcode"] = _("A Belgian postcode has four digits and does not start with 0.")
    if not house_number or not house_number[0].isdigit():
        errors["house_number"] = _("A house number starts with a digit.")
    return errors


class Address(models.Model):
    """An address (adres:Adres), as the address register (Adresregister) knows it."""

    street_name = models.CharField(_("street"), max_length=120)  # adres:Straatnaam
    house_number = models.CharField(_("house number"), max_length=12)  # adres:huisnummer
    box_number = models.CharField(_("box"), max_length=12, blank=True)  # adres:busnummer
    postcode = models.CharField(_("postcode"), max_length=4)  # adres:postcode
    municipality_name = models.CharField(_("municipality"), max_length=100)  # adres:gemeentenaam
    nis_code = models.CharField(_("NIS code"), max_length=5, blank=True)  # gemeente objectId
    register_uri = models.URLField(  # adres:verwijstNaar, https://data.vlaanderen.be/id/adres/{id}
        _("address register URI"), blank=True
    )
    latitude = models.DecimalField(
        _("latitude (WGS84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    key = models.CharField(max_length=250, unique=True, editable=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["postcode", "street_name", "house_number", "box_number"]
        indexes = [models.Index(fields=["street_name", "postcode"])]
        constraints = [
            # The address register's identifier is the natural key of the BeST import.
            models.UniqueConstraint(
                fields=["register_uri"],
                condition=~models.Q(register_uri=""),
                name="unique_address_register_uri",
            )
        ]

    def __str__(self) -> str:
        box = f" {_('box')} {self.box_number}" if self.box_number else ""
        return (
            f"{self.street_name} {self.house_number}{box}, {self.postcode} {self.municipality_name}"
        )

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """Tidy spacing and case so one place has one row (and one ``key``)."""
        (
            self.street_name,
            self.house_number,
            self.box_number,
            self.postcode,
            self.municipality_name,
            self.key,
        ) = normalise_address(
            self.street_name,
            self.house_number,
            self.box_number,
            self.postcode,
            self.municipality_name,
        )

    def clean(self):
        self.normalise()
        errors = address_errors(self.postcode, self.house_number)
        if errors:
            raise ValidationError(errors)


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["family_name", "given_names"])]
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


class Household(models.Model):
    """A household (persoon:Gezin / gezin); its members are in :class:`HouseholdMembership`."""

    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="households", verbose_name=_("address")
    )
    register_number = models.CharField(  # the population register's household number
        _("household number"), max_length=30, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return _("Household at %(address)s") % {"address": self.address}


class HouseholdMembership(models.Model):
    """A person's membership of a household over time (persoon:Gezinsrelatie)."""

    class Relation(models.TextChoices):
        REFERENCE_PERSON = "reference_person", _("reference person")
        PARTNER = "partner", _("partner")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("brother or sister")
        GRANDCHILD = "grandchild", _("grandchild")
        OTHER_RELATIVE = "other_relative", _("other relative")
        OTHER = "other", _("not related")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relation = models.CharField(
        _("relation to the reference person"), max_length=20, choices=Relation.choices
    )
    start_date = models.DateField(_("since"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["household", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="one_current_household_per_person",
                violation_error_message=_("A person belongs to at most one household at a time."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end_date__isnull=True, relation="reference_person"),
                name="one_reference_person_per_household",
                violation_error_message=_("A household has exactly one reference person."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_relation_display()}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Organisation(models.Model):
    """An organisation (org:Organisatie / regorg:RegisteredOrganization)."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("business")
        ASSOCIATION = "association", _("association")
        SCHOOL = "school", _("school")
        PUBLIC_BODY = "public_body", _("public body")
        OTHER = "other", _("other")

    class Status(models.TextChoices):  # regorg:orgStatus
        ACTIVE = "active", _("active")
        STOPPED = "stopped", _("stopped")

    enterprise_number = models.CharField(  # adms:identifier, notation "KBO nummer"
        _("enterprise number"), max_length=10, unique=True, null=True, blank=True
    )
    vcode = models.CharField(  # the association register's vCode
        _("vCode (association register)"), max_length=8, unique=True, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)  # regorg:legalName
    alternative_name = models.CharField(  # skos:altLabel
        _("alternative name"), max_length=200, blank=True
    )
    legal_form = models.CharField(  # regorg:orgType (KBO juridical form code)
        _("legal form"), max_length=10, blank=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(_("e-mail"), blank=True)  # schema:contactPoint/schema:email
    phone = models.CharField(_("telephone (E.164)"), max_length=16, blank=True)
    website = models.URLField(_("website"), blank=True)  # foaf:page
    addresses = models.ManyToManyField(
        Address, through="OrganisationAddress", related_name="organisations", blank=True
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        # The written forms (0403.019.261, BE0403019261) are longer than the ten digits kept.
        if self.enterprise_number:
            self.enterprise_number = compact_enterprise_number(self.enterprise_number)
        if self.vcode:
            self.vcode = compact_vcode(self.vcode)
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        if self.enterprise_number:
            try:
                self.enterprise_number = parse_enterprise_number(self.enterprise_number)
            except ValidationError as error:
                errors.update(error.message_dict)
        else:
            self.enterprise_number = None
        if self.vcode:
            try:
                self.vcode = parse_vcode(self.vcode)
            except ValidationError as error:
                errors.update(error.message_dict)
        else:
            self.vcode = None
        if self.kind == self.Kind.BUSINESS and not self.enterprise_number and not errors:
            errors["enterprise_number"] = _("A business needs its enterprise number (KBO).")
        if errors:
            raise ValidationError(errors)

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number) if self.enterprise_number else ""


class OrganisationAddress(models.Model):
    """Where an organisation is: registered office or an establishment (locn:address)."""

    class Kind(models.TextChoices):
        REGISTERED_OFFICE = "registered_office", _("registered office")
        ESTABLISHMENT = "establishment", _("establishment")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    address = models.ForeignKey(Address, on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("organisation address")
        verbose_name_plural = _("organisation addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address", "kind"], name="unique_organisation_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.address}"


class Representative(models.Model):
    """A person who acts for an organisation in a role (mandaat), e.g. chair or manager."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        TREASURER = "treasurer", _("treasurer")
        MANAGER = "manager", _("manager")
        DIRECTOR = "director", _("director")
        CONTACT = "contact", _("contact person")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="representatives"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="representations")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    start_date = models.DateField(_("since"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person", "role"],
                condition=models.Q(end_date__isnull=True),
                name="unique_current_representative_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.organisation}"


class AccessLogEntry(models.Model):
    """One staff read of a person's record: who, when, what and for what purpose.

    A search writes one entry for every person it showed, with the kind of term
    searched for (never the term: it may itself be someone's name or e-mail
    address) and how many persons it showed. Residents read their own entries
    on "My data". Rows are never edited.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed the record")
        REVEAL_NUMBER = "reveal_number", _("revealed the national number")
        LOOKUP = "lookup", _("looked up by national number")
        EXPORT = "export", _("exported the record")
        SEARCH = "search", _("searched the register")

    class SearchKind(models.TextChoices):
        NAME_OR_STREET = "name_or_street", _("a name or a street")
        EMAIL = "email", _("an e-mail address")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(_("staff member"), max_length=150)
    actor_department = models.CharField(_("department"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    # Only for a search: what kind of term, and how many persons the search showed.
    search_kind = models.CharField(
        _("searched for"), max_length=20, choices=SearchKind.choices, blank=True
    )
    result_count = models.PositiveIntegerField(_("persons shown"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"


# Once-only: provenance, contact preferences, correction requests (each in its own module).
from townhall.registry import corrections, preferences, provenance  # noqa: E402, F401

# The importers' bookkeeping lives beside them; importing it here registers the models.
from townhall.registry.importers.models import ImportRejection, ImportRun  # noqa: E402, F401
