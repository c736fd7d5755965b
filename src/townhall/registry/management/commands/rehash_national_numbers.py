"""Recompute every keyed hash of national numbers after the hash key changed.

1. Each person's encrypted number is decrypted and hashed with the current
   ``TOWNHALL_NATIONAL_NUMBER_HASH_KEY``.
2. The mask shown on pages is a fingerprint of that hash, so it is recomputed
   with it, in the register's history too: the versions that show the person's
   current number get its new mask (a version of an earlier, different number
   keeps its old mask, which still differs), so a re-hash shows no change.
3. A resident account linked to a person keeps the hash of that person's
   number (it is how sign-in finds the account): it gets the new hash too.
   An account of someone not in this register has no number to re-hash; it is
   found again by its OpenID subject at the next sign-in, which stores the new
   hash (the count is reported).

All of it happens in one transaction: a failure leaves the old hashes in place.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Case, F, Value, When

from townhall.registry import protection
from townhall.registry.models import Person

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute the keyed hashes of all national numbers (after a hash key change)."

    @transaction.atomic
    def handle(self, *args, **options):
        people = Person.objects.exclude(national_number_encrypted="").only(
            "pk", "national_number_encrypted", "national_number_hash", "national_number_masked"
        )
        changed, masks = [], []
        for person in people.iterator(chunk_size=BATCH):
            old_mask = person.national_number_masked
            person.national_number_hash = protection.national_number_hash(
                person.reveal_national_number()
            )
            person.national_number_masked = protection.national_number_mask(
                person.national_number_hash
            )
            changed.append(person)
            masks.append((person.pk, old_mask, person.national_number_masked))
        Person.objects.bulk_update(
            changed, ["national_number_hash", "national_number_masked"], batch_size=BATCH
        )
        self._remask_history(masks)
        accounts, unlinked = self._rehash_accounts()
        self.stdout.write(
            f"Re-hashed the national numbers of {len(changed)} persons and {accounts} "
            f"resident accounts; {unlinked} accounts of people not in the register keep "
            "their old hash until they sign in again."
        )

    def _remask_history(self, masks: list[tuple[int, str, str]]) -> None:
        """The versions showing a person's current number get its new mask."""
        for start in range(0, len(masks), 500):
            batch = [(pk, old, new) for pk, old, new in masks[start : start + 500] if old != new]
            if not batch:
                continue
            Person.history.filter(id__in=[pk for pk, _, _ in batch]).update(
                national_number_masked=Case(
                    *(
                        When(id=pk, national_number_masked=old, then=Value(new))
                        for pk, old, new in batch
                    ),
                    default=F("national_number_masked"),
                )
            )

    def _rehash_accounts(self) -> tuple[int, int]:
        """Give every account linked to a person that person's new hash."""
        users = get_user_model().objects.filter(national_number_hash__isnull=False)
        linked = list(
            users.filter(person__national_number_hash__isnull=False).select_related("person")
        )
        for user in linked:
            user.national_number_hash = user.person.national_number_hash
        get_user_model().objects.bulk_update(linked, ["national_number_hash"], batch_size=BATCH)
        return len(linked), users.filter(person__isnull=True).count()
