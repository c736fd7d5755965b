"""Roles per department: groups made after migrate, idempotent, assigned by department."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from townhall.accounts.models import User
from townhall.accounts.roles import ROLES, roles_sync, staff_role_assign
from townhall.accounts.tests.staff import department, sign_in_verified, staff_user

pytestmark = pytest.mark.django_db


DEMO_DEPARTMENTS = [
    "citizens_affairs",
    "communication",
    "leisure_library",
    "environment",
    "finance",
    "secretariat",
    "ict",
]


def test_every_department_of_the_demo_has_a_role():
    assert sorted(ROLES) == sorted(DEMO_DEPARTMENTS)


def test_migrate_made_the_groups_with_their_permissions():
    for role in ROLES.values():
        group = Group.objects.get(name=role.group_name)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == set(role.permissions)


def test_sync_is_idempotent_and_undoes_changes_by_hand():
    roles_sync()
    counts = {g.name: g.permissions.count() for g in Group.objects.all()}
    group = Group.objects.get(name="Communicatie")
    group.permissions.add(Permission.objects.get(codename="change_person"))
    roles_sync()
    roles_sync()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == counts
    assert not group.permissions.filter(codename="change_person").exists()


def test_citizens_affairs_changes_persons_communication_only_reads_them():
    clerk = staff_user("katrien", department_code="citizens_affairs")
    writer = staff_user("pieter", department_code="communication")
    staff_role_assign(user=clerk)
    staff_role_assign(user=writer)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    writer = type(writer).objects.get(pk=writer.pk)
    assert clerk.has_perm("registry.change_person")
    assert clerk.has_perm("registry.view_accesslogentry")
    assert writer.has_perm("registry.view_person")
    assert not writer.has_perm("registry.change_person")
    assert not writer.has_perm("accounts.change_user")


def test_citizens_affairs_handles_correction_requests():
    clerk = staff_user("katrien", department_code="citizens_affairs")
    writer = staff_user("pieter", department_code="communication")
    staff_role_assign(user=clerk)
    staff_role_assign(user=writer)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    writer = type(writer).objects.get(pk=writer.pk)
    assert clerk.has_perm("registry.view_correctionrequest")
    assert clerk.has_perm("registry.change_correctionrequest")
    assert not clerk.has_perm("registry.delete_correctionrequest")
    assert not writer.has_perm("registry.view_correctionrequest")


def test_assign_follows_the_department_and_keeps_other_groups():
    user = staff_user("jens", department_code="communication")
    own = Group.objects.create(name="Werkgroep website")
    user.groups.add(own)
    staff_role_assign(user=user)
    user.department = department("ict", "ICT")
    user.save()
    staff_role_assign(user=user)
    assert set(user.groups.values_list("name", flat=True)) == {"ICT", "Werkgroep website"}


def test_ict_manages_users_but_cannot_make_a_superuser(client):
    ict = staff_user("jens", department_code="ict")
    staff_role_assign(user=ict)
    admin = staff_user("ada", department_code=None, is_superuser=True)
    sign_in_verified(client, ict)
    page = client.get(reverse("admin:accounts_user_change", args=[ict.pk]))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    # A superuser's account is read-only for them, and so is its password.
    read_only = client.get(reverse("admin:accounts_user_change", args=[admin.pk]))
    assert 'name="username"' not in read_only.content.decode()
    password_url = reverse("admin:auth_user_password_change", args=[admin.pk])
    assert client.get(password_url).status_code == 403


def test_the_user_admin_shows_no_resident_account(client):
    """A resident account (name, e-mail address) is a person's data: the user admin,
    which asks no purpose and logs nothing, lists and opens staff accounts only."""
    ict = staff_user("jens", department_code="ict")
    staff_role_assign(user=ict)
    resident = User.objects.create_user(
        username="ana.lopez@example.org",
        email="ana.lopez@example.org",
        first_name="Ana",
        last_name="Lopez",
        kind=User.Kind.RESIDENT,
    )
    sign_in_verified(client, ict)
    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": "lopez"})
    assert listing.status_code == 200
    assert "ana.lopez@example.org" not in listing.content.decode()
    opened = client.get(reverse("admin:accounts_user_change", args=[resident.pk]))
    assert opened.status_code == 302  # Django's "does not exist" redirect to the index
    assert "ana.lopez" not in client.get(opened["Location"]).content.decode()
