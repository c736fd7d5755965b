"""What organisations do: their NACE-BEL activities, as the KBO records them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.organisations import Organisation


class OrganisationActivity(models.Model):
    """One activity of an organisation (OSLO Organisatie basis ``rov:orgActivity``).

    A NACE-BEL code in one version of the nomenclature, with the KBO's classification
    (main, secondary or auxiliary activity) and activity group (the register the KBO
    has it from: VAT, social security, ...; labels in the KBO's ``code.csv``).
    """

    class Version(models.TextChoices):
        NACE_2003 = "2003", "NACE-BEL 2003"
        NACE_2008 = "2008", "NACE-BEL 2008"
        NACE_2025 = "2025", "NACE-BEL 2025"

    class Classification(models.TextChoices):
        MAIN = "MAIN", _("main activity")
        SECONDARY = "SECO", _("secondary activity")
        AUXILIARY = "ANCI", _("auxiliary activity")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    nace_version = models.CharField(_("NACE-BEL version"), max_length=4, choices=Version.choices)
    nace_code = models.CharField(_("NACE-BEL code"), max_length=10)
    classification = models.CharField(
        _("classification"), max_length=4, choices=Classification.choices
    )
    activity_group = models.CharField(_("activity group (KBO code)"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["organisation", "classification", "-nace_version", "nace_code"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "activity_group",
                    "nace_version",
                    "nace_code",
                    "classification",
                ],
                name="unique_organisation_activity",
            )
        ]

    def __str__(self) -> str:
        version, classification = self.get_nace_version_display(), self.get_classification_display()
        return f"{self.nace_code} ({version}, {classification})"
