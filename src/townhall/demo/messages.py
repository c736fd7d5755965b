"""Demo messages: the shipped templates, and a short message history for residents
whose record staff opened, so "My messages" has something to show at once."""

import datetime

from django.utils import timezone

from townhall.messaging.models import Message, MessageTemplate
from townhall.messaging.services import message_compose, template_texts, usable_channels
from townhall.messaging.templates import templates_load
from townhall.municipality.models import Municipality
from townhall.registry.contact import contact_channels_for
from townhall.registry.models import AccessLogEntry, Person

HISTORY = [
    ("decision", {"case_reference": "2026-00311", "product": "Parkeerkaart voor bewoners"}, 12),
    (
        "document-request",
        {
            "case_reference": "2026-00342",
            "document": "een recente pasfoto",
            "deadline": "20 december 2026",
        },
        4,
    ),
]


def demo_messages_create(*, municipality: Municipality, limit: int = 30) -> int:
    """Load the templates and write a sent history for up to ``limit`` residents."""
    templates = {template.code: template for template in templates_load()}
    persons = Person.objects.filter(pk__in=AccessLogEntry.objects.values("person_id")).order_by(
        "pk"
    )[:limit]
    now = timezone.now()
    count = 0
    for person in persons:
        channels = usable_channels(contact_channels_for(person, "decisions"))
        if not channels:
            continue
        for code, context, days_ago in HISTORY:
            template: MessageTemplate = templates[code]
            message = message_compose(
                person=person,
                template=template,
                texts=template_texts(template),
                channels=channels,
                context=context,
                topic=template.topic,
                queue=Message.Queue.DEFAULT,
                municipality_name=municipality.localized_name(person.language),
            )
            message.state = (
                Message.State.SENT if message.channel == "letter" else Message.State.DELIVERED
            )
            message.save()
            when = now - datetime.timedelta(days=days_ago, hours=count % 7)
            Message.objects.filter(pk=message.pk).update(
                created_at=when,
                sent_at=when + datetime.timedelta(seconds=3),
                delivered_at=None if message.channel == "letter" else when,
                provider="post" if message.channel == "letter" else "demo",
                provider_reference=f"demo-{message.uuid}",
            )
            count += 1
    return count
