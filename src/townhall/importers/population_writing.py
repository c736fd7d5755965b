"""Writing what one batch of population rows changed, in bulk (``writing.py`` underneath).

The order keeps every database rule true after each statement:

1. the addresses the batch needs and the register lacks (``addresses_get_or_create``);
2. the persons created (with their number's hash, encrypted number and masked
   number), then those changed;
3. the households created, then those that moved;
4. the memberships that ended, then the new ones: a person's old membership ends
   before the new one starts, and a household's former reference person leaves
   before the new one comes ("one current household per person", "one current
   reference person per household");
5. the source of each group of fields that changed: the population register,
   dated with the row that changed it (``registry.provenance``).
"""

from django.utils import timezone

from townhall.importers.addresses import addresses_get_or_create
from townhall.importers.population_batch import FIELDS, Home, Register, Resident
from townhall.importers.writing import insert_rows, rows_matching, update_rows
from townhall.registry.models import Household, HouseholdMembership, Person
from townhall.registry.provenance import RecordSource, Source

NUMBER_FIELDS = (
    "number_kind",
    "national_number_hash",
    "national_number_encrypted",
    "national_number_masked",
)
MEMBERSHIP_COLUMNS = ("household_id", "person_id", "relation", "start_date", "end_date")


def register_write(register: Register) -> None:
    """Save the changes :meth:`Register.apply` made in memory."""
    residents = register.residents()
    created = [r for r in residents if r.saved is None]
    updated = [r for r in residents if r.saved is not None and r.fields != r.saved]
    new_homes = [home for home in register.homes if home.saved_address is None]
    moved = [h for h in register.homes if h.saved_address and h.address != h.saved_address]
    keys = [r.fields["domicile"] for r in created + updated]
    keys += [home.address for home in new_homes + moved]
    missing = {key for key in keys if key and key not in register.address_pks}
    register.address_pks.update(addresses_get_or_create(register.parts[key] for key in missing))
    _write_persons(register, created, updated)
    _write_homes(register, new_homes, moved)
    update_rows(HouseholdMembership, ("end_date",), [(m.pk, m.end) for m in register.ended])
    insert_rows(
        HouseholdMembership,
        MEMBERSHIP_COLUMNS,
        [(m.household.pk, m.person.pk, m.relation, m.start, m.end) for m in register.started],
    )
    _write_sources([r for r in residents if r.sources])


def _values(register: Register, resident: Resident) -> tuple:
    fields = resident.fields
    domicile = fields["domicile"]
    return (
        *(fields[name] for name in FIELDS),
        register.address_pks[domicile] if domicile else None,
    )


def _write_persons(register: Register, created: list[Resident], updated: list[Resident]) -> None:
    insert_rows(
        Person,
        (*NUMBER_FIELDS, *FIELDS, "domicile_id"),
        [(*(r.create[name] for name in NUMBER_FIELDS), *_values(register, r)) for r in created],
    )
    if created:
        pks = dict(
            rows_matching(
                Person,
                ["national_number_hash", "id"],
                {"national_number_hash": [r.number_hash for r in created]},
            )
        )
        for resident in created:
            resident.pk = pks[resident.number_hash]
    now = timezone.now()  # updated_at: a bulk update does not set it
    update_rows(
        Person,
        (*FIELDS, "domicile_id", "updated_at"),
        [(r.pk, *_values(register, r), now) for r in updated],
    )


def _write_homes(register: Register, new_homes: list[Home], moved: list[Home]) -> None:
    address_pks = register.address_pks
    insert_rows(
        Household,
        ("register_number", "address_id"),
        [(home.number, address_pks[home.address]) for home in new_homes],
    )
    if new_homes:
        # No household had these numbers before (Register.load looked them up).
        pks = dict(
            rows_matching(
                Household,
                ["register_number", "id"],
                {"register_number": [home.number for home in new_homes]},
            )
        )
        for home in new_homes:
            home.pk = pks[home.number]
    update_rows(
        Household, ("address_id",), [(home.pk, address_pks[home.address]) for home in moved]
    )


def _write_sources(residents: list[Resident]) -> None:
    """The population register is now the source of each group of fields that changed."""
    existing = {
        (person, group): pk
        for pk, person, group in rows_matching(
            RecordSource, ["id", "person_id", "group"], {"person_id": [r.pk for r in residents]}
        )
    }
    updates, inserts = [], []
    for resident in residents:
        for group, date in resident.sources.items():
            pk = existing.get((resident.pk, group))
            if pk is None:
                inserts.append((resident.pk, group, Source.POPULATION_REGISTER, date))
            else:
                updates.append((pk, Source.POPULATION_REGISTER, "", date, None))
    update_rows(RecordSource, ("source", "detail", "recorded_on", "recorded_by_id"), updates)
    insert_rows(RecordSource, ("person_id", "group", "source", "recorded_on"), inserts)
