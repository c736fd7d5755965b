"""The forms to subscribe to news (e-mail), to alerts (SMS), and to manage it on My page.

Each form shows the consent in words; those exact words, in the language of the
page, are what the consent record keeps (:meth:`SubscriptionForm.wording`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.messaging.errors import PermanentFailure
from townhall.messaging.sms.numbers import mobile_number_checked
from townhall.news.models import Audience, Frequency, NewsTopic, SubscriptionChannel
from townhall.news.subscriptions import Choices
from townhall.registry.services import mobile_normalise

CONSENT_EMAIL = _(
    "I want to receive the news I chose from the municipality by e-mail. The "
    "municipality keeps my e-mail address and my choices for this only. I can "
    "unsubscribe at any time with the link in every message."
)
CONSENT_SMS = _(
    "I want to receive urgent alerts about the topics I chose by text message. "
    "The municipality keeps my mobile number and my choices for this only. I can "
    "stop at any time with the link at the end of every text message."
)
CONSENT_MY_PAGE = _(
    "I want to receive the news and alerts I chose at the address the municipality "
    "holds for me. I can change or stop this here at any time, or with the link in "
    "every message."
)
CONFIRM_WORDING = _("Yes, I confirm that I want to receive these messages.")
UNSUBSCRIBE_WORDING = _("Unsubscribe: I no longer want these messages.")


class TopicChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.localized_name()


class SubscriptionForm(forms.Form):
    """Topics (or all), audiences, and the consent; the channel's own fields come first."""

    consent_text = CONSENT_EMAIL

    all_topics = forms.BooleanField(
        label=_("Everything the municipality publishes"), required=False
    )
    topics = TopicChoice(
        label=_("Or only these topics"),
        queryset=NewsTopic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.MultipleChoiceField(
        label=_("News for"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one.")},
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick this box to subscribe.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_text

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("all_topics")
            and not cleaned.get("topics")
            and "topics" not in (self.errors)
        ):
            self.add_error("topics", gettext("Choose at least one topic, or everything."))
        return cleaned

    def wording(self) -> str:
        """The consent as the page showed it, in its language."""
        return str(self.consent_text)

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(
            topic_ids=tuple(t.pk for t in data.get("topics") or ()),
            all_topics=bool(data.get("all_topics")),
            audiences=tuple(data["audiences"]),
            frequency=data.get("frequency") or Frequency.IMMEDIATE,
            my_street=bool(data.get("my_street")),
        )


class EmailSubscriptionForm(SubscriptionForm):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    field_order = ["email", "all_topics", "topics", "audiences", "frequency", "consent"]

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip()
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                gettext("Enter an e-mail address like name@example.org.")
            ) from None
        return value.lower()


class SmsSubscriptionForm(SubscriptionForm):
    consent_text = CONSENT_SMS

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_(
            "For example 0470 12 34 56. Text messages are only for urgent alerts "
            "(road works at your door, a storm, the water supply); the other news "
            "comes by e-mail."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    field_order = ["mobile", "all_topics", "topics", "audiences", "consent"]

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        try:
            return mobile_number_checked(mobile_normalise(value))
        except ValidationError:
            raise ValidationError(
                gettext("Enter a mobile number like 0470 12 34 56 or +32 470 12 34 56.")
            ) from None
        except PermanentFailure:
            raise ValidationError(gettext("This is not a mobile number.")) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code from the text message"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={
            "required": _("Type the six digits of the code."),
            "min_length": _("Type the six digits of the code."),
            "max_length": _("Type the six digits of the code."),
        },
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        if not value.isdigit() or len(value) != 6:
            raise ValidationError(gettext("Type the six digits of the code."))
        return value


class MySubscriptionForm(SubscriptionForm):
    """My page: the channel is one the register holds an address for; nothing is typed."""

    consent_text = CONSENT_MY_PAGE

    channel = forms.ChoiceField(label=_("How?"), widget=forms.RadioSelect)
    frequency = forms.ChoiceField(
        label=_("How often by e-mail?"),
        help_text=_("Text messages come at once, and only for urgent alerts."),
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    my_street = forms.BooleanField(
        label=_("Also everything about my street (road works, closures), wherever I live"),
        help_text=_(
            "We use the address in the population register: when you move, this follows you."
        ),
        required=False,
    )
    field_order = ["channel", "all_topics", "topics", "audiences", "frequency", "my_street"]

    def __init__(self, *args, addresses: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (channel, f"{label} ({addresses[channel]})")
            for channel, label in SubscriptionChannel.choices
            if addresses.get(channel)
        ]
