"""The back office's form of a publication: its texts per language and its settings.

The form only checks and collects (:meth:`PublicationForm.fields_for_service`);
saving goes through :mod:`townhall.news.services`, which strips tags, renders the
bodies and checks the whole (alternative text, times, an event's place).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.eforms.uploads import CheckedFileField
from townhall.languages import FALLBACK, INTERFACE
from townhall.news.models import TRANSLATED, Audience, NewsTopic, Publication
from townhall.news.services import SETTINGS, TEXT_NAMES
from townhall.registry.models import Street

IMAGE_KINDS = ("image/jpeg", "image/png", "image/webp")
IMAGE_MAX = 5 * 1024 * 1024
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TIMES = ("publish_at", "expires_at", "starts_at", "ends_at")
TEXTS_IN = dict(
    zip(
        INTERFACE,
        (_("Texts in Dutch"), _("Texts in French"), _("Texts in English")),
        strict=True,
    )
)
BASES = ("title", "summary", "body", "image_alt")


class StreetChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.postcode})"


class TopicChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.localized_name()


def _time_field(name: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=Publication._meta.get_field(name).verbose_name,
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class PublicationForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("For whom"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = TopicChoice(
        label=_("Topics"),
        queryset=NewsTopic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    streets = StreetChoice(
        label=_("Streets it applies to"),
        help_text=_("Leave empty for the whole municipality. Hold Ctrl to choose several."),
        queryset=Street.objects.exclude(status=Street.Status.RETIRED).order_by("name", "postcode"),
        widget=forms.SelectMultiple(attrs={"size": "8"}),
        required=False,
    )
    image_file = CheckedFileField(
        label=_("Image"),
        accept=IMAGE_KINDS,
        max_size=IMAGE_MAX,
        required=False,
        help_text=_("A JPEG, PNG or WebP image of at most 5 MB."),
    )
    image_remove = forms.BooleanField(label=_("Remove the image"), required=False)
    publish_at = _time_field("publish_at")
    expires_at = _time_field("expires_at")
    starts_at = _time_field("starts_at")
    ends_at = _time_field("ends_at")

    class Meta:
        model = Publication
        fields = [*TEXT_NAMES, *sorted(SETTINGS - set(TIMES)), *TIMES]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 10})
                for name in TEXT_NAMES
                if name.startswith("body")
            },
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in TEXT_NAMES
                if name.startswith("summary")
            },
            "sms_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "body": _(
                "Markdown: a blank line between paragraphs, **bold**, *italic*, "
                "[a link](https://…), a list with - at the start of each line. "
                "HTML is shown as text."
            ),
            "sms_text": _(
                "For an alert. Left empty, the SMS carries the Dutch title; "
                "the link to the page is added."
            ),
            "ends_at": _("An event's end, or until when an alert holds."),
            "publish_at": _("Left empty, the publication goes online when it is published."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("audiences", self.instance.audiences)
            self.initial.setdefault("topics", list(self.instance.topics.all()))
            self.initial.setdefault("streets", list(self.instance.streets.all()))
        else:
            self.initial.setdefault("audiences", [Audience.RESIDENTS])
        self.fields["title"].required = True

    def clean(self):
        cleaned = super().clean()
        has_image = bool(cleaned.get("image_file")) or (
            bool(self.instance.image) and not cleaned.get("image_remove")
        )
        if has_image and not cleaned.get("image_alt"):
            self.add_error(
                "image_alt", _("Describe the image in Dutch for someone who cannot see it.")
            )
        return cleaned

    def _post_clean(self):
        # The services check the publication as a whole; the model's own checks
        # (slug, state) are theirs too.
        pass

    def fields_for_service(self) -> dict:
        """Every field as the services take it."""
        data = {name: self.cleaned_data.get(name) for name in (*TEXT_NAMES, *SETTINGS)}
        for name in TEXT_NAMES:
            data[name] = data[name] or ""
        for name in ("place", "organiser", "accessibility_note", "sms_text"):
            data[name] = data[name] or ""
        data["audiences"] = list(self.cleaned_data.get("audiences") or [])
        data["topics"] = list(self.cleaned_data.get("topics") or [])
        data["streets"] = list(self.cleaned_data.get("streets") or [])
        if self.cleaned_data.get("image_file"):
            data["image"] = self.cleaned_data["image_file"]
        elif self.cleaned_data.get("image_remove"):
            data["image"] = None
        return data

    def text_groups(self) -> list[dict]:
        names = {FALLBACK: list(BASES)}
        names.update({code: [f"{base}_{code}" for base in BASES] for code in TRANSLATED})
        return [
            {"code": code, "legend": TEXTS_IN[code], "fields": [self[name] for name in fields]}
            for code, fields in names.items()
        ]

    def section(self, names) -> list:
        return [self[name] for name in names]

    def general_fields(self):
        return self.section(["kind", "audiences", "topics", "streets"])

    def time_fields(self):
        return self.section(["publish_at", "expires_at", "starts_at", "ends_at"])

    def image_fields(self):
        return self.section(["image_file", "image_remove"])

    def event_fields(self):
        return self.section(
            [
                "place",
                "organiser",
                "is_free",
                "price",
                "attendance",
                "accessibility",
                "accessibility_note",
            ]
        )

    def alert_fields(self):
        return self.section(["urgent", "sms_text"])

    def channel_fields(self):
        return self.section(["channel_email", "channel_sms", "channel_social"])
