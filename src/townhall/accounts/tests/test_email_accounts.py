"""E-mail accounts for people without eID: verified address, password or link, low assurance."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from townhall.accounts.assurance import SESSION_KEY
from townhall.accounts.models import User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("account_mail"),
]  # e-mail goes out on commit


REGISTRATION = {
    "given_name": "Ana",
    "family_name": "Lopez",
    "email": "Ana.Lopez@example.org",
    "password": "zonnebloem-veld-42",
}


def link_from_last_mail():
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


def register(client, **overrides):
    return client.post(reverse("accounts:register"), {**REGISTRATION, **overrides})


def test_registration_sends_a_verification_link_and_the_link_signs_in(client):
    response = register(client)
    assert response.status_code == 200
    assert "ana.lopez@example.org" in response.content.decode()
    user = User.objects.get(username="ana.lopez@example.org")
    assert user.kind == User.Kind.RESIDENT
    assert user.email_verified_at is None
    assert user.not_registered_here
    assert mail.outbox[-1].to == ["ana.lopez@example.org"]

    link = link_from_last_mail()
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert not confirm_page.wsgi_request.user.is_authenticated  # a GET alone does not sign in
    response = client.post(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.session[SESSION_KEY] == "low"


def test_a_password_chosen_in_another_browser_ends_when_the_owner_confirms(client):
    """Someone registers another person's address with a password of their own; the
    owner clicks the link in their mail: the address is proven, the password is not."""
    register(client)  # the one who registered, in their browser
    link = link_from_last_mail()
    owner = Client()
    response = owner.post(link, follow=True)
    assert "the password chosen then no longer works" in response.content.decode()
    user = User.objects.get(username="ana.lopez@example.org")
    assert user.email_verified_at is not None
    assert not user.has_usable_password()
    signed_in = client.post(
        reverse("accounts:email_sign_in"),
        {"email": "ana.lopez@example.org", "password": REGISTRATION["password"]},
    )
    assert signed_in.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_password_stays_when_the_same_browser_confirms(client):
    register(client)
    client.post(link_from_last_mail())
    client.post(reverse("accounts:sign_out"))
    signed_in = client.post(
        reverse("accounts:email_sign_in"),
        {"email": "ana.lopez@example.org", "password": REGISTRATION["password"]},
    )
    assert signed_in.status_code == 302
    assert User.objects.get(username="ana.lopez@example.org").has_usable_password()


def test_a_sign_in_link_works_once(client):
    register(client)
    link = link_from_last_mail()
    client.post(link)
    client.post(reverse("accounts:sign_out"))
    second = client.post(link)
    assert second.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_forged_link_is_refused(client):
    register(client)
    link = link_from_last_mail()
    response = client.post(link[:-3] + "abc/")
    assert response.status_code == 400


def test_password_sign_in_needs_a_verified_address(client):
    register(client)
    attempt = client.post(
        reverse("accounts:email_sign_in"),
        {"email": REGISTRATION["email"], "password": REGISTRATION["password"]},
    )
    assert attempt.status_code == 400
    client.post(link_from_last_mail())
    client.post(reverse("accounts:sign_out"))
    response = client.post(
        reverse("accounts:email_sign_in"),
        {"email": REGISTRATION["email"], "password": REGISTRATION["password"], "next": "/mijn/"},
    )
    assert response.status_code == 302
    assert response.url == "/mijn/"
    assert client.session[SESSION_KEY] == "low"


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client):
    register(client)
    client.post(link_from_last_mail())
    client.post(reverse("accounts:sign_out"))
    response = client.post(
        reverse("accounts:email_sign_in"),
        {"email": REGISTRATION["email"], "password": "not-the-password"},
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_weak_password_is_refused_by_djangos_validators(client):
    response = register(client, password="12345678")
    assert response.status_code == 200
    assert not User.objects.filter(username="ana.lopez@example.org").exists()
    assert "password" in response.context["form"].errors


def test_registering_a_known_address_reveals_nothing_and_warns_the_owner(client):
    register(client)
    mail.outbox.clear()
    response = register(client, given_name="Someone", password="")
    assert response.status_code == 200
    assert User.objects.filter(username="ana.lopez@example.org").count() == 1
    assert "you already have one" in mail.outbox[-1].body


def test_sign_in_link_request_does_not_reveal_whether_an_account_exists(client):
    known = register(client) and client.post(
        reverse("accounts:email_sign_in"),
        {"email": REGISTRATION["email"], "send_link": "1"},
        follow=True,
    )
    unknown = client.post(
        reverse("accounts:email_sign_in"),
        {"email": "nobody@example.org", "send_link": "1"},
        follow=True,
    )
    assert known.status_code == unknown.status_code == 200
    known_text = [str(m) for m in known.context["messages"]]
    unknown_text = [str(m) for m in unknown.context["messages"]]
    assert known_text == unknown_text
    assert len(mail.outbox) == 2  # verification + link; nothing for the unknown address


def test_the_link_returns_to_the_page_asked_for(client):
    register(client)
    client.post(link_from_last_mail())
    client.post(reverse("accounts:sign_out"))
    client.post(
        reverse("accounts:email_sign_in"),
        {"email": REGISTRATION["email"], "send_link": "1", "next": "/mijn/"},
    )
    response = client.post(link_from_last_mail())
    assert response.url == "/mijn/"


def test_an_external_next_is_ignored(client):
    register(client)
    client.post(link_from_last_mail())
    client.post(reverse("accounts:sign_out"))
    response = client.post(
        reverse("accounts:email_sign_in"),
        {
            "email": REGISTRATION["email"],
            "password": REGISTRATION["password"],
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("portal:my_page")
