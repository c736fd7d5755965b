"""Households and who belongs to them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.addresses import Address
from townhall.registry.models.persons import Person


class Household(models.Model):
    """A household (persoon:Gezin / gezin); its members are in :class:`HouseholdMembership`."""

    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="households", verbose_name=_("address")
    )
    register_number = models.CharField(  # the population register's household number
        _("household number"), max_length=30, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # Staff search a household by its number (registry.search).
        indexes = [models.Index(fields=["register_number"], name="household_number")]

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

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
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
