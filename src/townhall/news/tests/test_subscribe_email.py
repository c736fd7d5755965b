"""A visitor subscribes by e-mail, confirms with the link, and unsubscribes with one click;
and the bad input around it (issue #25)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.messaging.models import Message
from townhall.news.models import (
    Audience,
    ConsentRecord,
    Subscriber,
    Subscription,
)
from townhall.news.subscription_messages import confirm_token, unsubscribe_token
from townhall.news.tests.conftest import link_path, topic

pytestmark = pytest.mark.django_db
SUBSCRIBE = "/abonneren/"


def form(email="ana@example.org", **extra):
    road_works = topic("road-works")
    return {
        "email": email,
        "topics": [str(road_works.pk)],
        "audiences": [Audience.RESIDENTS],
        "frequency": "weekly",
        "consent": "on",
        **extra,
    }


def test_a_visitor_subscribes_to_the_weekly_digest_confirms_and_unsubscribes(
    client, smtp, templates, committed
):
    assert client.get(SUBSCRIBE).status_code == 200
    with committed():
        answer = client.post(SUBSCRIBE, form(email="  Ana@Example.org "))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("news_subscriptions:sent")

    subscription = Subscription.objects.get()
    assert subscription.state == Subscription.State.PENDING
    assert subscription.subscriber.address == "ana@example.org"
    assert subscription.frequency == "weekly"
    assert subscription.audiences == ["residents"]
    [requested] = subscription.consent_records.all()
    assert requested.action == ConsentRecord.Action.REQUESTED
    assert requested.via == ConsentRecord.Via.FORM
    assert "unsubscribe at any time" in requested.wording
    assert requested.language == "en"

    # The outbox keeps no usable link; the e-mail that goes out has one.
    message = Message.objects.get(template__code="news-subscription-confirm")
    assert "/abonneren/bevestigen/" not in message.body
    [mail] = smtp.to("ana@example.org")
    confirm = link_path(mail.get_content(), "/abonneren/bevestigen/")

    page = client.get(confirm)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200
    assert b"Confirm your subscription" in page.content
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING

    with committed():
        done = client.post(confirm)
    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    given = subscription.consent_records.last()
    assert (given.action, given.via) == (ConsentRecord.Action.GIVEN, ConsentRecord.Via.LINK)

    # The welcome e-mail says so and carries the subscription's own unsubscribe link,
    # in its text and in List-Unsubscribe (one click from the mail program).
    [_confirm_mail, welcome] = smtp.to("ana@example.org")
    assert "subscribed" in welcome["Subject"]
    unsubscribe = reverse(
        "news_subscriptions:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}
    )
    assert link_path(welcome.get_content(), "/abonneren/afmelden/") == unsubscribe
    assert unsubscribe in welcome["List-Unsubscribe"]
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Confirmed twice: one welcome.
    client.post(confirm)
    assert Message.objects.filter(template__code="news-subscription-welcome").count() == 1

    # One click: the mail program's POST, no page, no session.
    one_click = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert one_click.content == b""
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    withdrawn = subscription.consent_records.last()
    assert withdrawn.action == ConsentRecord.Action.WITHDRAWN
    assert withdrawn.via == ConsentRecord.Via.UNSUBSCRIBE_LINK

    # Twice: the same calm answer, nothing more recorded.
    again = client.post(unsubscribe)
    assert again.status_code == 200
    assert b"You are unsubscribed" in again.content
    assert client.get(unsubscribe).status_code == 200
    assert subscription.consent_records.count() == 3


def test_an_invalid_address_gets_a_clear_message_and_keeps_what_was_typed(client, templates):
    answer = client.post(SUBSCRIBE, form(email="ana(at)example"))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Enter an e-mail address like name@example.org." in page
    assert 'value="ana(at)example"' in page
    assert "There is a problem" in page
    assert not Subscriber.objects.exists()
    assert not Message.objects.exists()


def test_no_topic_and_no_consent_are_refused_with_the_choices_kept(client, templates):
    answer = client.post(SUBSCRIBE, form(topics=[], consent=""))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Choose at least one topic, or everything." in page
    assert "Tick this box to subscribe." in page
    # The summary names the consent by its error, not by its whole wording.
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "Tick this box to subscribe." in summary
    assert "unsubscribe at any time" not in summary
    assert 'value="ana@example.org"' in page
    assert not Subscription.objects.exists()


def test_the_same_address_twice_is_one_subscription_with_the_same_answer(client, templates):
    first = client.post(SUBSCRIBE, form())
    second = client.post(SUBSCRIBE, form(frequency="daily", all_topics="on", topics=[]))
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    subscription = Subscription.objects.get()
    assert subscription.frequency == "daily"  # the last choices count
    assert subscription.all_topics is True
    assert Subscriber.objects.count() == 1


def test_an_address_already_subscribed_gets_the_same_answer_and_keeps_its_subscription(
    client, templates
):
    client.post(SUBSCRIBE, form())
    pending = Subscription.objects.get()
    client.post(reverse("news_subscriptions:confirm", kwargs={"token": confirm_token(pending)}))
    answer = client.post(SUBSCRIBE, form(frequency="daily"))
    assert answer["Location"] == reverse("news_subscriptions:sent")
    # The active one stays until the new choices are confirmed.
    states = sorted(Subscription.objects.values_list("state", flat=True))
    assert states == ["active", "pending"]
    new = Subscription.objects.get(state="pending")
    client.post(reverse("news_subscriptions:confirm", kwargs={"token": confirm_token(new)}))
    assert Subscription.objects.get(state="active").pk == new.pk
    assert Subscription.objects.get(pk=pending.pk).state == "unsubscribed"


def test_a_flood_from_one_client_is_refused_after_the_limit_and_sends_nothing_more(
    client, templates
):
    answers = [
        client.post(SUBSCRIBE, form(email=f"flood{n}@example.org")).status_code for n in range(20)
    ]
    assert answers == [302] * 10 + [429] * 10
    assert Message.objects.count() == 10
    assert Subscription.objects.count() == 10
    page = client.post(SUBSCRIBE, form(email="other@example.org"))
    assert page.status_code == 429
    assert b"Please try again in 60 minutes." in page.content


def test_one_address_from_many_clients_is_limited_too(client, templates):
    answers = [
        client.post(SUBSCRIBE, form(), REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert Message.objects.count() == 3


def test_a_tampered_confirmation_link_says_so_and_changes_nothing(client, templates):
    client.post(SUBSCRIBE, form())
    subscription = Subscription.objects.get()
    token = confirm_token(subscription)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for method in (client.get, client.post):
        answer = method(reverse("news_subscriptions:confirm", kwargs={"token": tampered}))
        assert answer.status_code == 400
        assert b"is not complete or was changed" in answer.content
        assert b"Subscribe by e-mail again" in answer.content
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING


def test_an_expired_confirmation_link_says_so(client, templates):
    with freeze_time(timezone.now() - datetime.timedelta(days=8)):
        client.post(SUBSCRIBE, form())
        token = confirm_token(Subscription.objects.get())
    answer = client.post(reverse("news_subscriptions:confirm", kwargs={"token": token}))
    assert answer.status_code == 410
    assert b"has expired" in answer.content
    assert Subscription.objects.get().state == Subscription.State.PENDING


def test_a_tampered_unsubscribe_token_says_so(client, templates):
    client.post(SUBSCRIBE, form())
    subscription = Subscription.objects.get()
    token = unsubscribe_token(subscription)
    answer = client.post(
        reverse("news_subscriptions:unsubscribe", kwargs={"token": "x" + token[1:]}),
        {"List-Unsubscribe": "One-Click"},
    )
    assert answer.status_code == 400
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING


def test_the_form_is_dutch_first(client, dutch, templates):
    page = client.get(SUBSCRIBE).content.decode()
    assert "<h1>" in page
    assert 'lang="nl"' in page


def test_an_unchecked_confirmation_template_keeps_nothing_and_says_so(client, templates):
    templates["news-subscription-confirm"].is_active = False  # changed by staff, not checked
    templates["news-subscription-confirm"].save()
    answer = client.post(SUBSCRIBE, form())
    assert answer.status_code == 503
    assert b"We cannot send messages right now" in answer.content
    assert 'value="ana@example.org"' in answer.content.decode()
    assert not Subscription.objects.exists()
    assert not Subscriber.objects.exists()


def test_the_shipped_templates_are_loaded_when_the_database_lacks_them(client):
    assert client.post(SUBSCRIBE, form()).status_code == 302
    assert Message.objects.get().template.code == "news-subscription-confirm"
