"""Announcements to many: a selection from the register, fanned out through the outbox.

1. Staff (or a module such as news) choose recipients with a
   :class:`Selection`: residents of a street (the register's street object, so a
   renamed street keeps its residents selected), an age band, those without a
   digital channel. :func:`broadcast_preview` counts them per channel and
   language before anything is sent.
2. :func:`broadcast_send` writes the broadcast and enqueues its preparation
   on the ``bulk`` queue; an urgent broadcast (a storm, a water cut; it needs
   :data:`URGENT_PERMISSION` when staff send it) does all its work on the
   ``urgent`` queue instead, and its text messages skip the SMS quiet hours.
3. :func:`broadcast_prepare` splits the recipients into parts of
   ``PART_SIZE``; :func:`broadcast_prepare_part` (one task per part, so all
   bulk workers help) writes one message per recipient in batches, each batch
   one transaction, then enqueues its delivery chunks. A part can run again
   after a crash: a recipient who already has a message in this broadcast is
   skipped (a unique constraint makes sure).
4. The bulk workers deliver the chunks; when no message of the broadcast is
   still on its way, it is done.
"""

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.languages import REGISTER
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Broadcast, BroadcastPart, Message, MessageTemplate
from townhall.messaging.outbox_rows import messages_insert
from townhall.messaging.queueing import (
    broadcast_prepare_enqueue,
    broadcast_prepare_part_enqueue,
    chunk_enqueue,
)
from townhall.messaging.services import (
    message_compose,
    template_for,
    template_texts,
    usable_channels_many,
)
from townhall.registry.contact import contact_channels_for_many
from townhall.registry.models import Person, Street
from townhall.registry.preferences import CONSENT_TOPICS, Channel

PREPARE_BATCH = 1000
URGENT_PERMISSION = "messaging.send_urgent_broadcast"


@dataclass(frozen=True)
class Selection:
    """Which residents a broadcast goes to; every criterion given must hold."""

    street: int | None = None  # the primary key of a registry Street, never its name
    postcode: str = ""
    age_min: int | None = None
    age_max: int | None = None
    without_digital_channel: bool = False
    person_ids: tuple[int, ...] = field(default_factory=tuple)

    def persons(self, today: datetime.date | None = None) -> QuerySet[Person]:
        today = today or timezone.localdate()
        persons = Person.objects.filter(state=Person.State.RESIDENT)
        if self.person_ids:
            persons = persons.filter(pk__in=self.person_ids)
        if self.street is not None:
            persons = persons.filter(domicile__street_id=self.street)
        if self.postcode:
            persons = persons.filter(domicile__postcode=self.postcode)
        if self.age_min is not None:
            persons = persons.filter(birth_date__lte=_years_before(today, self.age_min))
        if self.age_max is not None:
            born_after = _years_before(today, self.age_max + 1)
            persons = persons.filter(birth_date__gt=born_after)
        if self.without_digital_channel:
            persons = persons.filter(email="", mobile="")
        return persons.order_by("pk")

    def label(self) -> str:
        """The selection in words, as the broadcast keeps it. Chosen persons are counted,
        never named: the label shows on lists that show nobody's data."""
        parts = []
        chosen = len(self.person_ids)
        if self.street is not None:
            street = Street.objects.filter(pk=self.street).values_list("name", flat=True).first()
            parts.append(_("residents of %(street)s") % {"street": street or _("a street")})
        elif not chosen:
            parts.append(_("all residents"))
        if self.postcode:
            parts.append(self.postcode)
        if self.age_min is not None and self.age_max is not None:
            parts.append(_("aged %(min)s to %(max)s") % {"min": self.age_min, "max": self.age_max})
        elif self.age_min is not None:
            parts.append(_("aged %(min)s or more") % {"min": self.age_min})
        elif self.age_max is not None:
            parts.append(_("aged %(max)s or less") % {"max": self.age_max})
        if self.without_digital_channel:
            parts.append(_("without e-mail or mobile number"))
        if chosen:
            parts.append(
                ngettext("%(count)s chosen resident", "%(count)s chosen residents", chosen)
                % {"count": chosen}
            )
        return ", ".join(parts)

    def as_json(self) -> dict:
        data = asdict(self)
        data["person_ids"] = list(self.person_ids)
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> "Selection":
        return cls(**{**data, "person_ids": tuple(data.get("person_ids", ()))})


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class BroadcastPreview:
    total: int
    per_channel: dict[str, int]
    per_language: dict[str, int]
    unreachable: int  # no channel at all, or no consent for the topic


def broadcast_preview(*, selection: Selection, topic: str) -> BroadcastPreview:
    """How many recipients, by which channel and in which language."""
    per_channel: Counter = Counter()
    per_language: Counter = Counter()
    unreachable = total = 0
    persons = selection.persons()
    for batch in _batches(persons):
        channels = usable_channels_many(contact_channels_for_many(batch, topic))
        for person in batch:
            total += 1
            usable = channels[person.pk]
            if not usable:
                unreachable += 1
                continue
            per_channel[usable[0].channel] += 1
            per_language[person.language] += 1
    return BroadcastPreview(
        total=total,
        per_channel={c: per_channel.get(c, 0) for c in Channel.values},
        per_language=dict(per_language),
        unreachable=unreachable,
    )


def _batches(persons: QuerySet[Person], size: int = PREPARE_BATCH):
    """The persons in batches (lists, with their domicile), by primary key (stable,
    constant memory); each batch is read once, and a short one is the last."""
    last = 0
    while True:
        ids = list(persons.filter(pk__gt=last).values_list("pk", flat=True)[:size])
        if not ids:
            return
        last = ids[-1]
        yield list(Person.objects.filter(pk__in=ids).select_related("domicile").order_by("pk"))
        if len(ids) < size:
            return


@transaction.atomic
def broadcast_send(
    *,
    template: MessageTemplate | str,
    selection: Selection,
    context: Mapping[str, object] | None = None,
    sent_by=None,
    urgent: bool = False,
) -> Broadcast:
    """Send an announcement to everyone in ``selection``; the fan-out runs as a task.

    ``urgent`` puts the work and the messages on the urgent queue and lets the
    text messages go during the quiet hours. A staff member needs
    :data:`URGENT_PERMISSION` for it (checked here as well as in the form, so no
    caller skips it); a module sending on its own (``sent_by`` None) decides.
    """
    template = template_for(template)
    missing = sorted(set(template.placeholders) - set(context or {}))
    if missing:
        raise MessagingError(_("No value was given for {{ %(name)s }}.") % {"name": missing[0]})
    if urgent and sent_by is not None and not sent_by.has_perm(URGENT_PERMISSION):
        raise MessagingError(_("You may not send urgent announcements."))
    broadcast = Broadcast.objects.create(
        template=template,
        context=dict(context or {}),
        selection=selection.as_json(),
        selection_label=selection.label()[:300],
        created_by=sent_by,
        urgent=urgent,
    )
    broadcast_prepare_enqueue(broadcast.pk, queue=broadcast.queue)
    return broadcast


def broadcast_prepare(broadcast_id: int) -> Broadcast:
    """Split the broadcast's recipients into parts and enqueue one task per part
    (on the broadcast's queue, so every worker of it helps); safe to run again."""
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    if broadcast.state != Broadcast.State.PREPARING:
        return broadcast
    with transaction.atomic():
        if not broadcast.parts.exists():
            ids = list(
                Selection.from_json(broadcast.selection).persons().values_list("pk", flat=True)
            )
            size = settings.TOWNHALL_MESSAGING["PART_SIZE"]
            BroadcastPart.objects.bulk_create(
                BroadcastPart(
                    broadcast=broadcast,
                    first_person_id=ids[start],
                    last_person_id=ids[min(start + size, len(ids)) - 1],
                )
                for start in range(0, len(ids), size)
            )
        open_parts = list(broadcast.parts.filter(done=False).values_list("pk", flat=True))
        for part_id in open_parts:
            broadcast_prepare_part_enqueue(part_id, queue=broadcast.queue)
        if not open_parts:  # every part was written; only the closing step was missed
            _broadcast_prepared(broadcast.pk)
    broadcast_finish_if_done(broadcast.pk)
    broadcast.refresh_from_db()
    return broadcast


def broadcast_prepare_part(part_id: int) -> None:
    """Write the messages of one part of a broadcast and enqueue their delivery.

    Each batch of recipients is one transaction. After a crash the part runs
    again and skips recipients who have their message already.
    """
    from townhall.municipality.selectors import municipality_get_active

    part = BroadcastPart.objects.select_related("broadcast__template").get(pk=part_id)
    broadcast = part.broadcast
    if part.done or broadcast.state != Broadcast.State.PREPARING:
        return
    template = broadcast.template
    texts = template_texts(template)
    municipality = municipality_get_active()
    names = {code: municipality.localized_name(code) if municipality else "" for code in REGISTER}
    persons = (
        Selection.from_json(broadcast.selection)
        .persons()
        .filter(pk__gte=part.first_person_id, pk__lte=part.last_person_id)
    )
    # A second run (after a crash) skips recipients who have their message already.
    resumed = Message.objects.filter(
        broadcast=broadcast,
        person_id__gte=part.first_person_id,
        person_id__lte=part.last_person_id,
    ).exists()
    total = 0
    for batch in _batches(persons):
        already = set()
        if resumed:
            already = set(
                Message.objects.filter(broadcast=broadcast, person__in=batch).values_list(
                    "person_id", flat=True
                )
            )
        channels = usable_channels_many(contact_channels_for_many(batch, template.topic))
        messages = []
        for person in batch:
            total += 1
            if person.pk in already:
                continue
            usable = channels[person.pk]
            if not usable and template.topic in CONSENT_TOPICS:
                continue  # no consent for this topic: nothing is owed
            # Without any channel the message is written as failed, with the
            # reason, so the gap shows in the log instead of vanishing.
            message = message_compose(
                person=person,
                template=template,
                texts=texts,
                channels=usable,
                context=broadcast.context,
                topic=template.topic,
                queue=broadcast.queue,
                municipality_name=names.get(person.language, names["nl"]),
            )
            message.broadcast = broadcast
            message.created_by = broadcast.created_by
            messages.append(message)
        with transaction.atomic():
            messages_insert(messages)
            ids = [m.pk for m in messages if m.state == Message.State.QUEUED]
            if resumed:  # also those written by the run that crashed, never enqueued
                ids = list(
                    Message.objects.filter(
                        broadcast=broadcast,
                        person__in=batch,
                        enqueued_at=None,
                        state=Message.State.QUEUED,
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            for start in range(0, len(ids), _chunk_size()):
                chunk_enqueue(ids[start : start + _chunk_size()], queue=broadcast.queue)
    with transaction.atomic():
        # Parts that finish at the same moment take turns here; otherwise each
        # could see the other still open, and neither would close the broadcast.
        Broadcast.objects.select_for_update().filter(pk=broadcast.pk).first()
        finished = BroadcastPart.objects.filter(pk=part.pk, done=False).update(
            done=True, recipients=total
        )
        if finished and not broadcast.parts.filter(done=False).exists():
            _broadcast_prepared(broadcast.pk)
    broadcast_finish_if_done(broadcast.pk)


def _broadcast_prepared(broadcast_id: int) -> None:
    total = (
        BroadcastPart.objects.filter(broadcast_id=broadcast_id).aggregate(n=Sum("recipients"))["n"]
        or 0
    )
    Broadcast.objects.filter(pk=broadcast_id, state=Broadcast.State.PREPARING).update(
        state=Broadcast.State.SENDING, recipients_total=total, prepared_at=timezone.now()
    )


def _chunk_size() -> int:
    return settings.TOWNHALL_MESSAGING["CHUNK_SIZE"]


ON_THE_WAY = (Message.State.QUEUED, Message.State.SENDING, Message.State.RETRYING)


def broadcast_finish_if_done(broadcast_id: int) -> None:
    """Mark the broadcast done once none of its messages is still on its way
    (letters waiting in a print batch count as handed over)."""
    on_the_way = Message.objects.filter(broadcast_id=broadcast_id, state__in=ON_THE_WAY).exclude(
        Q(state=Message.State.SENDING) & Q(letter_batch__isnull=False)
    )
    if not on_the_way.exists():
        Broadcast.objects.filter(pk=broadcast_id, state=Broadcast.State.SENDING).update(
            state=Broadcast.State.DONE
        )
