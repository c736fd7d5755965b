"""Letters: a message on the paper channel joins the day's print batch.

It stays ``sending`` until staff confirm that the printed batch was posted
(:func:`~townhall.messaging.services.letter_batch_confirm_posted`).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.messaging.channels import DeliveryChannel, Handover, register
from townhall.messaging.errors import PermanentFailure
from townhall.messaging.models import LetterBatch, Message


def letter_batch_open() -> LetterBatch:
    """Today's batch that still takes letters (created when the first letter comes)."""
    today = timezone.localdate()
    batch = LetterBatch.objects.filter(day=today, state=LetterBatch.State.OPEN).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return LetterBatch.objects.create(day=today)
    except IntegrityError:  # another worker opened it at the same moment
        return LetterBatch.objects.get(day=today, state=LetterBatch.State.OPEN)


@register("letter")
class LetterChannel(DeliveryChannel):
    def deliver(self, message: Message) -> Handover:
        if not message.address.strip():
            raise PermanentFailure(_("There is no postal address to send the letter to."))
        return Handover(provider="post", letter_batch_id=letter_batch_open().pk)
