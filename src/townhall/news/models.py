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

from townhall.languages import FALLBACK, INTERFACE, language_choices

INTERFACE_LANGUAGES = language_choices(INTERFACE)


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


# --- Subscriptions ---
# Who receives news and alerts by e-mail or SMS (townhall.news.subscriptions).


class SubscriptionChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message (SMS)")


class Frequency(models.TextChoices):
    """How often e-mail comes; SMS is always immediate, and only for alerts."""

    IMMEDIATE = "immediate", _("at once, one e-mail per publication")
    DAILY = "daily", _("once a day, in one e-mail")
    WEEKLY = "weekly", _("once a week, in one e-mail")


class Subscriber(models.Model):
    """An e-mail address or mobile number that news may be sent to.

    The address is kept normalised (e-mail in lower case, mobile in E.164), so
    one address is one subscriber. ``person`` is set when a signed-in resident
    subscribes with the address the register holds for them.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=SubscriptionChannel.choices)
    address = models.CharField(_("address"), max_length=254)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_subscribers",
        verbose_name=_("person"),
    )
    language = models.CharField(_("language"), max_length=2, choices=INTERFACE_LANGUAGES)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="news_subscriber_address"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.address}"


class Subscription(models.Model):
    """What a subscriber wants: topics (or all), audiences, and how often.

    A subscription by link or code starts *pending* and becomes *active* once
    confirmed; a new confirmed one replaces the active one of the same
    subscriber. ``my_street`` is a flag, not a street: the street is read from
    the person's domicile when a publication goes out, so it follows a move.
    The SMS code is kept only as a keyed hash.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("subscriber"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    all_topics = models.BooleanField(_("all topics"), default=False)
    topics = models.ManyToManyField(
        NewsTopic, blank=True, related_name="subscriptions", verbose_name=_("topics")
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    my_street = models.BooleanField(_("everything about my street"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            # One active and one pending subscription per address and channel.
            models.UniqueConstraint(
                fields=["subscriber"],
                condition=models.Q(state="active"),
                name="news_subscription_one_active",
            ),
            models.UniqueConstraint(
                fields=["subscriber"],
                condition=models.Q(state="pending"),
                name="news_subscription_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="news_subscription_state")]

    def __str__(self) -> str:
        return f"{self.subscriber} ({self.get_state_display()})"

    @property
    def audiences(self) -> list[str]:
        return [row.audience for row in self.audience_rows.all()]


class SubscriptionAudience(models.Model):
    """One audience a subscription is for (a row each, so the database can filter on it)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="audience_rows"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)

    class Meta:
        verbose_name = _("audience of a subscription")
        verbose_name_plural = _("audiences of subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "audience"], name="news_subscription_audience"
            ),
        ]

    def __str__(self) -> str:
        return self.get_audience_display()


class ConsentRecord(models.Model):
    """One change of a subscription's consent, with the exact words the person saw.

    Written once and never changed: a later change adds a record.
    """

    class Action(models.TextChoices):
        REQUESTED = "requested", _("asked to subscribe")
        GIVEN = "given", _("consent given")
        WITHDRAWN = "withdrawn", _("consent withdrawn")

    class Via(models.TextChoices):
        FORM = "form", _("the subscription form")
        LINK = "link", _("the confirmation link")
        CODE = "code", _("the code by text message")
        MY_PAGE = "my_page", _("My page")
        UNSUBSCRIBE_LINK = "unsubscribe_link", _("the unsubscribe link")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    via = models.CharField(_("how"), max_length=20, choices=Via.choices)
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=2, choices=INTERFACE_LANGUAGES)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.get_via_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A consent record is never changed; add a new one.")
        super().save(*args, **kwargs)


# --- Delivery (news/delivery.py) ---


class PublicationDelivery(models.Model):
    """The delivery of one published publication to its subscribers, the residents of
    its streets and its social accounts: where it stands and how many it reached.

    One row per publication. The task that writes the messages may run again after
    a crash: each message carries the key ``news:<publication uuid>:<recipient>``,
    unique in the outbox, so a second run skips whoever has theirs already.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for its time of publication")
        PREPARING = "preparing", _("writing the messages")
        DONE = "done", _("all messages written")
        CANCELLED = "cancelled", _("not sent (withdrawn)")

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="delivery"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    written = models.PositiveIntegerField(_("messages written"), default=0)
    social_posts = models.PositiveSmallIntegerField(_("social media posts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery of a publication")
        verbose_name_plural = _("deliveries of publications")

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.state}"


class DigestSent(models.Model):
    """One digest e-mail of one subscription for one period (a day or an ISO week):
    the period's key is unique per subscription, so a digest never goes twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(_("period"), max_length=12)  # 2026-12-04 or 2026-W49
    until = models.DateTimeField(_("publications until"))
    publications = models.PositiveSmallIntegerField(_("publications"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"], name="news_one_digest_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period}"
