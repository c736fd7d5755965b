"""Create or update the shipped message templates (``messaging/seed/*.toml``) and check them."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townhall.messaging.templates import templates_load


class Command(BaseCommand):
    help = "Load the message templates shipped with Townhall and check each in every language."

    def handle(self, *args, **options):
        try:
            loaded = templates_load()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{len(loaded)} message templates loaded and checked.")
