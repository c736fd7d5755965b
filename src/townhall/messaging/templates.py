"""Message templates: placeholders, checks, rendering and the seed files.

1. A template declares the placeholders a sender must give
   (``{{ case_reference }}``); the recipient's own (``{{ given_names }}``,
   ``{{ family_name }}``, ``{{ full_name }}``) and the municipality's name
   (``{{ municipality }}``) are always there.
2. Saving a text checks it: a declared placeholder it does not use, or a name
   nobody will fill, is refused with the name in the message.
3. :func:`template_activate` renders every channel and language with the
   template's sample data; only a template that passes can be used to send.
   A template that names its ``channels`` (an account's e-mail) needs texts
   for those only.
4. Rendering is plain substitution, not Django's template language: staff
   write the texts, and a text must never run code or reach into objects.
5. :func:`templates_load` reads the shipped templates from ``seed/*.toml``;
   :func:`templates_ensure` loads only those of them that are missing.
"""

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from townhall.languages import INTERFACE
from townhall.messaging.models import MessageKind, MessageTemplate, TemplateText
from townhall.registry.preferences import Channel

PLACEHOLDER = re.compile(r"{{\s*([a-z][a-z0-9_]*)\s*}}")
RECIPIENT_PLACEHOLDERS = ("given_names", "family_name", "full_name", "municipality")
TEMPLATE_LANGUAGES = INTERFACE  # a template has a text in every interface language
SEED_DIR = Path(__file__).parent / "seed"
# The names of the shipped templates in seed/*.toml, written here again so that
# makemessages finds them: staff read them in their own language
# (MessageTemplate.display_name). A test checks that every seed file's name is here.
SHIPPED_NAMES = (
    gettext_noop("An account exists for this address already"),
    gettext_noop("Sign-in link for an e-mail account"),
    gettext_noop("Confirm the address of a new e-mail account"),
    gettext_noop("Decision on your application"),
    gettext_noop("A document is needed"),
    gettext_noop("Waste collection reminder"),
    gettext_noop("Link to finish a request later"),
    gettext_noop("We received your request"),
    gettext_noop("We received your request (without signing in)"),
    gettext_noop("News about your application"),
    gettext_noop("A message about your application"),
    gettext_noop("Confirm a subscription to news"),
    gettext_noop("Welcome to a subscription to news"),
    gettext_noop("Code to confirm alerts by text message"),
    gettext_noop("News digest"),
    gettext_noop("Registered for a computer course"),
    gettext_noop("On the waiting list of a computer course"),
    gettext_noop("A place for you on a computer course"),
    gettext_noop("Registration for a computer course cancelled"),
)


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def text_errors(*, subject: str, body: str, declared: list[str], channel: str) -> list[str]:
    """What is wrong with one text of a template, in words staff understand."""
    errors = []
    text = f"{subject}\n{body}"
    # What is left of braces once the valid placeholders are taken out is a
    # typo such as "{{ Naam }}" or "{{ name }" that would reach the resident.
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        errors.append(_("A placeholder is written wrongly; write it as {{ name }} in lower case."))
    used = placeholders_in(text)
    for name in sorted(set(declared) - used):
        errors.append(_("The placeholder {{ %(name)s }} is missing.") % {"name": name})
    for name in sorted(used - set(declared) - set(RECIPIENT_PLACEHOLDERS)):
        errors.append(_("Nothing fills the placeholder {{ %(name)s }}.") % {"name": name})
    if channel != Channel.SMS and not subject.strip():
        errors.append(_("Give a subject."))
    if not body.strip():
        errors.append(_("Write the text."))
    return errors


def render(text: str, context: Mapping[str, object]) -> str:
    """Fill the placeholders; a missing value is an error, never an empty gap."""

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in context:
            raise KeyError(name)
        return str(context[name])

    return PLACEHOLDER.sub(fill, text)


def template_text_save(
    *, template: MessageTemplate, channel: str, language: str, subject: str, body: str
) -> TemplateText:
    """Write one text of a template; refused (``ValidationError``) when it does not check out.

    Changing a text takes the template out of use until it is checked again.
    """
    errors = text_errors(
        subject=subject, body=body, declared=template.placeholders, channel=channel
    )
    if errors:
        raise ValidationError(errors)
    text, _created = TemplateText.objects.update_or_create(
        template=template,
        channel=channel,
        language=language,
        defaults={"subject": subject.strip(), "body": body.strip()},
    )
    if template.is_active and not template.is_adhoc:
        template.is_active = False
        template.save(update_fields=["is_active", "updated_at"])
    return text


def template_problems(template: MessageTemplate, *, languages=TEMPLATE_LANGUAGES) -> list[str]:
    """Why the template cannot be used yet (empty when it can)."""
    problems = []
    texts = {(t.channel, t.language): t for t in template.texts.all()}
    sample = {**sample_recipient(), **template.sample_context}
    for name in template.placeholders:
        if name not in template.sample_context:
            problems.append(_("Give sample data for {{ %(name)s }}.") % {"name": name})
    for channel in template_channels(template):
        for language in languages:
            text = texts.get((channel, language))
            where = f"{channel}/{language}"
            if text is None:
                problems.append(_("%(where)s: the text is missing.") % {"where": where})
                continue
            for error in text_errors(
                subject=text.subject,
                body=text.body,
                declared=template.placeholders,
                channel=channel,
            ):
                problems.append(f"{where}: {error}")
            try:
                render(f"{text.subject}\n{text.body}", sample)
            except KeyError as missing:
                problems.append(
                    _("%(where)s: no sample value for {{ %(name)s }}.")
                    % {"where": where, "name": missing.args[0]}
                )
    return problems


def template_channels(template: MessageTemplate) -> list[str]:
    """The channels the template has texts for: the ones it names, else all."""
    return [c for c in Channel.values if c in template.channels] or list(Channel.values)


def template_activate(*, template: MessageTemplate) -> MessageTemplate:
    """Check that the template renders in every channel and language, then allow its use."""
    problems = template_problems(template)
    if problems:
        raise ValidationError(problems)
    template.is_active = True
    template.save(update_fields=["is_active", "updated_at"])
    return template


def sample_recipient() -> dict[str, str]:
    return {
        "given_names": "An",
        "family_name": "Peeters",
        "full_name": "An Peeters",
        "municipality": "Townhall",
    }


@transaction.atomic
def templates_load(directory: Path = SEED_DIR) -> list[MessageTemplate]:
    """Create or update the templates described in ``directory/*.toml`` and activate them.

    A file looks like::

        code = "decision"
        name = "Decision on your application"
        kind = "personal"
        topic = "decisions"
        placeholders = ["case_reference"]
        channels = ["email"]      # optional; without it every channel needs its texts
        [sample]
        case_reference = "2026-00042"
        [email.nl]
        subject = "..."
        body = '''...'''
        [sms.nl]
        body = "..."
        [letter.nl] ...
    """
    loaded = []
    for path in sorted(directory.glob("*.toml")):
        loaded.append(_template_load(tomllib.loads(path.read_text(encoding="utf-8"))))
    return loaded


def templates_ensure(codes: list[str], directory: Path = SEED_DIR) -> None:
    """Load the shipped templates with these codes that the database does not hold
    yet, so that a platform that never ran ``load_message_templates`` can still
    send what it cannot work without (account e-mail). One that exists is left
    as it is: staff may have changed it."""
    present = set(MessageTemplate.objects.filter(code__in=codes).values_list("code", flat=True))
    if present >= set(codes):
        return
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data["code"] in codes and data["code"] not in present:
            try:
                with transaction.atomic():
                    _template_load(data)
            except IntegrityError:
                pass  # another request loaded it at the same moment


def _template_load(data: dict) -> MessageTemplate:
    template, _created = MessageTemplate.objects.update_or_create(
        code=data["code"],
        defaults={
            "name": data["name"],
            "kind": MessageKind(data.get("kind", MessageKind.PERSONAL)),
            "topic": data["topic"],
            "placeholders": data.get("placeholders", []),
            "channels": data.get("channels", []),
            "sample_context": data.get("sample", {}),
        },
    )
    for channel in Channel.values:
        for language, text in data.get(channel, {}).items():
            template_text_save(
                template=template,
                channel=channel,
                language=language,
                subject=text.get("subject", ""),
                body=text["body"],
            )
    return template_activate(template=template)
