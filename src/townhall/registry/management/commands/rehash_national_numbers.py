"""Recompute every keyed hash of national numbers after the hash key changed.

Reads each person's encrypted number, hashes it with the current
``TOWNHALL_NATIONAL_NUMBER_HASH_KEY`` and saves, in one transaction.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from townhall.registry import protection
from townhall.registry.models import Person

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute the keyed hashes of all national numbers (after a hash key change)."

    @transaction.atomic
    def handle(self, *args, **options):
        people = Person.objects.exclude(national_number_encrypted="").only(
            "pk", "national_number_encrypted", "national_number_hash"
        )
        changed = []
        for person in people.iterator(chunk_size=BATCH):
            person.national_number_hash = protection.national_number_hash(
                person.reveal_national_number()
            )
            changed.append(person)
        Person.objects.bulk_update(changed, ["national_number_hash"], batch_size=BATCH)
        self.stdout.write(f"Re-hashed the national numbers of {len(changed)} persons.")
