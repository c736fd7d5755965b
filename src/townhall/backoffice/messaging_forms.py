"""Forms of the messaging pages in the back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.languages import FALLBACK, INTERFACE, NAMES
from townhall.messaging.broadcasts import URGENT_PERMISSION, Selection
from townhall.messaging.compose import AnnouncementText, announcement_problems
from townhall.messaging.sms import sms_settings
from townhall.registry.models import Person
from townhall.registry.preferences import Topic
from townhall.registry.selectors import streets_of_residents

# Dutch is always written (the fallback of every resident); the other languages may be.
OPTIONAL_LANGUAGES = tuple(code for code in INTERFACE if code != FALLBACK)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        parts = [person.full_name]
        if person.birth_date:
            parts.append(str(_("born %(year)s")) % {"year": person.birth_date.year})
        if person.domicile:
            parts.append(person.domicile.street_name)
        return ", ".join(parts)


class ComposeForm(forms.Form):
    """An announcement: to whom, about what, and its words in each language."""

    AUDIENCES = [
        ("street", _("The residents of a street")),
        ("person", _("One resident")),
        ("all", _("All residents")),
    ]
    audience = forms.ChoiceField(
        label=_("Send to"), choices=AUDIENCES, initial="street", widget=forms.RadioSelect
    )
    # The register's streets, by their row: a renamed street keeps its residents.
    street = forms.TypedChoiceField(label=_("Street"), required=False, coerce=int, empty_value=None)
    age_min = forms.IntegerField(label=_("Aged at least"), required=False, min_value=0)
    age_max = forms.IntegerField(label=_("Aged at most"), required=False, min_value=0)
    without_digital_channel = forms.BooleanField(
        label=_("Only residents without an e-mail address or mobile number"), required=False
    )
    search = forms.CharField(
        label=_("Name of the resident"),
        required=False,
        max_length=100,
        help_text=_("Part of the given or family name. Never a national number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    person = PersonChoiceField(
        label=_("Resident"),
        queryset=Person.objects.filter(state=Person.State.RESIDENT),
        required=False,
        widget=forms.RadioSelect,
    )
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the announcement is about.")},
        help_text=_(
            "News and waste collection days reach only residents who agreed to receive them."
        ),
    )
    urgent = forms.BooleanField(
        label=_("Urgent: send the text messages at once, also during the quiet hours"),
        required=False,
    )
    subject_nl = forms.CharField(
        label=_("Subject"), max_length=150, error_messages={"required": _("Give a subject.")}
    )
    body_nl = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the text.")},
    )
    sms_nl = forms.CharField(
        label=_("SMS text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Empty: the subject and text, shortened to at most two SMS parts. "
            "The preview shows the length."
        ),
    )
    subject_fr = forms.CharField(label=_("Subject"), max_length=150, required=False)
    body_fr = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    sms_fr = forms.CharField(
        label=_("SMS text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject_en = forms.CharField(label=_("Subject"), max_length=150, required=False)
    body_en = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    sms_en = forms.CharField(
        label=_("SMS text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, person_results=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_send_urgent = bool(user is not None and user.has_perm(URGENT_PERMISSION))
        start, end = sms_settings()["QUIET_HOURS"]
        if start != end:
            self.fields["urgent"].help_text = _(
                "Only for a warning that cannot wait until the morning, such as a storm or "
                "a water cut. Otherwise text messages sent between %(start)s and %(end)s "
                "wait until %(end)s."
            ) % {"start": start, "end": end}
        self.fields["street"].choices = [("", _("Choose a street"))] + [
            (str(pk), name) for pk, name in streets_of_residents()
        ]
        # Needed for one choice of "Send to" only: not marked "optional".
        for name in ("street", "search", "person"):
            self.fields[name].conditional = True
        # Only the residents found by the last search are offered (and accepted).
        self.person_results = person_results or []
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=[p.pk for p in self.person_results]
        )

    def language_groups(self) -> list[dict]:
        """The text fields per language, for the template."""
        return [
            {
                "code": code,
                "name": NAMES[code],
                "subject": self[f"subject_{code}"],
                "body": self[f"body_{code}"],
                "sms": self[f"sms_{code}"],
            }
            for code in INTERFACE
        ]

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == "street" and not data.get("street"):
            self.add_error("street", _("Choose a street."))
        if audience == "person" and not data.get("person"):
            self.add_error("person", _("Search for the resident by name and choose them."))
        if data.get("urgent"):
            if not self.may_send_urgent:
                self.add_error(
                    "urgent",
                    _(
                        "You may not send urgent announcements. Leave this unticked, "
                        "or ask a colleague who may."
                    ),
                )
            elif data.get("topic") and data["topic"] != Topic.ALERTS:
                self.add_error(
                    "urgent", _("Only an urgent alert can be urgent: choose that topic.")
                )
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The highest age is lower than the lowest."))
        for code in OPTIONAL_LANGUAGES:
            given = [data.get(f"{part}_{code}", "").strip() for part in ("subject", "body")]
            if any(given) and not all(given):
                field = "body" if given[0] else "subject"
                self.add_error(
                    f"{field}_{code}",
                    _("Give both the subject and the text in %(language)s, or neither.")
                    % {"language": NAMES[code]},
                )
        for (language, part), errors in announcement_problems(self.texts()).items():
            field = f"{'body' if part == 'text' else 'sms'}_{language}"
            if field not in self.errors and f"subject_{language}" not in self.errors:
                self.add_error(field, errors)
        return data

    def texts(self) -> list[AnnouncementText]:
        """The texts of the languages that were written (Dutch always)."""
        data = self.cleaned_data
        texts = []
        for code in INTERFACE:
            subject = data.get(f"subject_{code}", "").strip()
            body = data.get(f"body_{code}", "").strip()
            if subject or body:
                texts.append(AnnouncementText(code, subject, body, data.get(f"sms_{code}", "")))
        return texts

    def selection(self) -> Selection:
        data = self.cleaned_data
        audience = data["audience"]
        return Selection(
            street=data["street"] if audience == "street" else None,
            age_min=data.get("age_min") if audience != "person" else None,
            age_max=data.get("age_max") if audience != "person" else None,
            without_digital_channel=bool(data.get("without_digital_channel"))
            and audience != "person",
            person_ids=(data["person"].pk,) if audience == "person" else (),
        )


class SendForm(forms.Form):
    """The last step: one token per confirmation, so a double click sends once."""

    token = forms.UUIDField(widget=forms.HiddenInput)


class ConfirmPostedForm(forms.Form):
    posted = forms.BooleanField(
        label=_("I posted every letter of this batch."),
        error_messages={"required": _("Confirm that the letters are posted.")},
    )
