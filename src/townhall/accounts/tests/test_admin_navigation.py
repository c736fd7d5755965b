"""The administration as staff meet it: a way back to the back office, the language
switch, the municipality's apps first, and the packages' technical apps named in the
staff member's language and shown only to the roles that need them."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from townhall.accounts.admin_sections import TECHNICAL_APPS
from townhall.accounts.roles import ROLES, staff_role_assign
from townhall.accounts.tests.staff import department, sign_in_verified, staff_user
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db


def _sections(page: str) -> list[str]:
    """The app sections of the admin's index, in order (their captions)."""
    return [
        re.sub(r"<[^>]+>", "", caption).strip()
        for caption in re.findall(r"<caption>(.*?)</caption>", page, flags=re.S)
    ]


def _labels(client) -> set[str]:
    return {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}


@pytest.fixture
def administrator(client):
    municipality_for_tests()
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    return client


def test_the_administration_leads_back_to_the_back_office(administrator):
    page = administrator.get(reverse("admin:index")).content.decode()
    tools = page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="{reverse("backoffice:home")}">Back office</a>' in tools
    assert 'class="language-switch"' in page


def test_the_municipalitys_apps_come_first_and_the_technical_ones_are_named(administrator):
    sections = _sections(administrator.get(reverse("admin:index")).content.decode())
    technical = [
        str(name) for label, name in TECHNICAL_APPS.items() if label in _labels(administrator)
    ]
    assert "Sign-in attempts and lockouts" in technical
    assert sections[-len(technical) :] == sorted(technical)
    assert "Registers" in sections[: -len(technical)]
    for raw in ("Axes", "Otp_Totp", "Otp_Static", "Tasks Database Backend", "Django OAuth Toolkit"):
        assert raw not in sections


def test_the_administration_speaks_the_chosen_language(administrator):
    administrator.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = administrator.get(reverse("admin:index")).content.decode()
    assert '<html lang="fr"' in page
    assert "Déconnexion" in page  # Django's own words, in the staff member's language


@pytest.mark.parametrize("code", sorted(ROLES))
def test_only_the_technical_roles_see_technical_apps(client, code):
    municipality_for_tests()
    department(code, ROLES[code].group_name)
    user = staff_user(f"staff-{code}", department_code=code)
    staff_role_assign(user=user)
    sign_in_verified(client, user)
    technical = _labels(client) & TECHNICAL_APPS.keys()
    if code == "ict":
        assert technical == {"axes", "otp_totp", "otp_static"}
    else:
        assert technical == set()
