"""Plain language for residents: a wrong national number, how long a link works,
a field marked optional once."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from townhall.accounts.durations import duration_text
from townhall.accounts.email_accounts import LINK_MAX_AGE, VERIFY_MAX_AGE, link_validity
from townhall.accounts.tests.residents import in_a_year, resident, sign_in
from townhall.messaging.models import MessageTemplate
from townhall.messaging.templates import template_activate, template_text_save

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 minute"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (LINK_MAX_AGE, "15 minutes"),
        (3600, "1 hour"),
        (5400, "1 hour and 30 minutes"),
        (VERIFY_MAX_AGE, "24 hours"),  # not "1440 minutes", not "1 day"
        (2 * 86400, "2 days"),
        (2 * 86400 + 3600, "49 hours"),
    ],
)
def test_a_duration_reads_in_its_largest_whole_unit(seconds, text):
    assert duration_text(seconds) == text


def test_a_link_s_validity_is_said_in_the_language_of_the_mail():
    values = link_validity(VERIFY_MAX_AGE, "fr")
    # The words in French once the lead merged /tmp/po/h4-fr.po; the numbers always.
    assert values["validity"] in ("24 heures", "24 hours")
    assert (values["minutes"], values["hours"]) == ("1440", "24")
    # The language it was asked in is left as it was.
    assert translation.get_language() == "en"


def test_the_verification_mail_says_24_hours(
    client, account_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:register"),
            {"given_name": "Ana", "family_name": "Lopez", "email": "ana@example.org"},
        )
    [sent] = mail.outbox
    assert "valid for 24 hours" in sent.body
    assert "1440" not in sent.body


def test_a_template_loaded_before_the_words_still_sends(
    client, account_mail, django_capture_on_commit_callbacks
):
    """Staff may have kept the verification mail as it was, with {{ hours }}."""
    template = MessageTemplate.objects.get(code="account-verify")
    template.placeholders = ["link", "hours"]
    template.sample_context = {"link": "https://example.org/", "hours": "24"}
    template.save()
    for text in template.texts.all():
        template_text_save(
            template=template,
            channel=text.channel,
            language=text.language,
            subject=text.subject,
            body="Klik: {{ link }} ({{ hours }} uur).",
        )
    template_activate(template=template)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:register"),
            {"given_name": "Ana", "family_name": "Lopez", "email": "ana@example.org"},
        )
    [sent] = mail.outbox
    assert "(24 uur)" in sent.body


def test_the_password_is_marked_optional_once(client):
    page = client.get(reverse("accounts:register")).content.decode()
    assert page.count("(optional)") == 1
    assert "Password <span" in page


def test_a_wrong_national_number_in_the_mandate_form_reads_plainly(client):
    _maria, maria_user, _number = resident("Maria", "Desmet", "400101034")
    sign_in(client, maria_user)
    response = client.post(
        reverse("accounts:mandates"),
        {
            "grantee_number": "85073003329",  # eleven digits, wrong check digits
            "grantee_family_name": "Desmet",
            "scope": "certificates",
            "valid_until": in_a_year().isoformat(),
        },
    )
    page = response.content.decode()
    assert "This national register number is not right. Check it on the identity card." in page
    assert "modulo" not in page
