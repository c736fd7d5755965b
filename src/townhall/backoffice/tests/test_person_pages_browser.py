"""A person's mandates and the question before cancelling a message, in a real browser at
phone and desktop width, with axe-core."""

import datetime

import pytest
from django.test import Client
from playwright.sync_api import expect

from townhall.accounts.models import User
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.staff import sign_in_verified
from townhall.backoffice.tests.conftest import staff_of
from townhall.backoffice.tests.test_messaging_browser import carry_session
from townhall.messaging.models import Message
from townhall.messaging.services import message_send
from townhall.tests.accessibility import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PURPOSE = {"purpose": "counter", "explanation": ""}
DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}


@pytest.mark.parametrize("width", [375, 1280])
def test_a_persons_mandates_and_the_cancel_question_are_accessible(
    page, live_server, kerkstraat, templates, width
):
    an, jef = kerkstraat["an"], kerkstraat["jef"]
    account = User.objects.create(username="eid-an", kind=User.Kind.RESIDENT, person=an)
    until = datetime.date.today() + datetime.timedelta(days=30)
    mandate_grant(grantor=an, grantee=jef, scope="all", valid_until=until, actor=account)
    message = message_send(recipient=an, template="decision", context=DECISION)
    Message.objects.filter(pk=message.pk).update(state=Message.State.QUEUED)
    client = Client()
    sign_in_verified(client, staff_of("citizens_affairs", "Burgerzaken", "katrien"))
    client.post(f"/backoffice/persoon/{an.pk}/volmachten/", PURPOSE)
    carry_session(page, live_server, client)
    page.set_viewport_size({"width": width, "height": 900})
    for url in (
        f"/backoffice/persoon/{an.pk}/volmachten/",
        f"/backoffice/berichten/bericht/{message.uuid}/annuleren/",
    ):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert_no_axe_violations(page)
    expect(page.get_by_role("button", name="Yes, cancel the message")).to_be_visible()
