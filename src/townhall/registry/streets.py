"""Streets: renaming one keeps its row, and its addresses' copies of the name follow.

1. A street (:class:`~townhall.registry.models.Street`) is the register object
   that selections, subscriptions and case routing refer to; its row stays when
   its name changes (the address register's object id stays too).
2. Each address keeps a copy of the street's name (``Address.street_name``) for
   the search indexes, the address key and the many reads that show it.
   :func:`street_rename` is the one way to change a street's name: it rewrites
   the copies and the keys of all its addresses in the same transaction, and
   refuses (changing nothing) when an address would then be the same place as
   an address of another street.
3. The BeST importer renames in bulk with the same two functions
   (:func:`renamed_addresses`, :func:`rename_clash`), without the model.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from townhall.registry.history import bulk_update_with_history
from townhall.registry.models import Address, Street, normalise_address


def renamed_addresses(street_pk: int, name: str) -> list[tuple[int, str, str]]:
    """``(pk, street_name, key)`` of each address of the street under its new ``name``."""
    rows = Address.objects.filter(street_id=street_pk).values_list(
        "pk", "house_number", "box_number", "postcode", "municipality_name"
    )
    renamed = []
    for pk, house_number, box_number, postcode, municipality_name in rows:
        parts = normalise_address(name, house_number, box_number, postcode, municipality_name)
        renamed.append((pk, parts[0], parts[5]))
    return renamed


def rename_clash(street_pk: int, renamed: list[tuple[int, str, str]]) -> Address | None:
    """An address of another street that one of ``renamed`` would become the same place as."""
    keys = [key for _, _, key in renamed]
    if not keys:
        return None
    return Address.objects.filter(key__in=keys).exclude(street_id=street_pk).first()


@transaction.atomic
def street_rename(
    *, street: Street, name: str, name_nl: str = "", name_fr: str = "", name_de: str = ""
) -> Street:
    """Give ``street`` a new name (and its names per language); its addresses follow.

    The street keeps its row, its register id and everything made on it.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("A street needs a name.")})
    limit = Street._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError(
            {"name": _("A street name has at most %(limit)s characters.") % {"limit": limit}}
        )
    street = Street.objects.select_for_update().get(pk=street.pk)
    renamed = renamed_addresses(street.pk, name)
    clash = rename_clash(street.pk, renamed)
    if clash is not None:
        raise ValidationError(
            {
                "name": _(
                    "%(address)s already exists on another street: the two would be the "
                    "same place. Resolve that address first."
                )
                % {"address": clash}
            }
        )
    street.name, street.name_nl, street.name_fr, street.name_de = name, name_nl, name_fr, name_de
    street.save()
    # Whole rows, so each address's new version in the register's history is complete.
    changes = {pk: (new_name, key) for pk, new_name, key in renamed}
    addresses = list(Address.objects.filter(pk__in=changes))
    for address in addresses:
        address.street_name, address.key = changes[address.pk]
    bulk_update_with_history(Address, addresses, ["street_name", "key"], batch_size=500)
    return street
