"""Accounts: who signs in, for whom they act, and what they did.

- :class:`User` is anyone who signs in: staff of the administration, or a
  resident (or visitor) linked to a :class:`~townhall.registry.models.Person`.
- :class:`Mandate` lets a resident give another person the right to act for
  them (volmacht), within a scope and until an end date.
- :class:`ActivityRecord` keeps what was done, by whom and for whom.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Staff belong to a department; their role is a group.

    A resident's account is linked to their Person in the register through the
    national number (keyed hash) of their eID sign-in. Someone who signs in with
    a valid number that the register does not hold gets an account "not
    registered here", keyed by that hash, so a later registration links it.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff member")
        RESIDENT = "resident", _("resident or visitor")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    department = models.ForeignKey(
        "municipality.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    person = models.OneToOneField(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("person in the register"),
    )
    # NULL rather than "": the unique index must allow many accounts without one.
    national_number_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    oidc_subject = models.CharField(
        _("subject at the identity provider"), max_length=255, unique=True, null=True, blank=True
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            # Signing a browser in as a resident is more than reading the register:
            # only roles that serve residents at the counter hold it (see roles.py).
            ("start_assisted_session", _("Can start an assisted session at the counter")),
        ]

    @property
    def is_resident(self) -> bool:
        return self.kind == self.Kind.RESIDENT

    @property
    def not_registered_here(self) -> bool:
        """A resident account whose person is not in this municipality's register."""
        return self.is_resident and self.person_id is None

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.get_full_name() or self.email or self.username


class MandateQuerySet(models.QuerySet):
    def current(self, *, at=None):
        """Mandates in force: started, not ended, not revoked."""
        today = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today)


class Mandate(models.Model):
    """A resident's permission for another person to act for them (volmacht).

    Within ``scope`` only, from ``valid_from`` to ``valid_until`` (both
    included), until revoked. The grantor can revoke it at any time.
    """

    class Scope(models.TextChoices):
        ALL = "all", _("everything on the online counter")
        PERSONAL_DATA = "personal_data", _("view my data")
        CERTIFICATES = "certificates", _("request certificates")
        CASES = "cases", _("submit and follow applications")
        MESSAGES = "messages", _("read my messages")

    grantor = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="mandates_given",
        verbose_name=_("given by"),
    )
    grantee = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="mandates_received",
        verbose_name=_("given to"),
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="mandate_ends_after_start",
                violation_error_message=_("A mandate cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("grantee")),
                name="mandate_not_to_oneself",
                violation_error_message=_("You cannot give a mandate to yourself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.grantee}: {self.get_scope_display()}"

    def is_in_force(self, *, on=None) -> bool:
        day = on or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until

    def covers(self, scope: str) -> bool:
        return self.scope in (self.Scope.ALL, scope)


class ActivityRecord(models.Model):
    """One thing done on the platform, with the actor and the one acted for.

    Written in the same transaction as the change it records. ``assisted_by``
    is the staff member who ran an assisted session at the counter.
    """

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="activity",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=200)
    on_behalf_of_person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for person"),
    )
    on_behalf_of_organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for organisation"),
    )
    assisted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assisted by"),
    )
    action = models.CharField(_("action"), max_length=60)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action}"
