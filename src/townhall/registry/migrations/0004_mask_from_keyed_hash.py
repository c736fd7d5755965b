"""Re-mask every national number: the old mask showed the two check digits, which
with the birth date and sex left about five candidates. The new mask is a
fingerprint of the keyed hash (no digit of the number), computed from the stored
hash, so nothing is decrypted. The algorithm is copied from
``townhall.registry.protection.national_number_mask`` as it was when this
migration was written, so a later change there cannot change what it does.
"""

from django.db import migrations

BATCH = 2000
ALPHABET = "BCDFGHJKMNPRSTVWXZ"


def _mask(number_hash: str) -> str:
    value = int(number_hash, 16)
    letters = []
    for _position in range(4):
        value, index = divmod(value, len(ALPHABET))
        letters.append(ALPHABET[index])
    return "***-" + "".join(letters)


def remask(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    people = Person.objects.filter(national_number_hash__isnull=False).only(
        "pk", "national_number_hash", "national_number_masked"
    )
    changed = []
    for person in people.iterator(chunk_size=BATCH):
        person.national_number_masked = _mask(person.national_number_hash)
        changed.append(person)
        if len(changed) >= BATCH:
            Person.objects.bulk_update(changed, ["national_number_masked"])
            changed = []
    Person.objects.bulk_update(changed, ["national_number_masked"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_once_only")]

    # Going back keeps the new masks: the old form gave the number away.
    operations = [migrations.RunPython(remask, migrations.RunPython.noop, elidable=False)]
