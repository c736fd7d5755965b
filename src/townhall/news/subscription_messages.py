"""The messages of a news subscription: its signed links, its SMS code, and how they are sent.

1. A confirmation link and an unsubscribe link carry the subscription's uuid,
   signed with :mod:`django.core.signing` under a salt of their own: they name
   no address and cannot be altered. A confirmation link lasts
   :data:`CONFIRM_MAX_AGE`; an unsubscribe link lasts as long as the subscription.
2. Neither the links nor the SMS code are stored in the outbox: the message keeps
   a marker, and a :class:`~townhall.messaging.secret_values.SecretSource`
   registered here makes the value when the message is handed over. The code
   source makes a new six-digit code at each hand-over and keeps only its keyed
   hash on the subscription, with a lifetime of :data:`CODE_LIFETIME`.
3. :func:`subscriber_message_send` is how news and alerts go to a subscriber:
   an e-mail carries the subscription's own one-click unsubscribe link in
   ``List-Unsubscribe`` (the e-mail channel asks the source for it) and may show
   it in its text as ``{{ unsubscribe_link }}``; an SMS ends with it.
"""

import functools
import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from townhall.messaging.errors import MessagingError, PermanentFailure
from townhall.messaging.models import Message
from townhall.messaging.secret_values import SecretSource, secret_sources
from townhall.messaging.services import EmailRecipient, MobileRecipient, message_send
from townhall.messaging.templates import templates_ensure
from townhall.news.models import Subscription, SubscriptionChannel

CONFIRM_SALT = "townhall.news.subscription-confirm"
UNSUBSCRIBE_SALT = "townhall.news.subscription-unsubscribe"
CODE_SALT = "townhall.news.subscription-code"
CONFIRM_MAX_AGE = timedelta(days=7)
CODE_LIFETIME = timedelta(minutes=15)
CODE_MAX_TRIES = 5

CONFIRM_TEMPLATE = "news-subscription-confirm"
CODE_TEMPLATE = "news-subscription-code"
WELCOME_TEMPLATE = "news-subscription-welcome"
CONFIRM_SOURCE = "news.subscription-confirm-link"
CODE_SOURCE = "news.subscription-code"
UNSUBSCRIBE_SOURCE = "news.subscription-unsubscribe"


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(str(subscription.uuid), salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(str(subscription.uuid), salt=UNSUBSCRIBE_SALT)


def confirm_token_uuid(token: str) -> str:
    """The uuid a confirmation link names; ``signing.SignatureExpired`` when it is older
    than :data:`CONFIRM_MAX_AGE`, ``signing.BadSignature`` when it was altered."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def unsubscribe_token_uuid(token: str) -> str | None:
    """The uuid an unsubscribe link names, or None for an altered one."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


@functools.cache
def _public_url() -> str:
    return settings.TOWNHALL_PUBLIC_URL.rstrip("/")


def confirm_url(subscription: Subscription) -> str:
    path = reverse("news_subscriptions:confirm", kwargs={"token": confirm_token(subscription)})
    return f"{_public_url()}{path}"


def unsubscribe_url(subscription: Subscription) -> str:
    path = reverse(
        "news_subscriptions:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}
    )
    return f"{_public_url()}{path}"


def code_hash(subscription: Subscription, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{subscription.uuid}:{code}").hexdigest()


def code_matches(subscription: Subscription, code: str) -> bool:
    return bool(subscription.code_hash) and constant_time_compare(
        subscription.code_hash, code_hash(subscription, code)
    )


def _subscription(arguments: Mapping[str, object], *states: str) -> Subscription:
    found = Subscription.objects.filter(uuid=arguments["subscription"], state__in=states).first()
    if found is None:
        raise PermanentFailure(_("The subscription this message was for no longer exists."))
    return found


@secret_sources(CONFIRM_SOURCE)
class ConfirmLinkSource(SecretSource):
    """A fresh confirmation link at each hand-over, for a subscription still pending."""

    placeholders = ("link",)

    def values(self, arguments):
        return {"link": confirm_url(_subscription(arguments, Subscription.State.PENDING))}


@secret_sources(CODE_SOURCE)
class CodeSource(SecretSource):
    """A new six-digit code at each hand-over; only its hash is kept, for 15 minutes.

    A code sent again (a retry) replaces the one before and gives five new tries."""

    placeholders = ("code",)

    def values(self, arguments):
        subscription = _subscription(arguments, Subscription.State.PENDING)
        code = f"{secrets.randbelow(10**6):06d}"
        Subscription.objects.filter(pk=subscription.pk).update(
            code_hash=code_hash(subscription, code),
            code_expires_at=timezone.now() + CODE_LIFETIME,
            code_tries=0,
        )
        return {"code": code}


@secret_sources(UNSUBSCRIBE_SOURCE)
class UnsubscribeLinkSource(SecretSource):
    """The subscription's one-click unsubscribe link, in the text and in the header."""

    placeholders = ("unsubscribe_link",)

    def values(self, arguments):
        return {"unsubscribe_link": self.unsubscribe_url(arguments)}

    def unsubscribe_url(self, arguments):
        found = Subscription.objects.filter(uuid=arguments["subscription"]).first()
        if found is None:
            raise PermanentFailure(_("The subscription this message was for no longer exists."))
        return unsubscribe_url(found)


def own_address(subscription: Subscription) -> EmailRecipient | MobileRecipient:
    """The subscriber as a recipient (no name: we ask none) at the address they gave,
    or, for a signed-in resident's subscription, at the one the register holds now."""
    subscriber = subscription.subscriber
    email = subscriber.channel == SubscriptionChannel.EMAIL
    address = subscriber.address
    if subscriber.person is not None:
        person = subscriber.person
        address = person.email.strip().lower() if email else person.mobile
    kind = EmailRecipient if email else MobileRecipient
    return kind(
        address=address,
        given_names="",
        family_name="",
        language=subscriber.language,
        person=subscriber.person,
    )


def confirmation_send(*, subscription: Subscription) -> Message:
    """The confirmation link by e-mail, or the code by SMS (urgent: the person waits for it).

    The shipped templates are loaded first when the database lacks them; a template
    staff changed and did not check again raises ``MessagingError``."""
    templates_ensure([CONFIRM_TEMPLATE, CODE_TEMPLATE])
    if subscription.subscriber.channel == SubscriptionChannel.EMAIL:
        return message_send(
            recipient=own_address(subscription),
            template=CONFIRM_TEMPLATE,
            context={"days": str(CONFIRM_MAX_AGE.days)},
            secret_source=CONFIRM_SOURCE,
            secret_arguments={"subscription": str(subscription.uuid)},
        )
    return message_send(
        recipient=own_address(subscription),
        template=CODE_TEMPLATE,
        context={"minutes": str(int(CODE_LIFETIME.total_seconds() // 60))},
        secret_source=CODE_SOURCE,
        secret_arguments={"subscription": str(subscription.uuid)},
        urgent=True,
    )


def welcome_send(*, subscription: Subscription) -> Message:
    """The e-mail that says a confirmed subscription is in force, with its one-click
    unsubscribe link: the subscriber can leave before the first news comes."""
    templates_ensure([WELCOME_TEMPLATE])
    return subscriber_message_send(
        subscription=subscription,
        template=WELCOME_TEMPLATE,
        context={},
        topic="decisions",
        idempotency_key=f"news-welcome:{subscription.uuid}",
    )


def subscriber_message_send(
    *,
    subscription: Subscription,
    template: str,
    context: Mapping[str, object],
    topic: str,
    idempotency_key: str | None = None,
    urgent: bool = False,
) -> Message:
    """Send a publication (or a digest) to a subscription's own address, with its
    one-click unsubscribe link: in ``List-Unsubscribe`` for e-mail, and filled in
    where the text says ``{{ unsubscribe_link }}`` (its SMS text should end with
    it). ``topic`` is the register's (``news`` or ``alerts``). ``MessagingError`` when
    a resident's subscription has no address in the register any more."""
    recipient = own_address(subscription)
    if not recipient.address:
        raise MessagingError(_("The register holds no address for this subscription any more."))
    return message_send(
        recipient=recipient,
        template=template,
        context=context,
        topic=topic,
        idempotency_key=idempotency_key,
        urgent=urgent,
        secret_source=UNSUBSCRIBE_SOURCE,
        secret_arguments={"subscription": str(subscription.uuid)},
    )
