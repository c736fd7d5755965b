"""Products and services of the online counter (producten en dienstverlening), on CPSV-AP
as the Flemish catalogue (IPDC/LPDC) describes them, and the snapshots of every change.

Texts are kept as the rest of Townhall keeps them: one field per language, Dutch
in the plain field and French and English beside it (``title``, ``title_fr``,
``title_en``); :meth:`Product.text` falls back to Dutch. The Dutch texts are
written in the formal or the informal register (LPDC's choice, ``dutch_form``),
which the feed gives as the language tag (``nl-be-x-formal``).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from townhall.catalog.vocabulary import Audience, ProductType, Theme
from townhall.languages import FALLBACK, INTERFACE
from townhall.municipality.models import Department

# The product's texts: the plain field in Dutch (the fallback), one more per other language.
LANGUAGES = INTERFACE
TRANSLATED = tuple(language for language in INTERFACE if language != FALLBACK)
# The translated texts, in the order a product page shows them.
TEXT_FIELDS = (
    "title",
    "description",
    "conditions",
    "procedure",
    "required_documents",
    "costs",
    "legal_basis",
    "exceptions",
)


def translated(name: str, label, *, long: bool = True, required: bool = False):
    """The Dutch field and its French and English siblings, as a dict of fields."""

    def field(suffix_label, blank):
        if long:
            return models.TextField(suffix_label, blank=blank)
        return models.CharField(suffix_label, max_length=200, blank=blank)

    return {
        name: field(label, not required),
        f"{name}_fr": field(format_lazy(_("{field} in French"), field=label), True),
        f"{name}_en": field(format_lazy(_("{field} in English"), field=label), True),
    }


class ProductTexts(models.Model):
    """The eight translated texts, as an abstract base so each is declared once."""

    class Meta:
        abstract = True


for _name, _label, _long, _required in (
    ("title", _("title"), False, True),
    ("description", _("description"), True, True),
    ("conditions", _("conditions"), True, False),
    ("procedure", _("procedure"), True, False),
    ("required_documents", _("required documents"), True, False),
    ("costs", _("costs"), True, False),
    ("legal_basis", _("legal basis"), True, False),
    ("exceptions", _("exceptions"), True, False),
):
    for _field_name, _field in translated(_name, _label, long=_long, required=_required).items():
        ProductTexts.add_to_class(_field_name, _field)


class Product(ProductTexts):
    """A product or service the municipality offers (product, dienst), e.g. the
    household composition certificate (attest gezinssamenstelling)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class DutchForm(models.TextChoices):
        FORMAL = "formal", _("formal (u)")
        INFORMAL = "informal", _("informal (je)")

    class Assurance(models.TextChoices):
        # The names of townhall.accounts.assurance.Assurance, lower case.
        NONE = "none", _("none (anyone)")
        LOW = "low", _("low (e-mail account)")
        SUBSTANTIAL = "substantial", _("substantial")
        HIGH = "high", _("high (eID, itsme)")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    iri = models.CharField(
        _("IRI"),
        max_length=500,
        unique=True,
        help_text=_("The product's identifier in LPDC; made from the UUID when left empty."),
    )
    concept_iri = models.CharField(
        _("IPDC concept"),
        max_length=500,
        blank=True,
        help_text=_("The concept of the Flemish catalogue this product is an instance of."),
    )
    slug = models.SlugField(_("address on the website"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    dutch_form = models.CharField(
        _("Dutch register"), max_length=8, choices=DutchForm.choices, default=DutchForm.FORMAL
    )
    product_type = models.CharField(_("type"), max_length=30, choices=ProductType.choices)
    audiences = models.JSONField(
        _("target audiences"),
        default=list,
        help_text=format_lazy(_("Codes: {codes}."), codes=", ".join(Audience.values)),
    )
    themes = models.JSONField(
        _("themes"),
        default=list,
        help_text=format_lazy(_("LPDC theme codes: {codes}."), codes=", ".join(Theme.values)),
    )
    keywords = models.TextField(
        _("keywords and synonyms"),
        blank=True,
        help_text=_("Words residents may search with, separated by commas."),
    )
    fee_cents = models.PositiveIntegerField(
        _("fee in euro cents"), null=True, blank=True, help_text=_("Empty: see the costs text.")
    )
    is_free = models.BooleanField(_("free of charge"), default=False)
    processing_days = models.PositiveSmallIntegerField(
        _("processing time in working days"),
        null=True,
        blank=True,
        help_text=_("0: at once. Empty: not known in advance."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    online = models.BooleanField(_("ask online here"), default=False)
    at_counter = models.BooleanField(_("at the counter"), default=False)
    by_appointment = models.BooleanField(_("by appointment"), default=False)
    elsewhere_url = models.URLField(_("elsewhere: link"), max_length=500, blank=True)
    elsewhere_label = models.CharField(_("elsewhere: where"), max_length=200, blank=True)
    elsewhere_label_fr = models.CharField(
        _("elsewhere: where, in French"), max_length=200, blank=True
    )
    elsewhere_label_en = models.CharField(
        _("elsewhere: where, in English"), max_length=200, blank=True
    )
    assurance = models.CharField(
        _("assurance level needed online"),
        max_length=12,
        choices=Assurance.choices,
        default=Assurance.HIGH,
    )
    anonymous_allowed = models.BooleanField(_("anonymous requests allowed"), default=False)
    # Straight through (townhall.documents): a request online is checked against the
    # registers and answered at once with a sealed document of ``document_kind``,
    # without staff; what cannot be certified goes to citizens' affairs. Townhall's own
    # setting: the LPDC feed does not carry it.
    issued_automatically = models.BooleanField(
        _("issued automatically"),
        default=False,
        help_text=_(
            "A resident who asks online with eID gets the document at once, without staff."
        ),
    )
    document_kind = models.SlugField(
        _("document issued"),
        max_length=60,
        blank=True,
        help_text=_("The kind of document, for example certificate_of_residence."),
    )

    # Derived by the services for search (catalog.search): every text, lower case.
    search_text = models.TextField(editable=False, blank=True, default="")
    # Titles and keywords only: what a typo is compared with (trigram similarity).
    search_words = models.TextField(editable=False, blank=True, default="")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "title"], name="product_status_title")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_free=True, fee_cents__isnull=False),
                name="product_free_has_no_fee",
                violation_error_message=_("A free product has no fee."),
            )
        ]
        permissions = [
            ("publish_product", _("Can publish and withdraw products")),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        # A JSON field takes any JSON: a number or a string is no list (and no 500).
        audiences = self.audiences if isinstance(self.audiences, list) else [None]
        unknown = [a for a in audiences if a not in Audience.values]
        if unknown:
            errors["audiences"] = _("Choose target audiences from: %(codes)s.") % {
                "codes": ", ".join(Audience.values)
            }
        themes = self.themes if isinstance(self.themes, list) else [None]
        unknown = [t for t in themes if t not in Theme.values]
        if unknown:
            errors["themes"] = _("Choose themes from: %(codes)s.") % {
                "codes": ", ".join(Theme.values)
            }
        if self.is_free and self.fee_cents is not None:
            errors["fee_cents"] = _("A free product has no fee.")
        if self.issued_automatically and not self.document_kind:
            errors["document_kind"] = _("Say which document is issued automatically.")
        if self.issued_automatically and not self.online:
            errors["issued_automatically"] = _("Only a product asked online is issued at once.")
        if self.elsewhere_url and not self.elsewhere_label:
            errors["elsewhere_label"] = _("Say where the link goes.")
        if errors:
            raise ValidationError(errors)

    def text(self, name: str, language: str) -> str:
        """A translated text in ``language``, Dutch when it has none."""
        if language in TRANSLATED:
            value = getattr(self, f"{name}_{language}", "")
            if value:
                return value
        return getattr(self, name)

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ProductSnapshot(models.Model):
    """A versioned copy of the whole product as it was after one change, for the LDES
    feed (an LPDC instance snapshot). Written in the same transaction as the change;
    never changed afterwards."""

    class Change(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("texts or settings changed")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("product")
    )
    version = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    generated_at = models.DateTimeField(_("generated at"))
    # In the public feed: the product was published then, or this archives it.
    in_feed = models.BooleanField(_("in the feed"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    document = models.JSONField(_("JSON-LD"))

    class Meta:
        verbose_name = _("product snapshot")
        verbose_name_plural = _("product snapshots")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="one_snapshot_per_version")
        ]
        indexes = [models.Index(fields=["in_feed", "id"], name="snapshot_feed")]

    def __str__(self) -> str:
        return f"{self.product} v{self.version}"
