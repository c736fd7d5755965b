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

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from townhall.languages import INTERFACE, language_choices

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
