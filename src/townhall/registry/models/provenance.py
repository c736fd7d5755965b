"""Where a group of fields came from: the sources, the groups and one row per subject and group.

:mod:`townhall.registry.provenance` writes these rows and says how to read them.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.organisations import Organisation
from townhall.registry.models.persons import Person


class Source(models.TextChoices):
    """The authentic source or the person a value came from."""

    POPULATION_REGISTER = "population_register", _("population register")
    ENTERPRISE_REGISTER = "enterprise_register", _("Crossroads Bank for Enterprises")
    ASSOCIATION_REGISTER = "association_register", _("association register")
    ADDRESS_REGISTER = "address_register", _("address register")
    RESIDENT = "resident", _("the resident")
    COUNTER = "counter", _("the municipality's counter")


class FieldGroup(models.TextChoices):
    """Fields that come from one source together."""

    IDENTITY = "identity", _("identity")  # names, birth, sex, nationality, number
    DOMICILE = "domicile", _("domicile address")
    HOUSEHOLD = "household", _("household composition")
    REPRESENTATION = "representation", _("organisations represented")
    CONTACT = "contact", _("contact details")  # e-mail, mobile
    PREFERENCES = "preferences", _("language and channel preferences")
    ORGANISATION = "organisation", _("organisation")  # name, status, legal form, numbers
    ORGANISATION_CONTACT = "organisation_contact", _("organisation's contact details")


class RecordSource(models.Model):
    """Where one group of fields of a person or organisation came from, and when.

    One row per subject and group: a new source for the group replaces the row.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="sources"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="sources"
    )
    group = models.CharField(_("fields"), max_length=25, choices=FieldGroup.choices)
    source = models.CharField(_("source"), max_length=25, choices=Source.choices)
    detail = models.CharField(  # e.g. "via My data", "KBO open data of 2026-01-01"
        _("detail"), max_length=120, blank=True
    )
    recorded_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("record source")
        verbose_name_plural = _("record sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, organisation__isnull=True)
                | models.Q(person__isnull=True, organisation__isnull=False),
                name="record_source_one_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "group"],
                condition=models.Q(person__isnull=False),
                name="one_source_per_person_group",
            ),
            models.UniqueConstraint(
                fields=["organisation", "group"],
                condition=models.Q(organisation__isnull=False),
                name="one_source_per_organisation_group",
            ),
        ]

    def __str__(self) -> str:
        return str(self.provenance())

    def provenance(self) -> "Provenance":
        return Provenance(
            source=self.source,
            label=str(self.get_source_display()),
            on=self.recorded_on,
            detail=self.detail,
        )


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: ``population register, 2026-01-14``."""

    source: str
    label: str
    on: datetime.date | None = None
    detail: str = ""

    def __str__(self) -> str:
        # A detail the project wrote is a message id ("via My data"), shown translated.
        parts = [
            self.label,
            gettext(self.detail) if self.detail else "",
            formats.date_format(self.on, "Y-m-d") if self.on else "",
        ]
        return ", ".join(part for part in parts if part)
