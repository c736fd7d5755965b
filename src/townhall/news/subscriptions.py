"""Subscriptions to news and alerts: asked, confirmed, changed, ended (the writes).

1. Anyone asks on the public form (:func:`subscription_request`): the address is
   normalised, its :class:`~townhall.news.models.Subscriber` found or made, and a
   *pending* subscription written with the choices (a pending one of the same
   address takes the new choices: one address, one pending subscription). Its
   message, the confirmation link by e-mail or a code by SMS, is written to the
   outbox in the same transaction and sent after the commit. The answer
   is the same for a new, a pending and a subscribed address.
2. The link (:func:`subscription_confirm`) or the code (:func:`subscription_code_check`,
   at most :data:`~townhall.news.subscription_messages.CODE_MAX_TRIES` tries, 15
   minutes) makes it *active*; an active one of the same address ends then, so the
   new choices replace the old.
3. A signed-in resident subscribes on My page (:func:`my_subscription_save`) with
   the e-mail address or mobile number the register holds for them: no link or
   code, since they gave that address to the municipality themselves (it is theirs
   in the register), but with the consent recorded like every other.
4. One click on the unsubscribe link (:func:`subscription_unsubscribe`) ends it;
   a second click changes nothing and gets the same answer.
5. Every change adds a :class:`~townhall.news.models.ConsentRecord` with the
   time, the words shown, their language and how; none is ever changed.
6. :func:`subscriptions_purge_pending` removes what was never confirmed within
   the link's lifetime (``manage.py purge_pending_subscriptions``).
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.languages import interface_language
from townhall.messaging.errors import MessagingError
from townhall.news.models import (
    ConsentRecord,
    Frequency,
    Subscriber,
    Subscription,
    SubscriptionAudience,
    SubscriptionChannel,
)
from townhall.news.subscription_messages import (
    CODE_MAX_TRIES,
    CONFIRM_MAX_AGE,
    code_matches,
    confirmation_send,
    welcome_send,
)
from townhall.registry.models import Person

logger = logging.getLogger(__name__)
Via = ConsentRecord.Via
Action = ConsentRecord.Action


@dataclass(frozen=True)
class Choices:
    """What a subscription is for."""

    topic_ids: tuple[int, ...]
    all_topics: bool
    audiences: tuple[str, ...]
    frequency: str = Frequency.IMMEDIATE
    my_street: bool = False


def _record(subscription, *, action, via, wording, language) -> ConsentRecord:
    return ConsentRecord.objects.create(
        subscription=subscription,
        action=action,
        via=via,
        wording=wording,
        language=interface_language(language),
    )


def _choices_set(subscription: Subscription, choices: Choices, channel: str) -> None:
    # SMS is for alerts, sent at once: no digest.
    subscription.frequency = (
        choices.frequency if channel == SubscriptionChannel.EMAIL else Frequency.IMMEDIATE
    )
    subscription.all_topics = choices.all_topics
    subscription.my_street = choices.my_street
    subscription.save()
    subscription.topics.set([] if choices.all_topics else list(choices.topic_ids))
    subscription.audience_rows.all().delete()
    SubscriptionAudience.objects.bulk_create(
        SubscriptionAudience(subscription=subscription, audience=a)
        for a in sorted(set(choices.audiences))
    )


def _subscriber(*, channel: str, address: str, language: str, person=None) -> Subscriber:
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.get_or_create(
                channel=channel,
                address=address,
                defaults={"language": interface_language(language), "person": person},
            )
    except IntegrityError:  # made at the same moment by another request
        subscriber, created = Subscriber.objects.get(channel=channel, address=address), False
    changes = {}
    if not created and subscriber.language != interface_language(language):
        changes["language"] = interface_language(language)
    if person is not None and subscriber.person_id != person.pk:
        changes["person"] = person
    if changes:
        for name, value in changes.items():
            setattr(subscriber, name, value)
        subscriber.save(update_fields=list(changes))
    # One request per address at a time: two at once would both find no pending
    # subscription and both write one (the second refused by the unique index).
    return Subscriber.objects.select_for_update().get(pk=subscriber.pk)


@transaction.atomic(durable=True)
def subscription_request(
    *, channel: str, address: str, choices: Choices, language: str, wording: str
) -> Subscription:
    """Write a pending subscription for ``address`` (normalised already) and send its
    confirmation after the commit. ``wording`` is the consent text the form showed."""
    subscriber = _subscriber(channel=channel, address=address, language=language)
    subscription = (
        Subscription.objects.select_for_update()
        .filter(subscriber=subscriber, state=Subscription.State.PENDING)
        .first()
    )
    if subscription is None:
        subscription = Subscription(subscriber=subscriber, state=Subscription.State.PENDING)
    subscription.created_at = timezone.now()  # the link's lifetime starts again
    subscription.code_hash, subscription.code_tries = "", 0
    _choices_set(subscription, choices, channel)
    _record(subscription, action=Action.REQUESTED, via=Via.FORM, wording=wording, language=language)
    # The outbox row commits with the subscription; the outbox sends it after the commit.
    confirmation_send(subscription=subscription)
    return subscription


def _activate(subscription: Subscription, *, via: str, wording: str, language: str) -> None:
    now = timezone.now()
    for old in Subscription.objects.select_for_update().filter(
        subscriber_id=subscription.subscriber_id, state=Subscription.State.ACTIVE
    ):
        old.state, old.ended_at = Subscription.State.UNSUBSCRIBED, now
        old.save(update_fields=["state", "ended_at"])
        _record(
            old,
            action=Action.WITHDRAWN,
            via=via,
            wording=_("Replaced by a new subscription of the same address."),
            language=language,
        )
    subscription.state, subscription.confirmed_at = Subscription.State.ACTIVE, now
    subscription.code_hash, subscription.code_expires_at = "", None
    subscription.save(update_fields=["state", "confirmed_at", "code_hash", "code_expires_at"])
    _record(subscription, action=Action.GIVEN, via=via, wording=wording, language=language)


@transaction.atomic(durable=True)
def subscription_confirm(*, subscription: Subscription, wording: str, language: str) -> bool:
    """Make a pending subscription active (the confirmation link was followed and its
    button pressed); False when it was not pending any more (confirmed twice)."""
    subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if subscription is None or subscription.state != Subscription.State.PENDING:
        return False
    _activate(subscription, via=Via.LINK, wording=wording, language=language)
    if subscription.subscriber.channel == SubscriptionChannel.EMAIL:
        try:
            with transaction.atomic():
                welcome_send(subscription=subscription)
        except MessagingError as error:
            # The subscription stands: the welcome is a courtesy, and every message
            # the subscriber gets carries the unsubscribe link as well.
            logger.warning("No welcome e-mail for a news subscription: %s", error)
    return True


class CodeResult:
    CONFIRMED = "confirmed"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong tries, or no code any more: start again
    EXPIRED = "expired"


@transaction.atomic(durable=True)
def subscription_code_check(
    *, subscription: Subscription, code: str, wording: str, language: str
) -> tuple[str, int]:
    """Check the code typed for a pending SMS subscription; returns a
    :class:`CodeResult` and how many tries are left."""
    subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if (
        subscription is None
        or subscription.state != Subscription.State.PENDING
        or not subscription.code_hash
    ):
        return CodeResult.LOCKED, 0
    if subscription.code_expires_at is None or subscription.code_expires_at < timezone.now():
        return CodeResult.EXPIRED, 0
    if code_matches(subscription, code):
        _activate(subscription, via=Via.CODE, wording=wording, language=language)
        return CodeResult.CONFIRMED, 0
    subscription.code_tries += 1
    if subscription.code_tries >= CODE_MAX_TRIES:
        subscription.code_hash = ""  # no code works any more: the person starts again
    subscription.save(update_fields=["code_tries", "code_hash"])
    left = max(0, CODE_MAX_TRIES - subscription.code_tries)
    return (CodeResult.WRONG if left else CodeResult.LOCKED), left


@transaction.atomic(durable=True)
def subscription_unsubscribe(
    *, subscription: Subscription, via: str, wording: str, language: str
) -> bool:
    """End a subscription (active or pending); False when it had ended already."""
    subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if subscription is None or subscription.state == Subscription.State.UNSUBSCRIBED:
        return False
    subscription.state, subscription.ended_at = Subscription.State.UNSUBSCRIBED, timezone.now()
    subscription.code_hash = ""
    subscription.save(update_fields=["state", "ended_at", "code_hash"])
    _record(subscription, action=Action.WITHDRAWN, via=via, wording=wording, language=language)
    return True


def register_address(person: Person, channel: str) -> str:
    """The address the register holds for the person on ``channel`` ("" when none)."""
    return person.email.strip().lower() if channel == SubscriptionChannel.EMAIL else person.mobile


@transaction.atomic(durable=True)
def my_subscription_save(
    *, person: Person, channel: str, choices: Choices, wording: str, language: str
) -> Subscription:
    """Subscribe a signed-in resident at the address the register holds for them
    (once-only: they do not type it), active at once, replacing their active one on
    that channel. ``ValidationError`` when the register has no such address."""
    address = register_address(person, channel)
    if not address:
        raise ValidationError(
            {"channel": _("We have no address for this channel; add it in your contact details.")}
        )
    if choices.my_street and not person.domicile_id:
        raise ValidationError({"my_street": _("The register holds no address for you.")})
    subscriber = _subscriber(channel=channel, address=address, language=language, person=person)
    # A pending one (asked on the public form) is the one confirmed here.
    subscription = (
        Subscription.objects.select_for_update()
        .filter(subscriber=subscriber, state=Subscription.State.PENDING)
        .first()
    ) or Subscription(subscriber=subscriber, state=Subscription.State.PENDING)
    _choices_set(subscription, choices, channel)
    _record(
        subscription, action=Action.REQUESTED, via=Via.MY_PAGE, wording=wording, language=language
    )
    _activate(subscription, via=Via.MY_PAGE, wording=wording, language=language)
    return subscription


@transaction.atomic(durable=True)
def subscriptions_purge_pending(*, now=None) -> int:
    """Remove the pending subscriptions never confirmed within the link's lifetime, and
    the subscribers left with none (data minimisation); returns how many went.

    Their records go with them: no consent was ever in force for them."""
    cutoff = (now or timezone.now()) - CONFIRM_MAX_AGE
    stale = Subscription.objects.filter(state=Subscription.State.PENDING, created_at__lt=cutoff)
    subscriber_ids = set(stale.values_list("subscriber_id", flat=True))
    _total, by_model = stale.delete()
    Subscriber.objects.filter(pk__in=subscriber_ids, subscriptions__isnull=True).delete()
    removed = by_model.get(Subscription._meta.label, 0)
    if removed:
        logger.info("Removed %d subscriptions never confirmed.", removed)
    return removed
