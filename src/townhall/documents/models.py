"""Documents the municipality issued: each one a sealed PDF that anyone can verify.

A document is issued once and never changed: its PDF is sealed (PAdES) when it
is issued and kept in the storage under a random name; ``sha256`` is the hash
of exactly those bytes, so a copy that differs by one byte is not the issued
one. A revocation is recorded on the row (when, by whom, why); the file stays
until its retention ends (``retain_until``), then the purge job removes the
file and keeps the row's number, kind and dates (the register of what was
issued).

The verification code travels in the QR code and in the URL of the public
verification page. Only its SHA-256 is stored (``code_digest``, unique), as
for a password-reset token: a leaked table gives nobody working links, and a
lookup by digest takes the same time for an unknown code as for a known one.
The code itself has 128 random bits (:func:`townhall.documents.codes`), so
guessing is useless; the page is rate-limited as well.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IssuedDocument(models.Model):
    """One document issued by the municipality: a sealed PDF with a number and a code."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Like a case reference, from eforms' counter (townhall.eforms.submissions.reference_next).
    number = models.CharField(_("number"), max_length=40, unique=True)
    # The code of a kind in townhall.documents.kinds (a plugin registry).
    kind = models.CharField(_("kind"), max_length=60)
    language = models.CharField(_("language"), max_length=5)
    holder = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("holder"),
    )
    # The name as printed on the document, so the verification page can show it
    # masked without reading the register (and after the person has moved away).
    holder_name = models.CharField(_("holder's name"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("case"),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The municipality's name and signatory as printed, kept for the verification page.
    issuer = models.CharField(_("issuer"), max_length=200)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveIntegerField(_("pages"), default=1)
    # Where the sealed PDF lies in the storage; "" once the retention purge removed it.
    path = models.CharField(max_length=500, blank=True, editable=False)
    retain_until = models.DateField(_("kept until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for the revocation"), blank=True)
    purged_at = models.DateTimeField(_("file removed"), null=True, blank=True)
    # The print batch it was issued in (townhall.documents.batches), if any.
    batch = models.ForeignKey(
        "DocumentBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("print batch"),
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["holder", "-issued_at"], name="document_holder"),
            # The back office's list, newest first, by keyset on (issued_at, id).
            models.Index(fields=["issued_at", "id"], name="document_issued"),
            models.Index(fields=["retain_until"], name="document_retention"),
        ]
        permissions = [("revoke_issueddocument", _("Can revoke an issued document"))]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DocumentBatch(models.Model):
    """Many documents of one kind issued together and printed from one PDF: the letters
    of a campaign (an eID card reader for every household, a course's certificates).

    ``holders`` are the persons in print order; each gets its own sealed, numbered
    document (a row of :class:`IssuedDocument` pointing here), and ``pdf`` joins them
    for the printer. ``done`` counts the holders handled (issued or not), so a page
    can show the progress while the worker renders; ``skipped`` counts, per reason,
    the holders for whom nothing could be certified.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready to print")
        FAILED = "failed", _("stopped by an error")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    # "" for each holder's own language from the register.
    language = models.CharField(_("language"), max_length=5, blank=True)
    holders = models.JSONField(_("holders"), default=list)  # Person ids, in print order
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="queued")
    total = models.PositiveIntegerField(_("holders"), default=0)
    done = models.PositiveIntegerField(_("handled"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.JSONField(_("not issued, per reason"), default=dict)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    pdf = models.FileField(_("PDF to print"), upload_to="document-batches/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # Whose batch it is: the requester's department sees it (None: a campaign's, made
    # by the system, seen by whoever may follow batches).
    department = models.ForeignKey(
        "municipality.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # Written with every chunk: a running batch whose heartbeat stopped was left by a
    # worker that died, and the next run resumes it.
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("print batch of documents")
        verbose_name_plural = _("print batches of documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="document_batch_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())
