"""Bookkeeping of the importers: one :class:`ImportRun` per import of a file, and the
rows it refused (:class:`ImportRejection`).

A run is written in the same transaction as each batch it commits, so its
``position`` always names the last line whose effects are in the database:
re-running the same file (same checksum, same scope) resumes there.

The tables keep the names they had when these models were the registry app's
(``registry_importrun``, ``registry_importrejection``): the move to this app
changed Django's state only (migrations ``registry/0006`` and ``importers/0001``),
so existing runs and rejections stay where they are.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of one file (or one set of files) from an authentic source."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FAILED = "failed", _("stopped by an error")
        COMPLETED = "completed", _("completed")

    source = models.CharField(_("source"), max_length=30)  # the importer's registry name
    file_name = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    scope = models.CharField(  # what was imported, e.g. "nis:36007" or "all"
        _("scope"), max_length=200
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    step = models.CharField(_("current step"), max_length=50, blank=True)
    # The last committed line per file of the current step: {"enterprise.csv": 10000, ...}.
    position = models.JSONField(_("position reached"), default=dict)
    # Per step: {"read": n, "created": n, "updated": n, "unchanged": n, "rejected": n,
    #            "skipped": {reason: n}}.
    counts = models.JSONField(_("counts"), default=dict)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last commit"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        db_table = "registry_importrun"
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "checksum", "scope"])]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.get_status_display()})"

    @property
    def rejected(self) -> int:
        return sum(step.get("rejected", 0) for step in self.counts.values())


class ImportRejection(models.Model):
    """A row an import refused, with the reason a person can act on."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    file_name = models.CharField(_("file"), max_length=255)
    line = models.PositiveBigIntegerField(_("line"))
    reason = models.TextField(_("reason"))

    class Meta:
        db_table = "registry_importrejection"
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.line}: {self.reason}"


# Kept in a module of its own; imported here so that Django finds the model.
from townhall.importers.extracts import AppliedExtract  # noqa: E402

__all__ = ["AppliedExtract", "ImportRejection", "ImportRun"]
