"""One-click unsubscribe (RFC 8058) from messages that need consent.

1. An e-mail on a consent topic (news, waste collection) carries
   ``List-Unsubscribe: <https://…/berichten/afmelden/<token>/>`` and
   ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``.
2. The token is the message's id, signed: it names no person and no national
   number, and it cannot be guessed or altered.
3. A mail program POSTs to the link (one click, no page); a person who opens
   it sees what they unsubscribe from and confirms with one button.
4. Either way the consent is withdrawn in the register, so every module
   stops sending on that topic, and My data shows it.
"""

import functools

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_noop

from townhall.messaging.models import Message
from townhall.registry.contact import consent_withdraw

SALT = "townhall.messaging.unsubscribe"
VIA_UNSUBSCRIBE = gettext_noop("via the unsubscribe link in a message")


def unsubscribe_token(message: Message) -> str:
    return signing.dumps(str(message.uuid), salt=SALT, compress=True)


@functools.cache
def _url_around_token() -> tuple[str, str]:
    """The link before and after the token: reverse() once per process, not per message."""
    path = reverse("messaging:unsubscribe", kwargs={"token": "TOKEN"})
    before, _token, after = path.rpartition("TOKEN")
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{before}", after


def unsubscribe_url(message: Message) -> str:
    before, after = _url_around_token()
    return f"{before}{unsubscribe_token(message)}{after}"


def message_for_token(token: str) -> Message | None:
    """The message a token was made for, or None for a forged or unknown token."""
    try:
        message_uuid = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Message.objects.select_related("person").filter(uuid=message_uuid).first()


def message_unsubscribe(*, message: Message) -> bool:
    """Withdraw the recipient's consent for the message's topic; True when it changed."""
    if message.person is None:
        return False
    return consent_withdraw(person=message.person, topic=message.topic, detail=VIA_UNSUBSCRIBE)
