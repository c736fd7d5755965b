"""Streets (OSLO adres:Straatnaam), the register objects addresses point to.

A street keeps its identity when it is renamed: the address register gives it an
object id (``best_id``, its URI ``https://data.vlaanderen.be/id/straatnaam/{id}``)
that stays, and so does the row here. Whatever is made on a street (a broadcast's
selection, a subscription, a case's routing) refers to the row, never to the name.

Each address keeps a copy of its street's name (``Address.street_name``): the search
indexes, the address key and most reads use it. Only
:func:`townhall.registry.streets.street_rename` renames a street, and it rewrites the
copies in the same transaction.
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for the uniqueness key of addresses."""
    if text.isascii():  # no accents to strip; much faster for the importers' millions of rows
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


URI = "https://data.vlaanderen.be/id/straatnaam/{}"


def street_key(name: str, postcode: str) -> str:
    """How a street without a register id is found again: its folded name and postcode."""
    return f"{postcode.strip()}|{fold(' '.join(name.split()))}"


class Street(models.Model):
    """A street (straatnaam) of the address register, with its names in the official
    languages, its status and the dates it is valid between."""

    class Status(models.TextChoices):
        # The address register's statuses of a street name.
        PROPOSED = "proposed", _("proposed")
        CURRENT = "current", _("current")
        RETIRED = "retired", _("retired")

    best_id = models.PositiveBigIntegerField(  # the address register's object id
        _("address register id"), null=True, blank=True, unique=True
    )
    # The name its addresses carry: in the municipality's first language that has one.
    name = models.CharField(_("name"), max_length=120)
    name_nl = models.CharField(_("name in Dutch"), max_length=120, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    name_de = models.CharField(_("name in German"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4)
    nis_code = models.CharField(_("NIS code"), max_length=5, blank=True)
    section = models.CharField(  # deelgemeente, where the municipality has them
        _("municipality section"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CURRENT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    key = models.CharField(max_length=130, editable=False, db_index=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["postcode", "name"]
        indexes = [models.Index(fields=["name", "postcode", "nis_code"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.key = street_key(self.name, self.postcode)
        super().save(*args, **kwargs)

    @property
    def uri(self) -> str:
        """The address register's URI of the street, or "" when it has no id (yet)."""
        return URI.format(self.best_id) if self.best_id else ""

    def names(self) -> dict[str, str]:
        """The street's names by language code, only those it has."""
        return {
            code: value
            for code, value in (("nl", self.name_nl), ("fr", self.name_fr), ("de", self.name_de))
            if value
        }
