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

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
