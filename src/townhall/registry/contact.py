"""Contact details and channel preferences: kept once, in the register, used everywhere.

1. The resident changes their e-mail address, mobile number, preferred
   channel, per-topic channels, consents and language in one place ("Contact
   preferences" on My data) through :func:`contact_details_update`, which
   validates everything first and then saves it in one transaction.
2. It records the source of each group it changed: "the resident, via My data,
   <date>" (:mod:`townhall.registry.provenance`), and each consent with its
   date and source (OSLO Contactvoorkeuren).
3. Whatever sends a message (the messaging engine, a reminder, a decision)
   asks :func:`contact_channels_for` for the channels to try, in order, with
   their addresses: one change here changes the channel everywhere.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from townhall.registry.events import person_contact_changed
from townhall.registry.history import history_context
from townhall.registry.models import LANGUAGES, Person
from townhall.registry.preferences import (
    CONSENT_TOPICS,
    Channel,
    Consent,
    ContactPreference,
    Topic,
    TopicPreference,
)
from townhall.registry.provenance import FieldGroup, Source, record_source_set
from townhall.registry.services import mobile_normalise

VIA_MY_DATA = gettext_noop("via My data")
EMAIL_MAX_LENGTH = Person._meta.get_field("email").max_length
# The choice on the form for a topic that follows the preferred channel, and
# for a consent topic the person does not want.
FOLLOW_PREFERRED = "preferred"
NO_MESSAGES = "none"


@dataclass(frozen=True)
class ContactChannel:
    """A channel to try and where it reaches the person: an e-mail address, a
    mobile number in E.164, or the postal address on one line."""

    channel: str
    address: str


@dataclass(frozen=True)
class ContactSettings:
    """A person's contact details and choices as they stand, for the form and My data."""

    email: str
    mobile: str
    language: str
    preferred_channel: str  # the explicit choice, or what applies without one
    preferred_channel_chosen: bool
    topic_channels: dict[str, str]  # topic -> channel, FOLLOW_PREFERRED or NO_MESSAGES
    consents: dict[str, Consent]  # topic -> the last consent choice, when there is one


def default_channel(person: Person) -> str:
    """The channel used before the person chooses one: the first digital one known, else post."""
    if person.email:
        return Channel.EMAIL
    if person.mobile:
        return Channel.SMS
    return Channel.LETTER


def _addresses(person: Person) -> dict[str, str]:
    return {
        Channel.EMAIL: person.email,
        Channel.SMS: person.mobile,
        Channel.LETTER: str(person.domicile) if person.domicile_id else "",
    }


def contact_settings_for(person: Person) -> ContactSettings:
    """The person's current contact details, preferred channel, topic channels and consents."""
    preference = ContactPreference.objects.filter(person=person).first()
    overrides = {p.topic: p.channel for p in TopicPreference.objects.filter(person=person)}
    consents = {c.topic: c for c in Consent.objects.filter(person=person)}
    topic_channels = {}
    for topic in Topic.values:
        choice = overrides.get(topic, FOLLOW_PREFERRED)
        if topic in CONSENT_TOPICS and not (topic in consents and consents[topic].given):
            choice = NO_MESSAGES
        topic_channels[topic] = choice
    return ContactSettings(
        email=person.email,
        mobile=person.mobile,
        language=person.language,
        preferred_channel=preference.preferred_channel if preference else default_channel(person),
        preferred_channel_chosen=preference is not None,
        topic_channels=topic_channels,
        consents=consents,
    )


def contact_channels_for(person: Person, topic: str) -> list[ContactChannel]:
    """The channels to try for a message on ``topic`` to ``person``, best first.

    1. A topic that needs consent (news, waste collection) gets only the
       consented channel, and nothing without a consent given.
    2. Otherwise the topic's own channel, or the preferred channel, or the
       first digital channel known comes first, then the other known digital
       channels, then a letter to the domicile address.
    3. A channel without an address is left out, so a person without e-mail
       or mobile number gets a letter; a person without any gets an empty list.
    """
    topic = Topic(topic)
    override = TopicPreference.objects.filter(person=person, topic=topic).first()
    preference = ContactPreference.objects.filter(person=person).first()
    consent = (
        topic in CONSENT_TOPICS
        and Consent.objects.filter(person=person, topic=topic, given=True).exists()
    )
    return _channels(
        person,
        topic,
        override.channel if override else None,
        preference.preferred_channel if preference else None,
        consent,
    )


def contact_channels_for_many(persons, topic: str) -> dict[int, list[ContactChannel]]:
    """:func:`contact_channels_for` for many persons at once (a broadcast), in four queries.

    ``persons`` is a queryset (their domicile is fetched with them), or a list of
    persons read with their domicile already (then one query less).
    """
    topic = Topic(topic)
    if hasattr(persons, "select_related"):
        persons = persons.select_related("domicile")
    persons = list(persons)
    ids = [person.pk for person in persons]
    overrides = dict(
        TopicPreference.objects.filter(person_id__in=ids, topic=topic).values_list(
            "person_id", "channel"
        )
    )
    preferences = dict(
        ContactPreference.objects.filter(person_id__in=ids).values_list(
            "person_id", "preferred_channel"
        )
    )
    consented = set()
    if topic in CONSENT_TOPICS:
        consented = set(
            Consent.objects.filter(person_id__in=ids, topic=topic, given=True).values_list(
                "person_id", flat=True
            )
        )
    return {
        person.pk: _channels(
            person,
            topic,
            overrides.get(person.pk),
            preferences.get(person.pk),
            person.pk in consented,
        )
        for person in persons
    }


def _channels(
    person: Person, topic: str, override: str | None, preference: str | None, consent: bool
) -> list[ContactChannel]:
    addresses = _addresses(person)
    first = override or preference or default_channel(person)
    if topic in CONSENT_TOPICS:
        order = [first] if consent else []
    else:
        order = [first, Channel.EMAIL, Channel.SMS, Channel.LETTER]
    seen: set[str] = set()
    channels = []
    for channel in order:
        if channel in seen or not addresses[channel]:
            continue
        seen.add(channel)
        channels.append(ContactChannel(channel=channel, address=addresses[channel]))
    return channels


def _clean(
    person: Person,
    *,
    email: str,
    mobile: str,
    preferred_channel: str,
    topic_channels: dict[str, str],
    language: str,
) -> tuple[str, str]:
    """Validate everything at once; return the e-mail address and the mobile number in E.164."""
    errors: dict[str, list[str]] = {}
    email = email.strip()
    if email:
        try:
            validate_email(email)
            if len(email) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            errors["email"] = [_("Enter an e-mail address like name@example.org.")]
    try:
        mobile = mobile_normalise(mobile.strip(), field="mobile")
    except ValidationError as error:
        errors.update(error.message_dict)
    addresses = {
        Channel.EMAIL: email,
        Channel.SMS: mobile,
        Channel.LETTER: "yes" if person.domicile_id else "",
    }
    missing = {
        Channel.EMAIL: _("Give an e-mail address to receive messages by e-mail."),
        Channel.SMS: _("Give a mobile number to receive text messages."),
        Channel.LETTER: _("We have no postal address for you; choose e-mail or text message."),
    }
    if preferred_channel not in Channel.values:
        errors["preferred_channel"] = [_("Choose how we reach you.")]
    elif not addresses[preferred_channel] and "email" not in errors and "mobile" not in errors:
        errors["preferred_channel"] = [missing[preferred_channel]]
    for topic, choice in topic_channels.items():
        field = f"topic_{topic}"
        if topic not in Topic.values:
            errors[field] = [_("Unknown topic.")]
        elif choice == NO_MESSAGES and topic not in CONSENT_TOPICS:
            errors[field] = [_("We must be able to reach you about this; choose a channel.")]
        elif choice not in (FOLLOW_PREFERRED, NO_MESSAGES, *Channel.values):
            errors[field] = [_("Choose a channel.")]
        elif choice in Channel.values and not addresses[choice]:
            errors[field] = [missing[choice]]
    if language not in dict(LANGUAGES):
        errors["language"] = [_("Choose a language.")]
    if errors:
        raise ValidationError(errors)
    return email, mobile


@transaction.atomic
def contact_details_update(
    *,
    person: Person,
    actor,
    email: str,
    mobile: str,
    preferred_channel: str,
    topic_channels: dict[str, str],
    language: str,
    detail: str = VIA_MY_DATA,
) -> Person:
    """Change a person's contact details and choices; nothing is saved when anything is wrong.

    ``topic_channels`` maps a topic to a channel, to :data:`FOLLOW_PREFERRED`,
    or (for a topic that needs consent) to :data:`NO_MESSAGES`. The groups that
    change get "the resident" as their source, with ``detail`` and today's date.
    A new e-mail address or mobile number sends ``person_contact_changed`` after the commit.
    """
    email, mobile = _clean(
        person,
        email=email,
        mobile=mobile,
        preferred_channel=preferred_channel,
        topic_channels=topic_channels,
        language=language,
    )
    with history_context(user=actor, reason=detail):  # the register's history: who and how
        return _contact_details_save(
            person=person,
            actor=actor,
            email=email,
            mobile=mobile,
            preferred_channel=preferred_channel,
            topic_channels=topic_channels,
            language=language,
            detail=detail,
        )


def _contact_details_save(
    *, person, actor, email, mobile, preferred_channel, topic_channels, language, detail
) -> Person:
    today = timezone.localdate()
    source = {"source": Source.RESIDENT, "detail": detail, "on": today, "recorded_by": actor}
    before = contact_settings_for(person)
    if (email, mobile) != (person.email, person.mobile):
        fields = [
            name
            for name, value in (("email", email), ("mobile", mobile))
            if getattr(person, name) != value
        ]
        person.email, person.mobile = email, mobile
        person.save(update_fields=["email", "mobile", "updated_at"])
        record_source_set(person=person, group=FieldGroup.CONTACT, **source)
        person_contact_changed.send_on_commit(subject_id=person.pk, person=person.pk, fields=fields)

    preferences_changed = language != person.language
    if preferences_changed:
        person.language = language
        person.save(update_fields=["language", "updated_at"])
    if not before.preferred_channel_chosen or before.preferred_channel != preferred_channel:
        ContactPreference.objects.update_or_create(
            person=person, defaults={"preferred_channel": preferred_channel}
        )
        preferences_changed = True
    for topic, choice in topic_channels.items():
        if choice != before.topic_channels.get(topic):
            preferences_changed = True
        if choice in Channel.values:
            TopicPreference.objects.update_or_create(
                person=person, topic=topic, defaults={"channel": choice}
            )
        else:
            TopicPreference.objects.filter(person=person, topic=topic).delete()
        if topic in CONSENT_TOPICS:
            _consent_set(
                person,
                topic,
                given=choice != NO_MESSAGES,
                consents=before.consents,
                on=today,
                detail=detail,
            )
    if preferences_changed:
        record_source_set(person=person, group=FieldGroup.PREFERENCES, **source)
    return person


def _consent_set(person, topic, *, given: bool, consents: dict, on, detail: str) -> None:
    """Record a consent given or withdrawn; an unchanged choice keeps its first date."""
    current = consents.get(topic)
    if current is None and not given:
        return  # never given, nothing to withdraw
    if current is not None and current.given == given:
        return
    Consent.objects.update_or_create(
        person=person,
        topic=topic,
        defaults={"given": given, "on": on, "source": Source.RESIDENT, "detail": detail},
    )


@transaction.atomic
def consent_withdraw(*, person: Person, topic: str, detail: str) -> bool:
    """Withdraw the person's consent for a topic (an unsubscribe link, a letter, the counter).

    Returns whether anything changed; withdrawing what was never given, or
    twice, changes nothing.
    """
    if topic not in CONSENT_TOPICS:
        raise ValidationError(_("This topic cannot be switched off."))
    consents = {c.topic: c for c in Consent.objects.filter(person=person, topic=topic)}
    current = consents.get(topic)
    if current is None or not current.given:
        return False
    today = timezone.localdate()
    _consent_set(person, topic, given=False, consents=consents, on=today, detail=detail)
    TopicPreference.objects.filter(person=person, topic=topic).delete()
    record_source_set(
        person=person,
        group=FieldGroup.PREFERENCES,
        source=Source.RESIDENT,
        detail=detail,
        on=today,
        recorded_by=None,
    )
    return True
