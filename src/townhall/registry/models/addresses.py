"""Addresses (OSLO Adresregister), with the normalisation that makes their key."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.streets import Street, fold, street_key


def _squash(text: str) -> str:
    return " ".join(str(text or "").split())


def normalise_address(
    street_name: str, house_number: str, box_number: str, postcode: str, municipality_name: str
) -> tuple[str, str, str, str, str, str]:
    """Tidy spacing and case so one place has one row: the five parts, then the ``key``.

    :meth:`Address.normalise` uses it; the importers call it without building a model.
    """
    street_name = _squash(street_name)
    house_number = _squash(house_number).replace(" ", "").upper()
    box = _squash(box_number)
    for prefix in ("bus ", "bte ", "box ", "b "):
        if box.casefold().startswith(prefix):
            box = box[len(prefix) :]
    box = box.upper()
    postcode = _squash(postcode)
    key = "|".join(fold(part) for part in (postcode, street_name, house_number, box))
    return street_name, house_number, box, postcode, _squash(municipality_name), key


def address_errors(postcode: str, house_number: str) -> dict[str, str]:
    """What is wrong with a normalised postcode and house number (empty when nothing)."""
    errors = {}
    if not postcode.isdigit() or len(postcode) != 4 or postcode[0] == "0":
        errors["postcode"] = _("A Belgian postcode has four digits and does not start with 0.")
    if not house_number or not house_number[0].isdigit():
        errors["house_number"] = _("A house number starts with a digit.")
    return errors


class Address(models.Model):
    """An address (adres:Adres), as the address register (Adresregister) knows it."""

    # The street (adres:Straatnaam), and a copy of its name that only street_rename
    # changes (the search indexes, the key and most reads use the copy).
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="addresses",
        null=True,
        blank=True,
    )
    street_name = models.CharField(_("street name"), max_length=120)
    house_number = models.CharField(_("house number"), max_length=12)  # adres:huisnummer
    box_number = models.CharField(_("box"), max_length=12, blank=True)  # adres:busnummer
    postcode = models.CharField(_("postcode"), max_length=4)  # adres:postcode
    municipality_name = models.CharField(_("municipality"), max_length=100)  # adres:gemeentenaam
    nis_code = models.CharField(_("NIS code"), max_length=5, blank=True)  # gemeente objectId
    register_uri = models.URLField(  # adres:verwijstNaar, https://data.vlaanderen.be/id/adres/{id}
        _("address register URI"), blank=True
    )
    latitude = models.DecimalField(
        _("latitude (WGS84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    key = models.CharField(max_length=250, unique=True, editable=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["postcode", "street_name", "house_number", "box_number"]
        indexes = [
            models.Index(fields=["street_name", "postcode"]),
            # The admin's list reads its first page in this order, not after sorting them all.
            models.Index(
                fields=["postcode", "street_name", "house_number", "box_number"],
                name="address_list_order",
            ),
        ]
        constraints = [
            # The address register's identifier is the natural key of the BeST import.
            models.UniqueConstraint(
                fields=["register_uri"],
                condition=~models.Q(register_uri=""),
                name="unique_address_register_uri",
            )
        ]

    def __str__(self) -> str:
        box = f" {_('box')} {self.box_number}" if self.box_number else ""
        return (
            f"{self.street_name} {self.house_number}{box}, {self.postcode} {self.municipality_name}"
        )

    def save(self, *args, **kwargs):
        self.normalise()
        if self.street_id is None:
            # Every address has its street: one by this name in this postcode, else a new
            # one (without a register id until the BeST import gives it one).
            street = (
                Street.objects.filter(key=street_key(self.street_name, self.postcode))
                .order_by("pk")
                .first()
            )
            if street is None:
                street = Street(  # in which language is not known here: BeST tells
                    name=self.street_name, postcode=self.postcode, nis_code=self.nis_code
                )
                street.save()
            self.street = street
        if Address.street.is_cached(self) and self.street_name != self.street.name:
            # The street's spelling is the one its addresses copy (see streets.py).
            self.street_name = self.street.name
            self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """Tidy spacing and case so one place has one row (and one ``key``)."""
        (
            self.street_name,
            self.house_number,
            self.box_number,
            self.postcode,
            self.municipality_name,
            self.key,
        ) = normalise_address(
            self.street_name,
            self.house_number,
            self.box_number,
            self.postcode,
            self.municipality_name,
        )

    def clean(self):
        self.normalise()
        errors = address_errors(self.postcode, self.house_number)
        if errors:
            raise ValidationError(errors)
