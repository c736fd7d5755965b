"""``manage.py seed_demo``: its options, its refusals, and the same data for the same seed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from townhall.__main__ import main
from townhall.demo.staff import demo_sign_ins
from townhall.demo.tests.seeding import demo_erase, register_digest
from townhall.municipality.models import Municipality
from townhall.registry.models import Household, Organisation, Person
from townhall.registry.services import person_create

pytestmark = pytest.mark.django_db

SMALL = "0.02"  # about 220 persons: enough to see the shape, quick to write


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seeds_an_empty_database_and_reports_counts_time_and_sign_ins():
    output = seed("--scale", SMALL)

    assert Municipality.objects.get(is_active=True).nis_code == "36007"
    assert 180 <= Person.objects.count() <= 260
    assert Household.objects.count() == 96
    assert f"persons: {Person.objects.count():,}" in output
    assert "households: 96" in output
    assert "elapsed:" in output
    assert all(sign_in.username in output for sign_in in demo_sign_ins())


def test_the_same_seed_writes_the_same_register_and_another_seed_another():
    seed("--scale", SMALL, "--seed", "42")
    first = register_digest()
    demo_erase()
    seed("--scale", SMALL, "--seed", "42")
    again = register_digest()
    demo_erase()
    seed("--scale", SMALL, "--seed", "43")
    other = register_digest()

    assert first == again
    assert first != other


def test_if_empty_leaves_a_database_with_persons_alone():
    person_create(given_names="Jan", family_name="Janssens")

    output = seed("--if-empty", "--scale", SMALL)

    assert "left it alone" in output
    assert Person.objects.count() == 1
    assert not Municipality.objects.exists()


def test_without_if_empty_a_filled_database_is_refused_and_left_as_it_was():
    seed("--scale", SMALL)
    persons = Person.objects.count()

    with pytest.raises(CommandError, match="only fills an empty database"):
        seed("--scale", SMALL)

    assert Person.objects.count() == persons
    assert Municipality.objects.count() == 1


@override_settings(DEMO_FEATURES={"seed_demo": False})
def test_refuses_when_the_demo_feature_is_off():
    with pytest.raises(CommandError, match="demo seed is turned off"):
        seed("--scale", SMALL)

    assert not Person.objects.exists()
    assert not Organisation.objects.exists()


def test_print_sign_ins_only_prints_them():
    output = seed("--print-sign-ins")

    assert "admin" in output
    assert "townhall-demo" in output
    assert "Burgerzaken" in output
    assert not Person.objects.exists()


def test_runs_as_python_m_townhall_seed_demo(capsys):
    main(["townhall", "seed-demo", "--print-sign-ins"])

    assert "burgerzaken" in capsys.readouterr().out


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    from townhall.demo import services
    from townhall.registry.models import Address

    def broken_staff_create(**kwargs):
        raise RuntimeError("the staff could not be created")

    monkeypatch.setattr(services, "staff_create", broken_staff_create)

    with pytest.raises(RuntimeError, match="staff could not be created"):
        services.demo_seed(seed=1, scale=float(SMALL))

    assert not Person.objects.exists()
    assert not Address.objects.exists()
    assert not Municipality.objects.exists()
