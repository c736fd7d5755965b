"""How a person wants to be reached, kept once in the register (contactvoorkeuren).

The e-mail address and mobile number themselves stay on
:class:`~townhall.registry.models.Person` (``schema:email``,
``schema:telephone``); this module holds the choices about them:

- :class:`ContactPreference`: the preferred channel for personal messages;
- :class:`TopicPreference`: a different channel for one topic;
- :class:`Consent`: permission for messages the municipality does not owe the
  person (news, waste collection reminders), given or withdrawn on a date,
  with its source (OSLO Contactvoorkeuren, ``toestemming:Toestemming``).

Writes go through :mod:`townhall.registry.contact`; the messaging engine asks
:func:`townhall.registry.contact.contact_channels_for` which channels to use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.persons import Person
from townhall.registry.models.provenance import Source


class Channel(models.TextChoices):
    """A way to reach a person (toestemming:contactkanaal)."""

    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message (SMS)")
    LETTER = "letter", _("letter by post")


class Topic(models.TextChoices):
    """What a message is about (toestemming:notificatiecategorie).

    Kept short on purpose: a topic earns its place when residents want to
    choose its channel apart from the others.
    """

    DECISIONS = "decisions", _("decisions and answers to your applications")
    REMINDERS = "reminders", _("reminders (appointments, documents to renew)")
    ALERTS = "alerts", _("urgent alerts (water, storm, road works at your door)")
    WASTE_COLLECTION = "waste_collection", _("waste collection days")
    NEWS = "news", _("news from the municipality")


# Topics the municipality sends only with the person's consent; the others it
# owes the person (a decision must reach them), so they cannot be switched off.
CONSENT_TOPICS = frozenset({Topic.WASTE_COLLECTION, Topic.NEWS})


class ContactPreference(models.Model):
    """The channel a person prefers for personal messages."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="contact_preference"
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_preferred_channel_display()}"


class TopicPreference(models.Model):
    """Another channel than the preferred one, for one topic."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="topic_preferences")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("topic preference")
        verbose_name_plural = _("topic preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="one_preference_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_topic_display()} – {self.get_channel_display()}"


class Consent(models.Model):
    """A person's consent to messages on a topic (toestemming:Toestemming).

    One row per person and topic; withdrawing keeps the row with ``given``
    false, so the date and source of the last choice stay known.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    given = models.BooleanField(_("given"))  # toestemming:status
    on = models.DateField(_("date"))  # toestemming:gegevenOp (or withdrawn on)
    source = models.CharField(_("source"), max_length=25, choices=Source.choices)
    detail = models.CharField(_("detail"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="one_consent_per_topic")
        ]

    def __str__(self) -> str:
        state = _("given") if self.given else _("withdrawn")
        return f"{self.person}: {self.get_topic_display()} – {state} {self.on:%Y-%m-%d}"
