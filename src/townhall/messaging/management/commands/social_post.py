"""Post on one of the municipality's social media accounts from the command line.

For operators (a message when the site is down) and for trying an account's
configuration: ``social_post --account mastodon --text "..." --link https://...``.
The post goes through the outbox like any other (queued, delivered by a worker,
retried, posted once); the command says what was queued, or why it was refused.
With ``--preview`` it only shows what would be posted and its length.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from townhall.messaging.errors import MessagingError
from townhall.messaging.social.services import social_post_request, social_preview


class Command(BaseCommand):
    help = "Queue a post on a configured social media account (or preview it)."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="the account's code in the settings")
        parser.add_argument("--text", required=True)
        parser.add_argument("--link", default="")
        parser.add_argument("--language", default="nl", help="nl, fr or en (default nl)")
        parser.add_argument(
            "--key", default="", help="idempotency key: the same key posts once (default: new)"
        )
        parser.add_argument(
            "--source", default="", help='what it is about, e.g. "news.publication:<uuid>"'
        )
        parser.add_argument("--preview", action="store_true", help="only show what would go out")

    def handle(self, *args, **options):
        try:
            if options["preview"]:
                preview = social_preview(
                    account=options["account"], text=options["text"], link=options["link"]
                )
                self.stdout.write(preview.text)
                limit = f" of at most {preview.limit}" if preview.limit else ""
                self.stdout.write(f"({preview.network}: {preview.length} characters{limit})")
                return
            with transaction.atomic(durable=True):
                post = social_post_request(
                    account=options["account"],
                    text=options["text"],
                    link=options["link"],
                    language=options["language"],
                    source=options["source"],
                    idempotency_key=options["key"] or f"command:{uuid.uuid4()}",
                    actor=None,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except MessagingError as error:
            raise CommandError(str(error)) from error
        post.refresh_from_db()
        self.stdout.write(f"Post {post.uuid} on {post.account}: {post.state}.")
