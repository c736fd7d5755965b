"""The access log: every staff look at a person's data, which the person sees."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.persons import Person


class AccessLogEntry(models.Model):
    """One staff read of a person's record: who, when, what and for what purpose.

    A search writes one entry for every person it showed, with the kind of term
    searched for (never the term: it may itself be someone's name or e-mail
    address) and how many persons it showed. Residents read their own entries
    on "My data". Rows are never edited.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed the record")
        REVEAL_NUMBER = "reveal_number", _("revealed the national number")
        LOOKUP = "lookup", _("looked up by national number")
        EXPORT = "export", _("exported the record")
        SEARCH = "search", _("searched the register")
        HISTORY = "history", _("viewed the history of the record")

    class SearchKind(models.TextChoices):
        NAME_OR_STREET = "name_or_street", _("a name or a street")
        EMAIL = "email", _("an e-mail address")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(_("staff member"), max_length=150)
    actor_department = models.CharField(_("department"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    # Only for a search: what kind of term, and how many persons the search showed.
    search_kind = models.CharField(
        _("searched for"), max_length=20, choices=SearchKind.choices, blank=True
    )
    result_count = models.PositiveIntegerField(_("persons shown"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
