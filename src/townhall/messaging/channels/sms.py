"""Text messages through the SMS gateways (:mod:`townhall.messaging.sms`).

A non-urgent text that falls in the quiet hours waits until they end; an
urgent one (on the urgent queue: a personal message sent as urgent, or one of
an urgent broadcast, such as a storm warning) goes at once. A text with a secret
value (a confirmation code) gets it only here, in the copy that goes out.
"""

from django.conf import settings
from django.utils import timezone

from townhall.messaging.channels import DeliveryChannel, Handover, register
from townhall.messaging.models import Message
from townhall.messaging.secret_values import secret_text
from townhall.messaging.sms import quiet_hours_end, sms_send


@register("sms")
class SmsChannel(DeliveryChannel):
    def deliver(self, message: Message) -> Handover:
        if message.queue != Message.Queue.URGENT:
            wait_until = quiet_hours_end(timezone.now())
            if wait_until is not None:
                return Handover(wait_until=wait_until)
        _subject, text = secret_text(message)
        sent = sms_send(
            to=message.address,
            text=text,
            sender_id=settings.TOWNHALL_SMS["SENDER_ID"],
            reference=str(message.uuid),
        )
        return Handover(provider=f"sms:{sent.gateway}", reference=sent.provider_reference)
