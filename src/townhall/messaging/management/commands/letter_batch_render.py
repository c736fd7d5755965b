"""Close today's open letter batch and render its print PDF (for a daily timer)."""

from django.core.management.base import BaseCommand, CommandError

from townhall.messaging.errors import MessagingError
from townhall.messaging.letter_batches import letter_batch_render
from townhall.messaging.models import LetterBatch


class Command(BaseCommand):
    help = "Render the open letter batches as print PDFs."

    def handle(self, *args, **options):
        batches = LetterBatch.objects.filter(state=LetterBatch.State.OPEN).order_by("day")
        if not batches:
            self.stdout.write("No open letter batch.")
            return
        for batch in batches:
            try:
                batch = letter_batch_render(batch=batch)
            except MessagingError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Batch of {batch.day:%Y-%m-%d}: {batch.page_count} pages in {batch.pdf.name}."
            )
