"""Account e-mail goes through the messaging outbox: retried, logged, and no token kept."""

import datetime
import inspect
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.accounts import email_accounts
from townhall.accounts.assurance import SESSION_KEY
from townhall.accounts.models import User
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.messaging.delivery import messages_sweep
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Message, MessageTemplate
from townhall.messaging.services import message_resend
from townhall.messaging.tests.conftest import smtp  # noqa: F401 - the real local SMTP server
from townhall.registry.tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("account_mail"),
]  # the mail is enqueued on commit

LINK = re.compile(r"http://testserver(/aanmelden/link/\S+/)")


def resident(email="ana@example.org", *, person=None, verified=True) -> User:
    user = User.objects.create(
        kind=User.Kind.RESIDENT,
        username=email,
        email=email,
        first_name="Ana",
        last_name="Lopez",
        person=person,
        email_verified_at=timezone.now() if verified else None,
    )
    user.set_unusable_password()
    user.save()
    return user


def ask_link(client, email="ana@example.org"):
    return client.post(reverse("accounts:email_sign_in"), {"email": email, "send_link": "1"})


def test_a_refused_sign_in_mail_is_retried_and_arrives_with_a_link_that_works(
    client,
    smtp,  # noqa: F811
):
    resident()
    smtp.refuse["ana@example.org"] = "451 4.3.0 Try again later"

    ask_link(client)

    message = Message.objects.get()
    assert message.state == Message.State.RETRYING
    assert message.queue == Message.Queue.URGENT
    assert "451" in message.reason
    assert smtp.received == []

    # The server accepts again; the retry is due after the first backoff (one minute).
    del smtp.refuse["ana@example.org"]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2)):
        messages_sweep()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.attempts == 2
    [received] = smtp.to("ana@example.org")
    assert received["Subject"] == "Your sign-in link for Testville"
    link = LINK.search(received.get_content()).group(1)

    response = client.post(link)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "low"


def test_the_outbox_keeps_no_usable_token(client, smtp):  # noqa: F811
    resident()
    ask_link(client)

    message = Message.objects.get()
    [received] = smtp.to("ana@example.org")
    link = LINK.search(received.get_content()).group(1)
    token = link.split("/")[-2]
    stored = " ".join(
        str(getattr(message, field.attname)) for field in Message._meta.concrete_fields
    )
    assert token not in stored
    assert "/aanmelden/link/" not in stored
    assert f"[link:{message.uuid}]" in message.body
    # Read back (message log, My messages), the marker is a note, not a code.
    assert "[link:" not in message.body_shown
    assert "(a personal link, only in the e-mail itself)" in message.body_shown
    assert message.secret_source["arguments"]["purpose"] == "link"
    # A copy would carry a marker instead of a link: staff cannot resend it.
    with pytest.raises(MessagingError, match="A message with a sign-in link is not sent again"):
        message_resend(message=message, actor=None)


def test_a_visitors_mail_is_in_the_outbox_without_a_person(client, smtp):  # noqa: F811
    resident()
    ask_link(client)

    message = Message.objects.get()
    assert message.person is None
    assert message.recipient_name == "Ana Lopez"
    assert message.address == "ana@example.org"
    assert message.channel == "email"
    assert message.language == "en"


def test_the_mail_to_an_account_with_a_person_is_in_their_message_log_in_their_language(
    smtp,  # noqa: F811
):
    person = PersonFactory(given_names="Chloé", family_name="Dubois", language="fr")
    resident("chloe@example.org", person=person)
    ask_link(Client(), "chloe@example.org")

    message = Message.objects.get()
    assert message.person == person
    [received] = smtp.to("chloe@example.org")
    assert received["Subject"] == "Votre lien de connexion à Village-Test"

    staff = Client()
    officer = staff_user("katrien")
    staff_role_assign(user=officer)
    sign_in_verified(staff, officer)
    log = f"/backoffice/berichten/persoon/{person.pk}/"
    staff.post(log, {"purpose": "counter", "explanation": ""})
    page = staff.get(log).content.decode()
    assert message.reference in page
    assert "Votre lien de connexion" in page
    # Staff see where the link went, never the link itself.
    assert "/aanmelden/link/" not in page


def test_a_mail_for_an_account_closed_before_it_left_fails_without_a_link(
    client,
    smtp,  # noqa: F811
):
    user = resident()
    smtp.refuse["ana@example.org"] = "451 4.3.0 Try again later"
    ask_link(client)
    user.is_active = False
    user.save()

    del smtp.refuse["ana@example.org"]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2)):
        messages_sweep()
    message = Message.objects.get()
    assert message.state == Message.State.FAILED
    assert message.reason == "The account no longer exists or is closed."
    assert smtp.received == []


def test_the_registration_mail_goes_through_the_outbox_once(client, smtp):  # noqa: F811
    client.post(
        reverse("accounts:register"),
        {"given_name": "Ana", "family_name": "Lopez", "email": "ana@example.org"},
    )
    message = Message.objects.get()
    assert message.template.code == "account-verify"
    assert message.idempotency_key == f"account-verify-{User.objects.get().pk}"
    [received] = smtp.to("ana@example.org")
    assert "valid for 24 hours" in received.get_content()


def test_the_plain_send_mail_path_is_gone():
    source = inspect.getsource(email_accounts)
    assert "send_mail" not in source
    assert "Retried by the worker" not in source
    assert not hasattr(email_accounts, "account_email_send")


def test_templates_never_loaded_are_loaded_from_the_seed_on_first_use(client):
    resident()
    MessageTemplate.objects.all().delete()
    ask_link(client)
    assert set(MessageTemplate.objects.values_list("code", flat=True)) == set(
        email_accounts.TEMPLATES
    )
    assert Message.objects.get().template.code == "account-sign-in-link"


def test_an_unchecked_mail_template_answers_the_same_for_every_address_and_no_500(client):
    resident()
    MessageTemplate.objects.filter(code="account-sign-in-link").update(is_active=False)
    known = ask_link(client)
    unknown = ask_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 503
    assert "We cannot send e-mail right now" in known.content.decode()
    assert not User.objects.filter(username="nobody@example.org").exists()
    assert not Message.objects.exists()
