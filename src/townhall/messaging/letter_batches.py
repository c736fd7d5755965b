"""The day's letters, from the outbox to the post.

1. Each message on the paper channel joins today's open batch
   (:mod:`townhall.messaging.channels.letter`) and waits there as ``sending``.
2. Staff (or ``manage.py letter_batch_render`` from a daily timer) close the
   batch with :func:`letter_batch_render`: its letters are rendered into one
   PDF on every core, stored through Django's storage, and the batch is
   ``printed``. Letters written after that start a new batch.
3. Staff print and post it, then confirm
   (:func:`~townhall.messaging.services.letter_batch_confirm_posted`): its
   messages are ``sent``.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.languages import INTERFACE, interface_language
from townhall.messaging.errors import MessagingError
from townhall.messaging.letters import Letter, Letterhead, letters_render_pdf
from townhall.messaging.models import LetterBatch, Message
from townhall.municipality.selectors import municipality_get_active


def letter_for(message: Message) -> Letter:
    return Letter(
        reference=message.reference,
        language=interface_language(message.language),
        recipient_name=message.recipient_name,
        address_lines=tuple(part.strip() for part in message.address.split(",") if part.strip()),
        subject=message.subject,
        body=message.body,
        date=timezone.localdate(message.created_at),
    )


def letter_batch_render(*, batch: LetterBatch, actor=None) -> LetterBatch:
    """Close an open batch and render its letters as one PDF, ready to print."""
    with transaction.atomic():
        batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != LetterBatch.State.OPEN:
            raise MessagingError(_("This batch has been printed already."))
        # Closed first, so letters that arrive while it renders start a new batch.
        batch.state = LetterBatch.State.PRINTED
        batch.save(update_fields=["state"])
    try:
        messages = list(batch.messages.filter(state=Message.State.SENDING).order_by("pk"))
        if not messages:
            raise MessagingError(_("There are no letters in this batch."))
        municipality = municipality_get_active()
        if municipality is None:  # the letterhead needs the municipality's profile
            raise MessagingError(_("Set up the municipality's profile before printing letters."))
        letterheads = {
            language: Letterhead.from_municipality(municipality, language) for language in INTERFACE
        }
        processes = settings.TOWNHALL_MESSAGING["LETTER_PROCESSES"] or None
        with tempfile.TemporaryDirectory(prefix="townhall-letters-") as workdir:
            path = Path(workdir) / "batch.pdf"
            pages = letters_render_pdf(
                letters=[letter_for(m) for m in messages],
                letterhead_for=letterheads,
                path=path,
                processes=processes,
            )
            with path.open("rb") as pdf:
                batch.pdf.save(
                    f"letters-{batch.day:%Y-%m-%d}-{batch.pk}.pdf", File(pdf), save=False
                )
    except Exception:
        # Nothing was printed: the batch takes letters again and can be rendered later.
        LetterBatch.objects.filter(pk=batch.pk).update(state=LetterBatch.State.OPEN)
        raise
    batch.page_count = pages
    batch.rendered_at = timezone.now()
    batch.save(update_fields=["pdf", "page_count", "rendered_at"])
    return batch
