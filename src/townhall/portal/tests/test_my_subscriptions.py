"""My page's news and alerts: the register's address is used (never typed), "my street"
is a flag, the consent is recorded, and stopping twice is calm."""

import pytest

from townhall.accounts.models import ActivityRecord
from townhall.accounts.tests.residents import sign_in
from townhall.news.models import ConsentRecord, Subscription
from townhall.news.subscription_forms import CONSENT_MY_PAGE
from townhall.news.tests.conftest import topic

pytestmark = pytest.mark.django_db
URL = "/mijn/nieuws/"


def choices(**extra):
    return {
        "channel": "email",
        "topics": [str(topic("road-works").pk)],
        "audiences": ["residents"],
        "frequency": "immediate",
        "my_street": "on",
        "consent": "on",
        **extra,
    }


def test_a_resident_subscribes_with_the_registers_address_and_my_street(client, family):
    sign_in(client, family["an_user"])
    assert 'href="/mijn/nieuws/"' in client.get("/mijn/").content.decode()
    page = client.get(URL).content.decode()
    assert "an@example.org" in page
    assert 'name="email"' not in page  # once-only: nothing to type

    answer = client.post(URL, choices())
    assert answer.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.state == Subscription.State.ACTIVE  # no link: the register's address
    assert subscription.subscriber.person == family["an"]
    assert subscription.subscriber.address == "an@example.org"
    assert subscription.my_street is True
    records = list(subscription.consent_records.values_list("action", "via"))
    assert records == [("requested", "my_page"), ("given", "my_page")]
    assert subscription.consent_records.first().wording == str(CONSENT_MY_PAGE)
    assert ActivityRecord.objects.filter(action="news_subscription.saved").exists()
    assert "Road works" in client.get(URL).content.decode()

    # A new choice on the same channel replaces the one before.
    client.post(URL, choices(frequency="weekly", my_street=""))
    active = Subscription.objects.get(state="active")
    assert (active.frequency, active.my_street) == ("weekly", False)
    assert Subscription.objects.filter(state="unsubscribed").count() == 1


def test_a_channel_without_an_address_in_the_register_is_not_offered(client, family):
    sign_in(client, family["an_user"])  # An has no mobile number in the register
    page = client.get(URL).content.decode()
    assert 'value="sms"' not in page
    answer = client.post(URL, choices(channel="sms"))
    assert answer.status_code == 400
    assert "There is a problem" in answer.content.decode()
    assert not Subscription.objects.exists()


def test_stopping_twice_is_the_same_calm_answer(client, family):
    sign_in(client, family["an_user"])
    client.post(URL, choices())
    subscription = Subscription.objects.get()
    stop = f"/mijn/nieuws/{subscription.uuid}/stoppen/"
    assert client.post(stop).status_code == 302
    assert client.post(stop).status_code == 302
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert (
        subscription.consent_records.filter(
            action=ConsentRecord.Action.WITHDRAWN, via=ConsentRecord.Via.MY_PAGE
        ).count()
        == 1
    )


def test_someone_elses_subscription_cannot_be_stopped(client, family):
    sign_in(client, family["an_user"])
    client.post(URL, choices())
    subscription = Subscription.objects.get()
    client.logout()
    sign_in(client, family["bart_user"])
    client.post(f"/mijn/nieuws/{subscription.uuid}/stoppen/")
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE


def test_an_e_mail_account_is_asked_to_sign_in_with_eid(client, family):
    sign_in(client, family["an_user"], level="low")
    answer = client.get(URL)
    assert answer.status_code in (302, 403)
    assert not Subscription.objects.exists()
