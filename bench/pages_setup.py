"""The data steps of ``bench/pages.py``, run inside the checkout being measured.

    PYTHONPATH=<checkout>/src python bench/pages_setup.py grow --persons 1000000
    PYTHONPATH=<checkout>/src python bench/pages_setup.py prepare

``bench/pages.py`` runs this module as a subprocess with the Python path of the
checkout it measures (so "before" and "after" each use their own code) and the
environment of its database and keys, in demo mode: the demo seed and the demo
persona rules exist only there. The server it measures runs in production mode
with the same keys, so the keyed hashes, the encrypted numbers and the sessions
made here are valid there.

``grow`` adds plausible persons until the register holds ``--persons``: families
of one to six in households at addresses of twenty postcodes, with valid and
unique national numbers (keyed hash, encrypted and masked as the register keeps
them), e-mail addresses and mobile numbers for most adults, and one
organisation for every ten persons. It streams the rows into PostgreSQL with
COPY, then runs ``VACUUM ANALYZE``.

``prepare`` makes what the pages need to show rows: a broadcast to the demo
resident's street (delivered at once: its letters fill the day's batch), a
mandate given by the demo resident to a housemate, and the demo resident's
signed-in session (eID, high assurance: what the OpenID callback stores; the
production server has no demo identity provider to go through). It prints the
ids and the session key as JSON.
"""

import argparse
import datetime
import io
import json
import os
import random
import sys
import time

ORGANISATIONS_PER_PERSON = 0.1
POSTCODES = [
    ("8770", "Ingelmunster"), ("8760", "Meulebeke"), ("8780", "Oostrozebeke"),
    ("8790", "Waregem"), ("8800", "Roeselare"), ("8810", "Lichtervelde"),
    ("8820", "Torhout"), ("8830", "Hooglede"), ("8840", "Staden"), ("8850", "Ardooie"),
    ("8860", "Lendelede"), ("8870", "Izegem"), ("8880", "Ledegem"), ("8890", "Moorslede"),
    ("8500", "Kortrijk"), ("8510", "Marke"), ("8520", "Kuurne"), ("8530", "Harelbeke"),
    ("8540", "Deerlijk"), ("8550", "Zwevegem"),
]  # fmt: skip
STREET_WORDS = [
    "Kerk", "Molen", "Stations", "Brugse", "Kortrijkse", "Meulebeekse", "Izegemse", "Beek",
    "Linde", "Kapel", "Veld", "Hoog", "School", "Markt", "Wind", "Ooste", "Weste", "Noord",
    "Zuid", "Sint-Amands", "Abdij", "Bos", "Dorp", "Heide", "Kasteel", "Leie", "Mandel",
]  # fmt: skip
STREET_KINDS = ["straat", "laan", "weg", "dreef", "plein", "steenweg"]
# Persons per household, as Flemish households are (one in three lives alone).
HOUSEHOLD_SIZES = [1] * 33 + [2] * 32 + [3] * 15 + [4] * 14 + [5] * 5 + [6] * 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grow_parser = commands.add_parser("grow")
    grow_parser.add_argument("--persons", type=int, required=True)
    commands.add_parser("prepare")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    import django

    django.setup()
    if options.command == "grow":
        grow(options.persons)
    else:
        print(json.dumps(prepare()))


# --- grow -------------------------------------------------------------------


class Copier:
    """Rows of one table as COPY text, sent in chunks of about a megabyte."""

    def __init__(self, cursor, table: str, columns: list[str]):
        self.context = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.copy = self.context.__enter__()
        self.buffer = io.StringIO()
        self.rows = 0

    def row(self, *values) -> None:
        self.buffer.write("\t".join(r"\N" if v is None else str(v) for v in values))
        self.buffer.write("\n")
        self.rows += 1
        if self.buffer.tell() > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.copy.write(self.buffer.getvalue())
        self.buffer = io.StringIO()

    def close(self) -> None:
        self.flush()
        self.context.__exit__(None, None, None)


def next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def sequence_catch_up(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
    )


def grow(target: int) -> None:
    """Add persons (in households, at addresses) and organisations up to ``target`` persons."""
    from django.db import connection, transaction

    from townhall.registry.models import Person

    missing = target - Person.objects.count()
    if missing <= 0:
        print(f"The register holds {target:,} persons or more already.")
        return
    started = time.perf_counter()
    rng = random.Random(20261201)
    with transaction.atomic(), connection.cursor() as cursor:
        counts = _grow_persons(cursor, rng, missing)
        counts["organisations"] = _grow_organisations(
            cursor, rng, int(target * ORGANISATIONS_PER_PERSON)
        )
    with connection.cursor() as cursor:
        for table in (
            "registry_address",
            "registry_household",
            "registry_householdmembership",
            "registry_person",
            "registry_organisation",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    written = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    print(f"Grew the register by {written} in {time.perf_counter() - started:.0f} s")


def _streets() -> list[tuple[str, str, str]]:
    return [
        (f"{word}{kind}", postcode, place)
        for postcode, place in POSTCODES
        for word in STREET_WORDS
        for kind in STREET_KINDS
    ]


def _street_objects(streets: list[tuple[str, str, str]]) -> list[int]:
    """The register's street object of each grown street (made once, found again on a
    second grow), by its place in ``streets``: the grown addresses point to them, as
    the importers' do, so a selection by street finds their residents."""
    from townhall.registry.models import Street

    known = {(street.name, street.postcode): street.pk for street in Street.objects.all()}
    for name, postcode, _place in streets:
        if (name, postcode) not in known:
            known[(name, postcode)] = Street.objects.create(name=name, postcode=postcode).pk
    return [known[(name, postcode)] for name, postcode, _place in streets]


def _grow_persons(cursor, rng: random.Random, missing: int) -> dict[str, int]:
    from django.utils import timezone

    from townhall.demo import names
    from townhall.demo.numbers import PersonNumbers
    from townhall.registry import protection
    from townhall.registry.models.addresses import normalise_address

    numbers = PersonNumbers(rng)
    cursor.execute("SELECT national_number_hash FROM registry_person")
    known = {row[0] for row in cursor.fetchall()}
    now = timezone.now().isoformat()
    today = timezone.localdate()
    streets = _streets()
    street_ids = _street_objects(streets)
    ids = {
        table: next_id(cursor, table)
        for table in (
            "registry_address",
            "registry_household",
            "registry_person",
            "registry_householdmembership",
        )
    }
    first_person = ids["registry_person"]
    # Addresses first: the households and persons point to them.
    households, planned = [], 0
    while planned < missing:
        households.append(_household_plan(rng, today))
        planned += len(households[-1])
    addresses = Copier(
        cursor,
        "registry_address",
        ["id", "street_name", "house_number", "box_number", "postcode", "municipality_name",
         "nis_code", "register_uri", "key", "street_id"],
    )  # fmt: skip
    house_numbers: dict[int, int] = {}
    for index, _plan in enumerate(households):
        street = index % len(streets)
        name, postcode, place = streets[street]
        house_numbers[street] = house_numbers.get(street, 0) + 1
        # High numbers: never the key of a demo address.
        parts = normalise_address(name, str(1000 + house_numbers[street]), "", postcode, place)
        addresses.row(
            ids["registry_address"] + index, *parts[:5], "", "", parts[5], street_ids[street]
        )
    addresses.close()
    household_rows = Copier(
        cursor, "registry_household", ["id", "address_id", "register_number", "created_at"]
    )
    for index in range(len(households)):
        household_rows.row(
            ids["registry_household"] + index,
            ids["registry_address"] + index,
            f"B{ids['registry_household'] + index:09d}",
            now,
        )
    household_rows.close()
    persons = Copier(
        cursor,
        "registry_person",
        ["id", "number_kind", "national_number_hash", "national_number_encrypted",
         "national_number_masked", "given_names", "family_name", "birth_date",
         "birth_date_precision", "sex", "nationality", "language", "email", "mobile", "state",
         "state_since", "created_at", "updated_at", "domicile_id"],
    )  # fmt: skip
    # One COPY at a time on a connection: the memberships wait for the persons.
    membership_rows = []
    person_id = first_person
    for index, plan in enumerate(households):
        family = names.family_name(rng, "flemish")
        for relation, sex, birth_date, since in plan:
            if person_id - first_person == missing:
                break
            number = numbers.national_register(birth_date, sex)
            number_hash = protection.national_number_hash(number)
            if number_hash in known:  # a demo person's number: draw another
                number = numbers.national_register(birth_date, sex)
                number_hash = protection.national_number_hash(number)
            given = names.given_names(rng, sex=sex, birth_year=birth_date.year, origin="flemish")
            adult = (today - birth_date).days >= 18 * 365
            slug = f"{given.split()[0]}.{family}".lower().replace(" ", "")
            email = f"{slug}{person_id}@example.org" if adult and rng.random() < 0.7 else ""
            mobile = f"+3247{person_id % 10_000_000:07d}" if adult and rng.random() < 0.6 else ""
            persons.row(
                person_id, "national_register", number_hash, protection.encrypt(number),
                protection.national_number_mask(number_hash), given, family, birth_date.isoformat(),
                "day", sex, "BE", "nl" if rng.random() < 0.93 else "fr", email, mobile,
                "resident", since.isoformat(), now, now, ids["registry_address"] + index,
            )  # fmt: skip
            membership_rows.append((ids["registry_household"] + index, person_id, relation, since))
            person_id += 1
    persons.close()
    memberships = Copier(
        cursor,
        "registry_householdmembership",
        ["id", "household_id", "person_id", "relation", "start_date", "end_date"],
    )
    for offset, (household, person, relation, since) in enumerate(membership_rows):
        memberships.row(
            ids["registry_householdmembership"] + offset,
            household,
            person,
            relation,
            since.isoformat(),
            None,
        )
    memberships.close()
    for table in ids:
        sequence_catch_up(cursor, table)
    return {
        "persons": persons.rows,
        "households": household_rows.rows,
        "addresses": addresses.rows,
        "memberships": memberships.rows,
    }


def _household_plan(rng: random.Random, today: datetime.date) -> list[tuple]:
    """(relation, sex, birth date, member since) for each member of one household."""
    size = rng.choice(HOUSEHOLD_SIZES)
    reference_age = rng.randint(20, 60) if size > 2 else rng.randint(20, 95)
    since = today - datetime.timedelta(days=rng.randint(30, 365 * min(reference_age - 18, 40)))

    def born(age: int) -> datetime.date:
        return today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))

    reference_sex = rng.choice("mf")
    members = [("reference_person", reference_sex, born(reference_age), since)]
    if size >= 2:
        partner_sex = "f" if reference_sex == "m" and rng.random() < 0.9 else "m"
        members.append(("partner", partner_sex, born(reference_age + rng.randint(-5, 5)), since))
    for _ in range(size - 2):
        age = rng.randint(0, min(reference_age - 18, 30))
        members.append(("child", rng.choice("mf"), born(age), max(since, born(age))))
    return members


def _grow_organisations(cursor, rng: random.Random, target: int) -> int:
    from townhall.demo.names import FAMILY_NAMES

    cursor.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM registry_organisation")
    count, last = cursor.fetchone()
    if count >= target:
        return 0
    cursor.execute("SELECT enterprise_number FROM registry_organisation")
    taken = {row[0] for row in cursor.fetchall()}
    families = FAMILY_NAMES["flemish"].split()
    trades = [
        "Bouw", "Schrijnwerkerij", "Bakkerij", "Garage", "Kapsalon", "Boekhouding",
        "Elektro", "Tuinaanleg", "Transport", "Brasserie", "Apotheek", "Drukkerij",
    ]  # fmt: skip
    forms = [("014", "NV"), ("610", "BV"), ("016", "CV"), ("017", "VZW")]
    rows = Copier(
        cursor,
        "registry_organisation",
        ["id", "enterprise_number", "name", "alternative_name", "legal_form", "kind", "status",
         "email", "phone", "website", "subsidy_category"],
    )  # fmt: skip
    prefix = 3_000_000
    for index in range(target - count):
        while True:
            prefix += 1
            number = f"0{prefix:07d}{97 - (prefix % 97):02d}"
            if number not in taken:
                break
        code, suffix = rng.choice(forms)
        kind = "association" if code == "017" else "business"
        name = f"{rng.choice(trades)} {rng.choice(families)} {suffix}"
        rows.row(
            last + 1 + index, number, name, "", code, kind, "active",
            f"info{index}@example.org" if rng.random() < 0.5 else "", "", "", "",
        )  # fmt: skip
    rows.close()
    sequence_catch_up(cursor, "registry_organisation")
    return rows.rows


# --- prepare ----------------------------------------------------------------


def prepare() -> dict:
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils import timezone

    from townhall.accounts.assurance import Assurance, set_session_assurance
    from townhall.accounts.models import Mandate, User
    from townhall.accounts.services import mandate_grant, resident_account_for_person
    from townhall.demo_idp.personas import PERSONAS_BY_SLUG
    from townhall.messaging.broadcasts import Selection, broadcast_send
    from townhall.messaging.models import Broadcast
    from townhall.registry.models import HouseholdMembership

    today = timezone.localdate()
    resident = PERSONAS_BY_SLUG["resident"].find(today)
    if resident is None or resident.domicile is None:
        sys.exit("The register has no demo resident: was the demo seeded?")
    user = resident_account_for_person(person=resident)
    street = resident.domicile.street_name
    street_id = resident.domicile.street_id
    broadcast = Broadcast.objects.filter(selection_label__icontains=street).first()
    if broadcast is None:
        broadcast = broadcast_send(
            template="document-request",
            context={"case_reference": "2026-42", "document": "een foto", "deadline": "morgen"},
            selection=Selection(street=street_id, postcode=resident.domicile.postcode),
            sent_by=User.objects.get(username="communicatie"),
        )
    housemate = (
        HouseholdMembership.objects.filter(
            household__memberships__person=resident, end_date__isnull=True
        )
        .exclude(person=resident)
        .select_related("person")
        .first()
    )
    if housemate and not Mandate.objects.filter(grantor=resident).exists():
        mandate_grant(
            grantor=resident,
            grantee=housemate.person,
            scope="all",
            valid_until=today + datetime.timedelta(days=300),
            actor=user,
        )
    # What the OpenID callback stores: the user signed in, with eID's high assurance.
    request = RequestFactory().get("/aanmelden/eid/terug/")
    request.session = SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    set_session_assurance(request, Assurance.HIGH)
    request.session.save()
    return {
        "resident_session": request.session.session_key,
        "resident_person": resident.pk,
        "street": street,
        "street_id": street_id,  # the compose form chooses a street by its register row
        "postcode": resident.domicile.postcode,
        "broadcast": str(broadcast.uuid),
        "persons": resident.__class__.objects.count(),
    }


if __name__ == "__main__":
    main()
