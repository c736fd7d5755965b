"""The demo seed: a whole synthetic municipality from one number, the same every time.

1. :func:`demo_plan` draws everything (people, households, addresses,
   organisations) from ``random.Random`` streams derived from the seed, one
   stream per subject, so changing how businesses are drawn leaves the people
   alone. Nothing reads the clock: dates count back from
   :data:`~townhall.demo.timeline.REFERENCE_DATE`.
2. :func:`demo_seed` refuses a database that already holds data, then writes
   the plan in one transaction (bulk inserts in batches): the municipality,
   addresses, persons and households, organisations, where each came from
   (record sources), staff accounts, a few access-log entries and the product
   catalogue (through the LPDC importer, ``demo.catalogue``), and the website's
   news, events and alerts (``demo.news``), and the library's computer courses
   (``demo.courses``). A failure
   leaves nothing behind.
"""

import random
from dataclasses import dataclass

from django.db import transaction

from townhall.accounts.models import User
from townhall.demo.access_log import access_log_create
from townhall.demo.association_register import association_awaiting_refresh_create
from townhall.demo.associations import associations_plan
from townhall.demo.businesses import businesses_plan
from townhall.demo.cases import demo_cases_create
from townhall.demo.catalogue import demo_catalogue_create
from townhall.demo.contacts import ContactDetails
from townhall.demo.courses import demo_courses_create
from townhall.demo.forms import demo_forms_create
from townhall.demo.households import population_plan
from townhall.demo.messages import demo_messages_create
from townhall.demo.municipality import municipality_create
from townhall.demo.news import demo_publications_create
from townhall.demo.numbers import EnterpriseNumbers
from townhall.demo.organisations import (
    PlannedOrganisation,
    Residents,
    institutions_plan,
    organisations_write,
)
from townhall.demo.people import numbers_assign, population_write
from townhall.demo.population import Population
from townhall.demo.sources import sources_write
from townhall.demo.staff import SIGN_INS, staff_create
from townhall.demo.streets import StreetMap, addresses_write
from townhall.municipality.models import Municipality
from townhall.registry.history import DEMO_SEED, history_context
from townhall.registry.models import AccessLogEntry, Address, Organisation, Person, Street

DEFAULT_SEED = 8770
BATCH_SIZE = 500

# The full-size municipality (scale 1.0), about the size of Ingelmunster.
FULL_SIZE = {
    "households": 4_800,
    "visitors": 15,
    "bis_numbers": 12,
    "associations": 150,
    "businesses": 900,
    "access_log_entries": 30,
}


class DemoSeedRefused(Exception):
    """The demo seed cannot run here; the message says why and what to do."""


@dataclass
class DemoPlan:
    """Everything the seed will write, drawn but not saved."""

    population: Population
    addresses: list[Address]
    streets: list[Street]
    municipality_number: str
    organisations: list[PlannedOrganisation]


@dataclass(frozen=True)
class SeedReport:
    """How much the seed wrote."""

    persons: int
    households: int
    addresses: int
    associations: int
    businesses: int
    schools_and_public_bodies: int
    staff: int
    access_log_entries: int
    messages: int = 0
    products: int = 0
    forms: int = 0
    cases: int = 0
    publications: int = 0
    course_registrations: int = 0

    def lines(self) -> list[str]:
        return [f"{name.replace('_', ' ')}: {count:,}" for name, count in vars(self).items()]


def _stream(seed: int, subject: str) -> random.Random:
    # A string seed is hashed with SHA-512, the same in every process and on every machine.
    return random.Random(f"{seed}:{subject}")


def _sized(name: str, scale: float) -> int:
    return max(1, round(FULL_SIZE[name] * scale))


def demo_plan(*, seed: int, scale: float) -> DemoPlan:
    """Draw the whole demo municipality for ``seed`` at ``scale`` (1.0 is full size)."""
    if not 0 < scale <= 5:
        raise DemoSeedRefused(f"The scale must lie above 0 and at most 5, not {scale}.")
    population = population_plan(
        _stream(seed, "population"),
        households=_sized("households", scale),
        visitors=_sized("visitors", scale),
    )
    numbers_assign(
        _stream(seed, "person-numbers"), population, bis_count=_sized("bis_numbers", scale)
    )
    contacts = ContactDetails(_stream(seed, "contacts"))
    for person in [*population.residents(), *population.visitors]:
        contacts.assign(person)
    streets = StreetMap(_stream(seed, "streets"))
    for household in population.households:
        household.address = streets.home()

    enterprise_numbers = EnterpriseNumbers(_stream(seed, "enterprise-numbers"))
    municipality_number = enterprise_numbers.enterprise_number()
    residents = Residents(_stream(seed, "representatives"), population)
    organisations = institutions_plan(
        _stream(seed, "institutions"),
        municipality_number=municipality_number,
        numbers=enterprise_numbers,
        streets=streets,
        residents=residents,
    )
    organisations += associations_plan(
        _stream(seed, "associations"),
        count=_sized("associations", scale),
        numbers=enterprise_numbers,
        streets=streets,
        residents=residents,
    )
    organisations += businesses_plan(
        _stream(seed, "businesses"),
        count=_sized("businesses", scale),
        numbers=enterprise_numbers,
        streets=streets,
        residents=residents,
        contacts=contacts,
    )
    return DemoPlan(
        population=population,
        addresses=streets.addresses,
        streets=streets.streets,
        municipality_number=municipality_number,
        organisations=organisations,
    )


def registry_has_persons() -> bool:
    """True once the register holds anyone: the demo has been seeded (or real data is in)."""
    return Person.objects.exists()


def _refuse_unless_empty() -> None:
    usernames = [sign_in.username for sign_in in SIGN_INS]
    if (
        registry_has_persons()
        or Municipality.objects.exists()
        or User.objects.filter(username__in=usernames).exists()
    ):
        raise DemoSeedRefused(
            "The database already holds a municipality, persons or the demo staff accounts; "
            "the demo seed only fills an empty database. Start from a new database "
            "(for the demo: remove var/townhall.sqlite3 and run migrate), or pass --if-empty "
            "to leave a seeded database alone."
        )


@transaction.atomic(durable=True)
def demo_seed(*, seed: int = DEFAULT_SEED, scale: float = 1.0) -> SeedReport:
    """Fill an empty database with the demo municipality drawn from ``seed``; all or nothing.

    Every record of the register gets its first version in the register's history,
    with "demo seed" as its reason."""
    with history_context(reason=DEMO_SEED):
        return _demo_seed(seed=seed, scale=scale)


def _demo_seed(*, seed: int, scale: float) -> SeedReport:
    _refuse_unless_empty()
    plan = demo_plan(seed=seed, scale=scale)
    municipality, departments = municipality_create(enterprise_number=plan.municipality_number)
    addresses_write(plan.addresses, streets=plan.streets, batch_size=BATCH_SIZE)
    persons = population_write(plan.population, batch_size=BATCH_SIZE)
    organisations_write(plan.organisations, persons, batch_size=BATCH_SIZE)
    sources_write(
        list(persons.values()),
        [planned.organisation for planned in plan.organisations],
        batch_size=BATCH_SIZE,
    )
    association_awaiting_refresh_create()
    users = staff_create(departments=departments)
    entries = access_log_create(
        rng=_stream(seed, "access-log"),
        persons=list(persons.values()),
        users=users,
        count=_sized("access_log_entries", scale),
    )
    messages = demo_messages_create(municipality=municipality)
    products = demo_catalogue_create()
    forms = demo_forms_create()
    logged = AccessLogEntry.objects.count()
    cases = demo_cases_create(users=users)
    publications = demo_publications_create()
    course_registrations = demo_courses_create()
    # The clerk who grants a demo parking card issues its permit: a read of the register.
    entries += AccessLogEntry.objects.count() - logged
    kinds = [planned.organisation.kind for planned in plan.organisations]
    return SeedReport(
        persons=len(persons),
        households=len(plan.population.households),
        addresses=len(plan.addresses),
        # The planned ones and the one known only by its vCode (association_register).
        associations=kinds.count(Organisation.Kind.ASSOCIATION) + 1,
        businesses=kinds.count(Organisation.Kind.BUSINESS),
        schools_and_public_bodies=kinds.count(Organisation.Kind.SCHOOL)
        + kinds.count(Organisation.Kind.PUBLIC_BODY),
        staff=len(users),
        access_log_entries=entries,
        messages=messages,
        products=products,
        forms=forms,
        cases=cases,
        publications=publications,
        course_registrations=course_registrations,
    )
