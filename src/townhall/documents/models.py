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
