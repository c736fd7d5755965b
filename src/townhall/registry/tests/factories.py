"""Factories for the base registers.

Persons get valid national register numbers (check digits for both centuries),
set through :func:`townhall.registry.services.person_apply_national_number`, so
they are hashed, encrypted and masked exactly as in production. Households are
created through :func:`~townhall.registry.services.household_create`, so they
always have their reference person.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from townhall.registry import services
from townhall.registry.models import Address, Household, Organisation, Person, Street

# A bis number adds 20 (sex unknown) or 40 (sex known) to the birth month.
BIS_SEX_UNKNOWN = 20
BIS_SEX_KNOWN = 40


def person_number(year: int, month: int, day: int, counter: int, *, month_offset: int = 0) -> str:
    """A national register (or bis) number with correct check digits.

    The check is 97 minus the first nine digits modulo 97; for people born in
    2000 or later a 2 goes in front of the nine digits first.
    """
    first_nine = f"{year % 100:02d}{month + month_offset:02d}{day:02d}{counter:03d}"
    base = int(("2" if year >= 2000 else "") + first_nine)
    return f"{first_nine}{97 - base % 97:02d}"


def enterprise_number(first_eight: int) -> str:
    """An enterprise number (KBO) whose first eight digits plus the last two divide by 97."""
    return f"{first_eight:08d}{97 - first_eight % 97:02d}"


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    street_name = factory.Faker("street_name", locale="nl_BE")
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "8770"
    municipality_name = "Ingelmunster"
    nis_code = "36007"


def _counter(person) -> int:
    # The daily counter: odd for men, even for women, 001-997.
    return 2 * (person.sequence_number % 498) + (1 if person.sex == Person.Sex.MALE else 2)


class PersonFactory(DjangoModelFactory):
    """A resident with a valid national register number; ``visitor=True`` for none."""

    class Meta:
        model = Person

    class Params:
        sequence_number = factory.Sequence(int)
        visitor = factory.Trait(national_number=None, state=Person.State.NOT_RESIDENT)

    given_names = factory.Faker("first_name", locale="nl_BE")
    family_name = factory.Faker("last_name", locale="nl_BE")
    sex = factory.Iterator([Person.Sex.FEMALE, Person.Sex.MALE])
    birth_date = factory.Sequence(
        lambda n: datetime.date(1950, 1, 1) + datetime.timedelta(days=371 * n % 27_000)
    )
    domicile = factory.SubFactory(AddressFactory)
    state = Person.State.RESIDENT
    national_number = factory.LazyAttribute(
        lambda o: person_number(
            o.birth_date.year, o.birth_date.month, o.birth_date.day, _counter(o)
        )
    )

    @classmethod
    def _build(cls, model_class, *args, national_number=None, **kwargs):
        person = model_class(*args, **kwargs)
        services.person_apply_national_number(person, national_number)
        return person

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = cls._build(model_class, *args, **kwargs)
        person.save()
        return person


class HouseholdFactory(DjangoModelFactory):
    """A household at ``address`` with its reference person living there."""

    class Meta:
        model = Household

    address = factory.SubFactory(AddressFactory)
    reference_person = factory.SubFactory(
        PersonFactory, domicile=factory.SelfAttribute("..address")
    )
    start_date = datetime.date(2020, 1, 1)

    @classmethod
    def _create(cls, model_class, *, address, reference_person, start_date, **kwargs):
        return services.household_create(
            address=address, reference_person=reference_person, start_date=start_date, **kwargs
        )


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.BUSINESS
    enterprise_number = factory.Sequence(lambda n: enterprise_number(4_100_000 + n))


class StaffUserFactory(DjangoModelFactory):
    """A staff member; ``superuser=True`` for one who may do everything."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_superuser=True)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = Password("correct horse battery staple")
    is_staff = True


def street_pk(name: str) -> int:
    """The primary key of the (first) street of this name, for a selection by street."""
    return Street.objects.filter(name=name).order_by("pk").values_list("pk", flat=True)[0]
