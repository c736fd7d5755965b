"""Where the register's data came from (herkomst), per group of fields.

1. Fields are grouped by how they change together (:class:`FieldGroup`): the
   population register sends a person's identity, domicile and household; the
   resident gives their own e-mail address, mobile number and preferences.
2. Whoever writes a group (a service, an importer, the demo seed) records its
   source in the same transaction with :func:`record_source_set`, or in bulk
   with :func:`record_sources_bulk`: one :class:`RecordSource` row per person
   (or organisation) and group, replaced when the group changes again.
3. Readers never query this table themselves: the source connectors put the
   provenance into the record they return, and the prefill service hands it
   on with every value ("population register, 2026-01-14").
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from townhall.registry.models import Organisation, Person
from townhall.registry.person_fields import GROUP_OF


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


# What a value without a recorded source says: it is in our own register,
# which changed the record on that day (the table cannot say who sent it).
LOCAL_REGISTER = "townhall-register"
CHANGED_BY_STAFF = gettext_noop("changed by the municipality's staff")


def local_register_provenance(on: datetime.date | None) -> Provenance:
    return Provenance(source=LOCAL_REGISTER, label=str(_("the municipality's register")), on=on)


def record_source_set(
    *,
    group: str,
    source: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
    detail: str = "",
    recorded_by=None,
) -> RecordSource:
    """Record that ``group`` of ``person`` (or ``organisation``) now comes from ``source``."""
    if (person is None) == (organisation is None):
        raise ValueError("Give a person or an organisation, not both.")
    record, _created = RecordSource.objects.update_or_create(
        person=person,
        organisation=organisation,
        group=group,
        defaults={
            "source": source,
            "detail": detail[:120],
            "recorded_on": on or timezone.localdate(),
            "recorded_by": recorded_by,
        },
    )
    return record


# Which group a field of Person belongs to (declared in person_fields), and who
# gives it when staff change it.
PERSON_FIELD_GROUPS = {name: FieldGroup(group) for name, group in GROUP_OF.items()}
STAFF_SOURCE_OF_GROUP = {
    FieldGroup.IDENTITY: Source.POPULATION_REGISTER,
    FieldGroup.DOMICILE: Source.POPULATION_REGISTER,
    FieldGroup.CONTACT: Source.COUNTER,
    FieldGroup.PREFERENCES: Source.COUNTER,
}


# The source of a change made by the municipality's staff: each group's own (above).
BY_STAFF = "staff"


def record_sources_for_change(*, person: Person, changed_fields, source: str, actor) -> None:
    """Record the new source of each group of ``person`` that ``changed_fields`` touch.

    ``source`` is a :class:`Source`, or :data:`BY_STAFF` for a change by staff:
    citizens' affairs keeps the population register (identity, domicile), and
    contact details and preferences were told at the counter.
    """
    groups = {PERSON_FIELD_GROUPS[f] for f in changed_fields if f in PERSON_FIELD_GROUPS}
    for group in sorted(groups):
        record_source_set(
            person=person,
            group=group,
            source=STAFF_SOURCE_OF_GROUP[group] if source == BY_STAFF else source,
            detail=CHANGED_BY_STAFF if source == BY_STAFF else "",
            recorded_by=actor,
        )


def record_sources_bulk(rows: list[RecordSource], *, batch_size: int = 500) -> None:
    """Insert many sources at once (imports, the demo seed) for subjects that have none yet."""
    RecordSource.objects.bulk_create(rows, batch_size=batch_size)
