"""Bookkeeping of the importers: one :class:`ImportRun` per import of a file, and the
rows it refused (:class:`ImportRejection`).

A run is written in the same transaction as each batch it commits, so its
``position`` always names the last line whose effects are in the database:
re-running the same file (same checksum, same scope) resumes there.

The tables keep the names they had when these models were the registry app's
(``registry_importrun``, ``registry_importrejection``): the move to this app
changed Django's state only (migrations ``registry/0006`` and ``importers/0001``),
so existing runs and rejections stay where they are.

At most one run per source is *active* (waiting for the worker or running): a
partial unique index says so (:data:`ONE_ACTIVE_RUN_PER_SOURCE`), so two starts
at once, from the command line or the back office, cannot both go ahead
(:mod:`.locking`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of one file (or one set of files) from an authentic source."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FAILED = "failed", _("stopped by an error")
        COMPLETED = "completed", _("completed")
        # Started in the back office, waiting for the worker (importers.tasks).
        QUEUED = "queued", _("waiting to start")

    class Origin(models.TextChoices):
        COMMAND_LINE = "command", _("command line")
        BACK_OFFICE = "backoffice", _("back office")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

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
    # Who started it: a staff member in the back office, or nobody (the command line).
    started_from = models.CharField(
        _("started from"), max_length=10, choices=Origin.choices, default=Origin.COMMAND_LINE
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The input of a back-office run: an uploaded file (its storage name, removed
    # when the run ends) or one of the server paths configured for the source.
    upload = models.CharField(_("uploaded file"), max_length=255, blank=True)
    server_path = models.CharField(_("file on the server"), max_length=1000, blank=True)
    steps = models.JSONField(_("steps"), default=list)  # the step names, in order
    # Progress of the current step, in bytes of its file(s), as of the last commit.
    done = models.PositiveBigIntegerField(_("bytes read"), default=0)
    total = models.PositiveBigIntegerField(_("bytes in total"), default=0)
    notices = models.JSONField(_("notices"), default=list)  # what the importer said

    class Meta:
        db_table = "registry_importrun"
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["source", "checksum", "scope"]),
            models.Index(fields=["started_at", "id"], name="importrun_history"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status__in=["queued", "running"]),
                name="importrun_one_active_per_source",
            )
        ]
        permissions = [
            ("start_address_import", _("Can start an import of the addresses (BeST)")),
            ("start_population_import", _("Can start an import of the population register")),
            ("start_enterprise_import", _("Can start an import of the enterprises (KBO)")),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.get_status_display()})"

    @property
    def rejected(self) -> int:
        return sum(step.get("rejected", 0) for step in self.counts.values())

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


ONE_ACTIVE_RUN_PER_SOURCE = "importrun_one_active_per_source"


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
