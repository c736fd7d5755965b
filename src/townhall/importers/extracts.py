"""The extracts of a source applied so far, so that updates are applied in order.

The KBO numbers its extracts (``meta.csv``: ``ExtractNumber``); a monthly full
file and the update that follows it carry consecutive numbers. Each completed
import of a numbered extract leaves one :class:`AppliedExtract` (the same extract
imported again renews it), per source and scope: the importer refuses an update
that does not follow the last extract applied in the same scope
(:mod:`townhall.importers.kbo_order`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedExtract(models.Model):
    """One numbered extract (a full file or an update) that an import run applied."""

    class Kind(models.TextChoices):
        FULL = "full", _("full file")
        UPDATE = "update", _("update")

    source = models.CharField(_("source"), max_length=30)  # the importer's registry name
    scope = models.CharField(_("scope"), max_length=200)  # as ImportRun.scope
    number = models.PositiveIntegerField(_("extract number"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    snapshot_date = models.DateField(_("snapshot date"), null=True, blank=True)
    extracted_at = models.CharField(  # ExtractTimestamp, as written ("02-11-2026 07:27:28")
        _("extract timestamp"), max_length=30, blank=True
    )
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    run = models.ForeignKey(
        "importers.ImportRun",
        on_delete=models.PROTECT,
        related_name="extracts",
        verbose_name=_("import run"),
    )
    applied_at = models.DateTimeField(_("applied"), auto_now=True)

    class Meta:
        verbose_name = _("applied extract")
        verbose_name_plural = _("applied extracts")
        ordering = ["-number", "-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "scope", "number", "kind"], name="unique_applied_extract"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.number:04d} ({self.scope})"
