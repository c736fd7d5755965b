"""Rotating the keys that protect national numbers (docs/operations.md, "Keys").

The hash key: ``rehash_national_numbers`` re-hashes and re-masks persons and the
resident accounts linked to them. The encryption keys: ``reencrypt_national_numbers``
moves every row to the first key, so the old keys can be removed.
"""

import io

import pytest
from cryptography.fernet import InvalidToken
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from townhall.registry import protection, services
from townhall.registry.models import Person
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

OLD_KEY = "I8gnnZQY3mTxyew-lur_BeHWrifUS5qSd0CkENnSSMM="
NEW_KEY = "9JcAGBha9MG5SCXgIqgRsQME4gbaZ9bNyhaBwuPaJGE="
OLD_HASH_KEY = "the-old-hash-key-0123456789-abcdefghij"
NEW_HASH_KEY = "the-new-hash-key-9876543210-jihgfedcba"


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_rehash_gives_persons_their_new_hash_and_mask_and_accounts_follow():
    with override_settings(NATIONAL_NUMBER_HASH_KEY=OLD_HASH_KEY):
        person = PersonFactory()
        account = get_user_model().objects.create(
            username="resident-1",
            kind="resident",
            person=person,
            national_number_hash=person.national_number_hash,
        )
        old_mask = person.national_number_masked
    number = person.reveal_national_number()
    with override_settings(NATIONAL_NUMBER_HASH_KEY=NEW_HASH_KEY):
        assert services.person_find_by_national_number(number) is None  # stale until re-hashed
        output = run("rehash_national_numbers")
        person.refresh_from_db()
        account.refresh_from_db()
        assert services.person_find_by_national_number(number) == person
        assert person.national_number_hash == protection.national_number_hash(number)
        assert person.national_number_masked == protection.national_number_mask(
            person.national_number_hash
        )
        assert person.national_number_masked != old_mask
        assert account.national_number_hash == person.national_number_hash
        # The register's history shows the new mask: a re-hash is no change of number.
        assert set(person.history.values_list("national_number_masked", flat=True)) == {
            person.national_number_masked
        }
    assert "1 persons and 1 resident accounts" in output


def test_reencrypt_moves_every_number_to_the_first_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        person = PersonFactory()
        number = person.reveal_national_number()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        output = run("reencrypt_national_numbers")
    assert "1 persons" in output
    person.refresh_from_db()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert person.reveal_national_number() == number
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]), pytest.raises(InvalidToken):
        person.reveal_national_number()


def test_reencrypt_from_the_key_derived_from_secret_key():
    # A server that ran without TOWNHALL_FIELD_ENCRYPTION_KEYS moves to a key of its own.
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):
        person = PersonFactory()
        number = person.reveal_national_number()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        with pytest.raises(CommandError, match="--from-secret-key"):
            run("reencrypt_national_numbers")
        run("reencrypt_national_numbers", "--from-secret-key")
        person.refresh_from_db()
        assert person.reveal_national_number() == number


def test_reencrypt_changes_nothing_when_a_row_cannot_be_opened():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        first = PersonFactory()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        PersonFactory()
        before = dict(Person.objects.values_list("pk", "national_number_encrypted"))
        with pytest.raises(CommandError, match=f"person {first.pk}"):
            run("reencrypt_national_numbers")
    assert dict(Person.objects.values_list("pk", "national_number_encrypted")) == before
