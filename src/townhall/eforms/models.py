"""Form definitions, their immutable versions, the drafts residents fill in, and
the submissions they hand in."""

import json
import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.eforms.definition import Definition
from townhall.registry import protection
from townhall.registry.models import Organisation, Person


class FormDefinition(models.Model):
    """An online form (e-formulier), known by its slug; its content lives in versions."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    # The catalogue's product this form asks for, once the catalog app links them
    # (then a ForeignKey to catalog.Product; the slug keeps the link until then).
    product_slug = models.SlugField(_("product"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form definition")
        verbose_name_plural = _("form definitions")

    def __str__(self) -> str:
        return self.title


class VersionImmutable(Exception):
    """A version's content is never changed once saved: make a new version."""


class FormVersion(models.Model):
    """One version of a form's JSON (checked against the schema). Never altered once
    saved; only its ``published`` flag changes. A draft keeps the version it started with."""

    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("definition"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="eforms_version_number_unique")
        ]
        ordering = ["form", "number"]

    def __str__(self) -> str:
        return f"{self.form.slug} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding and set(kwargs.get("update_fields") or ()) - {
            "published",
            "published_at",
        }:
            raise VersionImmutable("A form version never changes; create a new version.")
        if not self._state.adding and not kwargs.get("update_fields"):
            raise VersionImmutable("A form version never changes; create a new version.")
        super().save(*args, **kwargs)

    @cached_property
    def parsed(self) -> Definition:
        return Definition(self.content)


class Draft(models.Model):
    """A form being filled in (concept): its answers by variable key, tied to the
    version it started with. Kept for a signed-in user, or for an anonymous session.

    The answers are personal data, kept encrypted like a submission's as one
    JSON document; :attr:`data` reads and sets them in clear. ``steps_done``
    records the steps completed; each request checks them again against the
    rules, so an order sent by the client is never trusted. A draft not changed
    for :data:`townhall.eforms.drafts.DRAFT_LIFETIME` is removed with its uploads."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True)
    # For whom the form is filled in (yourself, a mandate's grantor, an organisation).
    subject_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The staff member who filled it in with the resident, in an assisted session.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_encrypted = models.TextField(blank=True, editable=False)
    steps_done = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        indexes = [
            models.Index(fields=["user", "version"]),
            models.Index(fields=["session_key"]),
            models.Index(fields=["updated_at"], name="eforms_draft_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.uuid})"

    @property
    def data(self) -> dict:
        """The answers kept so far, decrypted once per instance."""
        if "_data" not in self.__dict__:
            self._data = (
                json.loads(protection.decrypt(self.data_encrypted)) if self.data_encrypted else {}
            )
        return self._data

    @data.setter
    def data(self, value: dict) -> None:
        """Set the answers; they are encrypted at once (save ``data_encrypted``)."""
        self._data = dict(value)
        self.data_encrypted = protection.encrypt(json.dumps(self._data, sort_keys=True))

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_data", None)
        super().refresh_from_db(*args, **kwargs)


class ResumeLink(models.Model):
    """The one link that resumes a draft (/loket/verder/<token>/), for its own user.

    Only a keyed hash of the random token is kept: the link itself is shown once
    and sent by e-mail. Making a new link replaces this row, so the old link ends."""

    draft = models.OneToOneField(Draft, on_delete=models.CASCADE, related_name="resume_link")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("resume link")
        verbose_name_plural = _("resume links")

    def __str__(self) -> str:
        return f"{self.draft} until {self.expires_at:%Y-%m-%d}"


class Submission(models.Model):
    """A form handed in (aanvraag): the answers as they were sent, the version they
    answer, a human reference, who handed it in, for whom, and who assisted.

    Never changed once made: case handling starts from it and keeps its own state.
    The answers are personal data (an address, a national number, an IBAN), so
    they are kept encrypted with the register's keys, as one JSON document. An
    anonymous submission is followed with a tracking code: only its keyed hash
    is kept, the code itself is shown once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The staff member who filled it in with the resident, in an assisted session.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers_encrypted = models.TextField(editable=False)
    tracking_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["user", "-submitted_at"]),
            models.Index(fields=["subject_person", "-submitted_at"]),
            models.Index(
                fields=["tracking_code_hash"],
                name="eforms_submission_tracking",
                condition=~models.Q(tracking_code_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @cached_property
    def answers(self) -> dict:
        return json.loads(protection.decrypt(self.answers_encrypted))

    def set_answers(self, answers: dict) -> None:
        self.answers_encrypted = protection.encrypt(json.dumps(answers, sort_keys=True))
        self.__dict__.pop("answers", None)


class ReferenceCounter(models.Model):
    """The last reference number given per prefix and year; a submission takes the
    next one under a row lock, so two submits at the same moment never share one."""

    prefix = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="eforms_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
