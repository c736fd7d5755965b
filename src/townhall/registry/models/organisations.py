"""Organisations (OSLO Organisatie basis), their addresses and their representatives."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.identifiers import (
    compact_enterprise_number,
    compact_vcode,
    format_enterprise_number,
    parse_enterprise_number,
    parse_vcode,
)
from townhall.registry.models.addresses import Address
from townhall.registry.models.persons import Person


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
    # What the municipality adds itself: no register sends it, no refresh overwrites it.
    subsidy_category = models.CharField(_("subsidy category"), max_length=60, blank=True)
    # The association register answered "not found" for the vCode (the association was
    # removed there) on this day; kept, never deleted, until staff decide.
    removed_from_register_on = models.DateField(
        _("removed from the association register on"), null=True, blank=True
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

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    address = models.ForeignKey(Address, on_delete=models.PROTECT, verbose_name=_("address"))
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
        # The colon inside the translation: French puts a space before it.
        return _("%(label)s: %(value)s") % {"label": self.get_kind_display(), "value": self.address}


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
        Organisation,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="representations", verbose_name=_("person")
    )
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
