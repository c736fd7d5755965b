"""One street per distinct street name, postcode and NIS code of the addresses, and
each address pointed at its street.

Set-based, so it stays quick for a million addresses: the distinct streets are
read with one GROUP BY (thousands of rows, not millions) and written at once, and
every address gets its street in one UPDATE with a correlated subquery (on both
SQLite and PostgreSQL), through the street's index on name, postcode and NIS code.
"""

import unicodedata

from django.db import migrations
from django.db.models import OuterRef, Subquery


def _fold(text: str) -> str:
    # As townhall.registry.models.streets.fold at the time of this migration.
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def streets_from_addresses(apps, schema_editor):
    Address = apps.get_model("registry", "Address")
    Street = apps.get_model("registry", "Street")
    distinct = list(
        Address.objects.filter(street__isnull=True)
        .order_by()
        .values_list("street_name", "postcode", "nis_code")
        .distinct()
    )
    Street.objects.bulk_create(
        (
            Street(
                name=name,
                postcode=postcode,
                nis_code=nis_code,
                status="current",
                key=f"{postcode.strip()}|{_fold(' '.join(name.split()))}",
            )
            for name, postcode, nis_code in distinct
        ),
        batch_size=1000,
    )
    Address.objects.filter(street__isnull=True).update(
        street=Subquery(
            Street.objects.filter(
                name=OuterRef("street_name"),
                postcode=OuterRef("postcode"),
                nis_code=OuterRef("nis_code"),
            )
            .order_by("pk")
            .values("pk")[:1]
        )
    )


def addresses_without_streets(apps, schema_editor):
    Address = apps.get_model("registry", "Address")
    Street = apps.get_model("registry", "Street")
    Address.objects.update(street=None)
    Street.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_streets")]

    operations = [migrations.RunPython(streets_from_addresses, addresses_without_streets)]
