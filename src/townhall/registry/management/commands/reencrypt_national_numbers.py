"""Re-encrypt every stored national number with the first encryption key.

Rotation of ``TOWNHALL_FIELD_ENCRYPTION_KEYS``: put the new key first and keep
the old ones after it (all of them decrypt, the first encrypts), run this
command, then remove the old keys. A server that ran without the setting (the
key was derived from ``SECRET_KEY``) sets its first key and runs the command
with ``--from-secret-key``: the keys derived from ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS`` then decrypt too.

One transaction: a row no key opens stops the command and leaves every row as
it was. The keyed hash and the mask do not change.
"""

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from townhall.conf import key_derived_from_secret
from townhall.registry import protection
from townhall.registry.models import Person

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt all national numbers with the first of TOWNHALL_FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-secret-key",
            action="store_true",
            help="Also decrypt with the keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS "
            "(for numbers written while TOWNHALL_FIELD_ENCRYPTION_KEYS was empty).",
        )

    @transaction.atomic
    def handle(self, *args, from_secret_key=False, **options):
        old_keys = ()
        if from_secret_key:
            secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
            old_keys = tuple(key_derived_from_secret(secret) for secret in secrets)
        people = Person.objects.exclude(national_number_encrypted="").only(
            "pk", "national_number_encrypted"
        )
        changed = []
        for person in people.iterator(chunk_size=BATCH):
            try:
                person.national_number_encrypted = protection.reencrypt(
                    person.national_number_encrypted, old_keys=old_keys
                )
            except InvalidToken:
                raise CommandError(
                    f"No key opens the national number of person {person.pk}: add the key it "
                    "was written with after the first one in TOWNHALL_FIELD_ENCRYPTION_KEYS "
                    "(or pass --from-secret-key). Nothing was changed."
                ) from None
            changed.append(person)
        Person.objects.bulk_update(changed, ["national_number_encrypted"], batch_size=BATCH)
        self.stdout.write(
            f"Re-encrypted the national numbers of {len(changed)} persons with the first key; "
            "the other keys in TOWNHALL_FIELD_ENCRYPTION_KEYS can now be removed."
        )
