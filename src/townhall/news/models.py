"""What the municipality publishes about, and for whom.

1. :class:`Audience`: the four target groups of the policy plan. A publication
   names one or more; a subscriber chooses theirs.
2. :class:`NewsTopic`: what a publication is about (road works, waste
   collection, events...). The communication department keeps the list: a
   topic is added, renamed or retired in the back office, never deleted while
   publications or subscriptions name it. Its ``code`` is the stable name in
   feed and calendar addresses, so a renamed topic keeps its subscribers' links.

These are the news app's own topics. They are not the register's message topics
(:class:`townhall.registry.models.Topic`), which say why a personal message is
sent and which channel and consent it follows: a news e-mail is sent on the
register's ``news`` topic, an alert on ``alerts``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from townhall.languages import FALLBACK, INTERFACE


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("residents")
    VISITORS = "visitors", _("visitors")
    ASSOCIATIONS = "associations", _("associations")
    BUSINESSES = "businesses", _("businesses")


class NewsTopic(models.Model):
    """A subject of publications and subscriptions, named in the interface languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_fr = models.CharField(_("name in French"), max_length=80, blank=True)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("A retired topic keeps its publications but is no longer offered."),
    )

    class Meta:
        verbose_name = _("news topic")
        verbose_name_plural = _("news topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def localized_name(self, language: str | None = None) -> str:
        language = language or get_language() or "nl"
        return {"fr": self.name_fr, "en": self.name_en}.get(language[:2]) or self.name


# The languages a publication may be written in besides Dutch, which is required.
TRANSLATED = tuple(code for code in INTERFACE if code != FALLBACK)
# The texts written per language: Dutch in the plain field, the others in ``<name>_<code>``.
TEXT_FIELDS = ("title", "summary", "body", "image_alt")
# Where a publication may be filtered by audience: one indexed flag per audience.
AUDIENCE_FIELDS = {audience.value: f"for_{audience.value}" for audience in Audience}


class Publication(models.Model):
    """A news item, an event or an alert, in Dutch and optionally French and English.

    The texts are stored as typed (Markdown bodies) beside their rendered, sanitised
    HTML (``body_html*``), made by :func:`townhall.news.rendering.markdown_html` when
    a service saves them, so a page or feed only reads. Titles, summaries and
    alternative texts are plain text: their tags are stripped when saved, and every
    page escapes them. The editorial state changes only through
    :mod:`townhall.news.services`, each change kept as a :class:`PublicationStateChange`.
    """

    class Kind(models.TextChoices):
        NEWS = "news", _("news item")
        EVENT = "event", _("event")
        ALERT = "alert", _("alert")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("ready for review")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Accessibility(models.TextChoices):
        UNKNOWN = "unknown", _("not known")
        ACCESSIBLE = "accessible", _("accessible with a wheelchair")
        PARTLY = "partly", _("partly accessible with a wheelchair")
        NOT_ACCESSIBLE = "not_accessible", _("not accessible with a wheelchair")

    class Attendance(models.TextChoices):
        OFFLINE = "offline", _("on site")
        ONLINE = "online", _("online")
        MIXED = "mixed", _("on site and online")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address on the website"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    image_alt = models.CharField(_("description of the image"), max_length=300, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary in French"), max_length=500, blank=True)
    body_fr = models.TextField(_("text in French"), blank=True)
    body_html_fr = models.TextField(editable=False, blank=True)
    image_alt_fr = models.CharField(
        _("description of the image in French"), max_length=300, blank=True
    )
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary_en = models.CharField(_("summary in English"), max_length=500, blank=True)
    body_en = models.TextField(_("text in English"), blank=True)
    body_html_en = models.TextField(editable=False, blank=True)
    image_alt_en = models.CharField(
        _("description of the image in English"), max_length=300, blank=True
    )
    image = models.ImageField(_("image"), upload_to="news/", blank=True)

    for_residents = models.BooleanField(_("for residents"), default=True)
    for_visitors = models.BooleanField(_("for visitors"), default=False)
    for_associations = models.BooleanField(_("for associations"), default=False)
    for_businesses = models.BooleanField(_("for businesses"), default=False)
    topics = models.ManyToManyField(
        NewsTopic, related_name="publications", blank=True, verbose_name=_("topics")
    )
    # Empty: the whole municipality.
    streets = models.ManyToManyField(
        "registry.Street", related_name="publications", blank=True, verbose_name=_("streets")
    )

    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    expires_at = models.DateTimeField(_("online until"), null=True, blank=True)

    # An event's time and place; an alert's end (ends_at).
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    is_free = models.BooleanField(_("free"), default=True)
    price = models.DecimalField(
        _("price in euro"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    accessibility = models.CharField(
        _("accessibility of the venue"),
        max_length=20,
        choices=Accessibility.choices,
        default=Accessibility.UNKNOWN,
    )
    accessibility_note = models.CharField(
        _("more about the accessibility"), max_length=300, blank=True
    )
    attendance = models.CharField(
        _("how to attend"), max_length=10, choices=Attendance.choices, default=Attendance.OFFLINE
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    sms_text = models.CharField(_("text of the SMS"), max_length=1000, blank=True)

    # The website and the feeds always carry a publication; these the delivery reads.
    channel_email = models.BooleanField(_("send by e-mail to subscribers"), default=False)
    channel_sms = models.BooleanField(_("send by SMS to subscribers"), default=False)
    channel_social = models.BooleanField(_("post on social media"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("written by"),
    )
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("state changed by"),
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        permissions = [("publish_publication", _("Can publish and withdraw publications"))]
        indexes = [
            models.Index(fields=["state", "kind", "publish_at"], name="news_pub_list"),
            models.Index(fields=["state", "kind", "starts_at"], name="news_pub_events"),
            models.Index(fields=["state", "kind", "ends_at"], name="news_pub_alerts"),
            models.Index(fields=["created_at"], name="news_pub_created"),
            *(
                models.Index(fields=[name, "state", "publish_at"], name=f"news_pub_{code[:5]}")
                for code, name in AUDIENCE_FIELDS.items()
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def text(self, name: str, language: str | None = None) -> str:
        """The text ``name`` in ``language``, or in Dutch where that language has none."""
        return self.text_with_language(name, language)[0]

    def text_with_language(self, name: str, language: str | None = None) -> tuple[str, str]:
        """``(text, language it is in)``: Dutch when ``language`` has no title of its own.

        A language counts as written once the publication has a title in it; its
        other texts then come from that language only (an empty summary stays empty)."""
        language = (language or get_language() or FALLBACK)[:2]
        if language in TRANSLATED and getattr(self, f"title_{language}"):
            return getattr(self, f"{name}_{language}"), language
        return getattr(self, name), FALLBACK

    def written_in(self, language: str) -> bool:
        return language == FALLBACK or bool(getattr(self, f"title_{language[:2]}", ""))

    @property
    def languages(self) -> list[str]:
        return [code for code in INTERFACE if self.written_in(code)]

    @property
    def audiences(self) -> list[str]:
        return [code for code, name in AUDIENCE_FIELDS.items() if getattr(self, name)]

    @property
    def is_event(self) -> bool:
        return self.kind == self.Kind.EVENT

    @property
    def is_alert(self) -> bool:
        return self.kind == self.Kind.ALERT


class PublicationStateChange(models.Model):
    """One change of a publication's editorial state: who, when, from what to what."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="state_changes"
    )
    from_state = models.CharField(max_length=10, choices=Publication.State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=Publication.State.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("state change of a publication")
        verbose_name_plural = _("state changes of publications")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.from_state or '–'} → {self.to_state}"
