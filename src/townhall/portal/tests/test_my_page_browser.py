"""My page of each persona, the organisation's data and the question before revoking a
mandate, in a real browser at phone and desktop width, with axe-core; revoking works
without JavaScript (axe-core itself needs it, so that walk has no axe check)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.acting import ACTING_KEY
from townhall.accounts.models import Mandate, User
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _carry(context, live_server, client):
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.clear_cookies()
    context.add_cookies(
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


def _signed_in(user, *, level="high", acting=None) -> Client:
    client = Client()
    sign_in(client, user, level=level)
    if acting:
        session = client.session
        session[ACTING_KEY] = acting
        session.save()
    return client


@pytest.mark.parametrize("width", [375, 1280])
def test_my_page_of_every_persona_is_accessible(page, live_server, family, width):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="all",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    visitor = User.objects.create(username="eid-visitor", kind=User.Kind.RESIDENT)
    account = User.objects.create(username="lies@example.org", kind=User.Kind.RESIDENT)
    chair = {"kind": "representation", "id": family["bart_chair"].pk}
    visits = [
        (_signed_in(family["an_user"]), "/mijn/"),
        (_signed_in(family["an_user"]), f"/mijn/volmachten/{mandate.pk}/intrekken/"),
        (_signed_in(visitor), "/mijn/"),
        (_signed_in(account, level="low"), "/mijn/"),
        (_signed_in(family["bart_user"], acting=chair), "/mijn/"),
        (_signed_in(family["bart_user"], acting=chair), "/mijn/organisatie/"),
    ]
    page.set_viewport_size({"width": width, "height": 900})
    for client, url in visits:
        _carry(page.context, live_server, client)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert_no_axe_violations(page)


def test_revoking_a_mandate_asks_first_and_works_without_javascript(browser, live_server, family):
    mandate = mandate_grant(
        grantor=family["an"],
        grantee=family["bart"],
        scope="all",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 900})
    _carry(context, live_server, _signed_in(family["an_user"]))
    page = context.new_page()
    page.goto(live_server.url + "/mijn/volmachten/")
    page.get_by_role("link", name="Revoke – Bart Wouters").click()
    expect(page.locator("h1")).to_have_text("Revoke a mandate")
    mandate.refresh_from_db()
    assert mandate.revoked_at is None  # the question changes nothing
    page.get_by_role("button", name="Yes, revoke the mandate").click()
    expect(page.locator("main")).to_contain_text("The mandate has been revoked.")
    assert Mandate.objects.get(pk=mandate.pk).revoked_at is not None
    context.close()
