"""Forms of the resident pages. The rules live in the registry's services; these
forms only collect the input and show the services' messages beside the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.languages import INTERFACE, REGISTER, language_choices
from townhall.registry.contact import FOLLOW_PREFERRED, NO_MESSAGES, ContactSettings
from townhall.registry.corrections import REMARK_MAX_LENGTH
from townhall.registry.preferences import CONSENT_TOPICS, Channel, Topic


class CorrectionForm(forms.Form):
    remark = forms.CharField(
        label=_("What is not right?"),
        help_text=_("For example the correct spelling, or since when something changed."),
        max_length=REMARK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ContactPreferencesForm(forms.Form):
    """E-mail, mobile, preferred channel, a channel per topic, and language."""

    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=30,
        help_text=_("For example 0470 12 34 56, or with the country code: +31 6 12345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_channel = forms.ChoiceField(
        label=_("How do you prefer to receive personal messages?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language of our messages"), choices=())

    def __init__(self, *args, current: ContactSettings, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "email": current.email,
                "mobile": current.mobile,
                "preferred_channel": current.preferred_channel,
                "language": current.language,
                **{f"topic_{t}": c for t, c in current.topic_channels.items()},
            },
        )
        super().__init__(*args, **kwargs)
        # We write in the interface languages only. A language the register gave that
        # we do not write (German) stays a choice, so that saving keeps it unasked.
        languages = INTERFACE
        if current.language in REGISTER and current.language not in INTERFACE:
            languages = (*INTERFACE, current.language)
        self.fields["language"].choices = language_choices(languages)
        for topic, label in Topic.choices:
            choices = [(FOLLOW_PREFERRED, _("as preferred above")), *Channel.choices]
            if topic in CONSENT_TOPICS:
                choices = [(NO_MESSAGES, _("no, thank you")), *choices]
            self.fields[f"topic_{topic}"] = forms.ChoiceField(label=label, choices=choices)

    def topic_fields(self):
        return [self[f"topic_{topic}"] for topic in Topic.values]

    def topic_channels(self) -> dict[str, str]:
        return {topic: self.cleaned_data[f"topic_{topic}"] for topic in Topic.values}
