"""What providers tell us after the handover: delivered, bounced, complained.

1. E-mail providers post their events to django-anymail's tracking webhooks
   (``/anymail/<provider>/tracking/``), which check the provider's signature
   or shared secret and send the ``tracking`` signal; :func:`email_tracked`
   receives it.
2. SMS gateways post signed delivery receipts to
   ``/berichten/sms-ontvangst/<gateway>/``; the view checks the signature
   (:func:`~townhall.messaging.sms.sms_receipt_parse`) and calls
   :func:`delivery_report_record`.
3. Both find the message by its provider reference and move it on: delivered,
   bounced or failed. A bounce or complaint also blocks the address, so the
   next message takes another channel; after the commit ``message_bounced`` or
   ``message_failed`` goes out (``messaging.events``). A report about an unknown message, or
   one that would move a message backwards, changes nothing.
"""

from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.messaging.delivery import message_outcome_send
from townhall.messaging.models import Message, MessageEvent, Suppression

# A report may only move a message forward from these states.
REPORTABLE = (Message.State.SENT, Message.State.SENDING, Message.State.DELIVERED)


@transaction.atomic(durable=True)
def delivery_report_record(
    *, provider_reference: str, status: str, reason: str = "", provider_prefix: str = ""
) -> Message | None:
    """Apply a provider's report (``delivered``, ``failed``, ``bounced``, ``complained``)."""
    # Providers write the same id with and without angle brackets (Message-ID style).
    bare = provider_reference.strip().strip("<>")
    messages = Message.objects.select_for_update().filter(
        provider_reference__in={provider_reference, bare, f"<{bare}>"}
    )
    if provider_prefix:
        messages = messages.filter(provider__startswith=provider_prefix)
    message = messages.first()
    if message is None or message.state not in REPORTABLE:
        return None
    detail = reason[:500]
    if status == "delivered":
        if message.state != Message.State.DELIVERED:
            Message.objects.filter(pk=message.pk).update(
                state=Message.State.DELIVERED, delivered_at=timezone.now()
            )
        return message
    if status in ("bounced", "complained"):
        new_state = Message.State.BOUNCED
        Suppression.objects.get_or_create(
            channel=message.channel,
            address=message.address.lower(),
            defaults={
                "reason": Suppression.Reason.COMPLAINED
                if status == "complained"
                else Suppression.Reason.BOUNCED,
                "detail": detail,
                "message": message,
            },
        )
        if status == "complained":
            detail = detail or _("The recipient marked the message as spam.")
    elif status == "failed":
        new_state = Message.State.FAILED
    else:
        return message  # pending, queued at the provider: nothing to change
    Message.objects.filter(pk=message.pk).update(state=new_state, reason=detail)
    MessageEvent.objects.create(message=message, state=new_state, detail=detail)
    message_outcome_send(message, bounced=status if new_state == Message.State.BOUNCED else "")
    return message


ANYMAIL_STATUS = {
    "delivered": "delivered",
    "bounced": "bounced",
    "rejected": "bounced",
    "complained": "complained",
    "failed": "failed",
}


@receiver(tracking, dispatch_uid="townhall.messaging.email_tracked")
def email_tracked(sender, event, esp_name, **kwargs):
    status = ANYMAIL_STATUS.get(event.event_type)
    if status is None or not event.message_id:
        return
    delivery_report_record(
        provider_reference=str(event.message_id),
        status=status,
        reason=str(event.description or event.mta_response or "")[:500],
        provider_prefix="anymail",
    )
