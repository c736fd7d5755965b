"""Re-encrypt the answers of every draft and submission with the first encryption key.

The companion of ``reencrypt_national_numbers`` (registry) for the forms app:
on a rotation of ``TOWNHALL_FIELD_ENCRYPTION_KEYS`` run both, then remove the
old keys. ``--from-secret-key`` also decrypts with the keys derived from
``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (answers written while the setting
was empty).

One transaction: an answer no key opens stops the command and leaves every row
as it was.
"""

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from townhall.conf import key_derived_from_secret
from townhall.eforms.models import Draft, Submission
from townhall.registry import protection

BATCH = 2000
ENCRYPTED = ((Draft, "data_encrypted", "draft"), (Submission, "answers_encrypted", "submission"))


class Command(BaseCommand):
    help = "Re-encrypt the answers of drafts and submissions with the first encryption key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-secret-key",
            action="store_true",
            help="Also decrypt with the keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS "
            "(for answers written while TOWNHALL_FIELD_ENCRYPTION_KEYS was empty).",
        )

    @transaction.atomic
    def handle(self, *args, from_secret_key=False, **options):
        old_keys = ()
        if from_secret_key:
            secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
            old_keys = tuple(key_derived_from_secret(secret) for secret in secrets)
        counts = {}
        for model, field, name in ENCRYPTED:
            rows = model.objects.exclude(**{field: ""}).only("pk", field)
            changed = []
            for row in rows.iterator(chunk_size=BATCH):
                try:
                    setattr(
                        row, field, protection.reencrypt(getattr(row, field), old_keys=old_keys)
                    )
                except InvalidToken:
                    raise CommandError(
                        f"No key opens the answers of {name} {row.pk}: add the key they were "
                        "written with after the first one in TOWNHALL_FIELD_ENCRYPTION_KEYS "
                        "(or pass --from-secret-key). Nothing was changed."
                    ) from None
                changed.append(row)
            model.objects.bulk_update(changed, [field], batch_size=BATCH)
            counts[name] = len(changed)
        self.stdout.write(
            f"Re-encrypted the answers of {counts['draft']} drafts and {counts['submission']} "
            "submissions with the first key; once reencrypt_national_numbers ran too, the other "
            "keys in TOWNHALL_FIELD_ENCRYPTION_KEYS can be removed."
        )
