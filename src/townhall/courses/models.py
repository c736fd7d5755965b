"""The library's computer courses, their sessions and who registered for them.

1. :class:`Course`: what is taught (getting started with a tablet, using the eID),
   in Dutch with optional French and English texts, as news publications are.
2. :class:`Session`: one occurrence of a course, with its place, trainer and
   capacity. ``seats_taken`` counts the registrations that hold a place
   (confirmed, or offered and not yet confirmed); it only changes by a
   conditional ``UPDATE ... WHERE seats_taken < capacity`` in
   :mod:`townhall.courses.services`, and a check constraint of the database
   refuses any row where it exceeds the capacity, on SQLite and PostgreSQL.
3. :class:`Registration`: one person for one session, known in the register
   (``person``) or only by name and phone number, on the waiting list, offered a
   freed place, confirmed, cancelled or expired. Its cancellation code is stored
   only as a keyed hash.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from townhall.languages import FALLBACK, INTERFACE, language_choices

INTERFACE_LANGUAGES = language_choices(INTERFACE)
# The texts written per language: Dutch in the plain field, the others in ``<name>_<code>``.
TEXT_FIELDS = ("title", "description", "prerequisites", "what_to_bring", "accessibility")


class Course(models.Model):
    """A course the library offers, described in plain language."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("for beginners")
        INTERMEDIATE = "intermediate", _("for those who know the basics")
        ADVANCED = "advanced", _("for experienced users")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    prerequisites = models.TextField(_("what you should know already"), blank=True)
    prerequisites_fr = models.TextField(_("what you should know already, in French"), blank=True)
    prerequisites_en = models.TextField(_("what you should know already, in English"), blank=True)
    fee = models.DecimalField(_("fee in euro"), max_digits=6, decimal_places=2, default=0)
    language = models.CharField(
        _("language of the course"), max_length=2, choices=INTERFACE_LANGUAGES, default=FALLBACK
    )
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    what_to_bring_fr = models.TextField(_("what to bring, in French"), blank=True)
    what_to_bring_en = models.TextField(_("what to bring, in English"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    accessibility_fr = models.TextField(_("accessibility, in French"), blank=True)
    accessibility_en = models.TextField(_("accessibility, in English"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gte=0), name="course_fee_not_negative")
        ]

    def __str__(self) -> str:
        return self.title

    def localized(self, field: str, language: str | None = None) -> str:
        """The text ``field`` in ``language`` (the interface's), Dutch when not written."""
        if field not in TEXT_FIELDS:
            raise ValueError(f"{field} is not a text of a course")
        language = (language or get_language() or FALLBACK)[:2]
        if language != FALLBACK:
            written = getattr(self, f"{field}_{language}", "")
            if written:
                return written
        return getattr(self, field)


class Session(models.Model):
    """One occurrence of a course: when, where, who teaches it, how many may come."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")
        MOVED = "moved", _("moved")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    trainer = models.CharField(_("trainer or volunteer"), max_length=150, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"))
    minimum_participants = models.PositiveSmallIntegerField(_("minimum participants"), default=0)
    # Registrations that hold a place (confirmed or offered); see the module's docstring.
    seats_taken = models.PositiveSmallIntegerField(_("places taken"), default=0, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="course_session_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="session_never_over_capacity"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_places"),
            models.CheckConstraint(
                condition=Q(minimum_participants__lte=F("capacity")),
                name="session_minimum_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


# The states in which a registration counts: one per person and session among them.
ACTIVE_STATES = ("confirmed", "waiting", "offered")
# The states that hold a place of the session's capacity.
SEAT_STATES = ("confirmed", "offered")


class Registration(models.Model):
    """One participant for one session; state changes only through the services."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        DESK = "desk", _("at the library desk")
        PHONE = "phone", _("by phone")

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        OFFERED = "offered", _("offered a place, to confirm")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("offer not confirmed in time")

    class CancelledBy(models.TextChoices):
        PARTICIPANT = "participant", _("the participant")
        STAFF = "staff", _("staff")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("session")
    )
    # The participant, when known in the register; else the name and phone below.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_registrations",
        verbose_name=_("participant"),
    )
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)  # E.164
    language = models.CharField(
        _("language"), max_length=2, choices=INTERFACE_LANGUAGES, default=FALLBACK
    )
    channel = models.CharField(_("channel of registration"), max_length=6, choices=Channel.choices)
    # The staff member who entered it at the desk or by phone.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # A household member who registered the participant (registered_for is ``person``).
    registered_by_person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_registrations_made",
        verbose_name=_("registered by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The waiting list's order: first come, first offered (ties by id).
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    offered_at = models.DateTimeField(_("place offered"), null=True, blank=True)
    offer_deadline = models.DateTimeField(_("confirm before"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=12, choices=CancelledBy.choices, blank=True
    )
    expired_at = models.DateTimeField(_("offer expired"), null=True, blank=True)
    # HMAC-SHA256 of the cancellation code (services.code_hash); the code itself is never stored.
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course registration")
        verbose_name_plural = _("course registrations")
        ordering = ["session", "created_at", "id"]
        indexes = [
            models.Index(fields=["session", "state", "waiting_since"], name="course_reg_queue"),
            models.Index(fields=["state", "offer_deadline"], name="course_reg_offers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False, state__in=ACTIVE_STATES),
                name="one_active_registration_per_person",
            ),
            models.UniqueConstraint(
                "session",
                "phone",
                Lower("given_names"),
                Lower("family_name"),
                condition=Q(person__isnull=True, state__in=ACTIVE_STATES),
                name="one_active_registration_per_name_and_phone",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | (~Q(family_name="") & ~Q(given_names="") & ~Q(phone="")),
                name="registration_names_someone",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered") | Q(offer_deadline__isnull=False),
                name="offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state="waiting") | Q(waiting_since__isnull=False),
                name="waiting_has_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_name} - {self.session}"

    @property
    def participant_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def holds_seat(self) -> bool:
        return self.state in SEAT_STATES
