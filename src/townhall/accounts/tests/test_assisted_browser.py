"""The pages of an assisted session that ask the staff member's confirmation, in a real
browser with axe-core: the mandate form, the revoke step and the contact preferences."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from townhall.accounts.models import User
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year
from townhall.accounts.tests.staff import resident_person, sign_in_verified, staff_user
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assisted_page(page, live_server):
    """A browser in an assisted session for Marie, who once gave Jan a mandate."""
    staff = staff_user()
    staff_role_assign(user=staff)
    marie, number = resident_person()
    jan, _jan_number = resident_person("Jan", "Peeters", "900101001")
    client = Client()
    sign_in_verified(client, staff)
    client.post(
        reverse("backoffice:assisted_start"),
        {"national_number": number, "document": "eid_card", "identity_checked": "on"},
    )
    mandate = mandate_grant(
        grantor=marie,
        grantee=jan,
        scope="all",
        valid_until=in_a_year(),
        actor=User.objects.get(person=marie),
    )
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"},
        ]
    )
    return page, mandate


@pytest.mark.parametrize("width", [375, 1280])
def test_the_confirmation_steps_are_accessible(assisted_page, live_server, width):
    page, mandate = assisted_page
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + reverse("accounts:mandates"))
    assert page.get_by_label("The resident in front of me asked for this").count() == 1
    assert_no_axe_violations(page)
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".field__error").first).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Revoke").first.click()
    expect(page.locator("h1")).to_have_text("Revoke a mandate")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("main")).to_contain_text("Confirm that the resident in front of you asked")
    assert_no_axe_violations(page)
    page.get_by_label("The resident in front of me asked for this").check()
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_url(f"**{reverse('accounts:mandates')}")
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None

    page.goto(live_server.url + reverse("portal:contact_preferences"))
    assert page.get_by_label("The resident in front of me asked for this").count() == 1
    assert_no_axe_violations(page)
