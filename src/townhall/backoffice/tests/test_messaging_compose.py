"""Writing an announcement: preview counts, the texts per language, confirm, send."""

import pytest
from django.core import mail

from townhall.messaging.models import Broadcast, Message, MessageTemplate
from townhall.registry.models import Person
from townhall.registry.tests.factories import street_pk

pytestmark = pytest.mark.django_db

URL = "/backoffice/berichten/nieuw/"


def announcement(**extra):
    return {
        "audience": "street",
        "street": street_pk("Kerkstraat"),
        "topic": "alerts",
        "subject_nl": "Wegenwerken in de Kerkstraat",
        "body_nl": "Beste {{ given_names }},\n\nVan 3 tot 7 maart is de Kerkstraat afgesloten.",
        **extra,
    }


def test_the_street_list_holds_the_streets_where_residents_live(client, communication, kerkstraat):
    response = client.get(URL)
    assert response.status_code == 200
    choices = response.context["form"].fields["street"].choices
    assert [label for _value, label in choices][1:] == ["Kerkstraat", "Molenstraat"]
    # Offered by the street's row, so a renamed street keeps its residents.
    assert [value for value, _label in choices] == [
        "",
        str(street_pk("Kerkstraat")),
        str(street_pk("Molenstraat")),
    ]


def test_the_preview_counts_per_channel_and_language_and_writes_nothing(
    client, communication, kerkstraat
):
    response = client.post(URL, {**announcement(), "action": "preview"})

    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts.total == 5
    assert counts.per_channel == {"email": 2, "sms": 1, "letter": 2}
    assert counts.per_language == {"nl": 4, "fr": 1}
    assert counts.unreachable == 0
    # Chloé reads French, but only Dutch was written: the preview says so.
    assert response.context["fallback"] == [("French", 1)]
    assert "1 recipient whose language is French gets the Dutch text." in response.content.decode()
    [dutch] = response.context["samples"]
    assert dutch["body"].startswith("Beste An,")
    # No SMS text written: subject and text, and its length is shown.
    assert dutch["sms"].startswith("Wegenwerken in de Kerkstraat: Beste An,")
    assert dutch["sms_length"].segments == 1
    assert not Broadcast.objects.exists()
    assert not MessageTemplate.objects.filter(is_adhoc=True).exists()


def test_an_age_band_and_only_residents_without_a_digital_channel(
    client, communication, kerkstraat
):
    response = client.post(
        URL, {**announcement(without_digital_channel="on", age_min=18), "action": "preview"}
    )
    counts = response.context["counts"]
    assert counts.total == 1  # Jef; Lotte is 12
    assert counts.per_channel == {"email": 0, "sms": 0, "letter": 1}


def test_news_reaches_only_who_consented_and_the_preview_says_how_many_not(
    client, communication, kerkstraat
):
    response = client.post(URL, {**announcement(topic="news"), "action": "preview"})
    counts = response.context["counts"]
    assert counts.total == 5
    assert counts.unreachable == 5
    assert "no consent for this topic" in response.content.decode()


def test_a_wrong_placeholder_and_a_half_written_translation_are_refused(
    client, communication, kerkstraat
):
    response = client.post(
        URL,
        {
            **announcement(body_nl="Beste {{ naam }}, de straat is dicht."),
            "subject_fr": "Travaux",
            "action": "preview",
        },
    )
    form = response.context["form"]
    assert form.errors["body_fr"] == ["Give both the subject and the text in French, or neither."]
    assert "Nothing fills the placeholder {{ naam }}." in form.errors["body_nl"]
    assert "Check the form" in response.content.decode()


def test_a_long_text_is_shortened_to_two_sms_parts(client, communication, kerkstraat):
    body = "De Kerkstraat is afgesloten voor wegenwerken. " * 20
    response = client.post(URL, {**announcement(body_nl=body), "action": "preview"})
    [dutch] = response.context["samples"]
    assert dutch["sms"].endswith(" ...")
    assert dutch["sms_length"].segments == 2


def test_one_resident_is_found_by_name_through_the_form_body(client, communication, kerkstraat):
    response = client.post(
        URL, {**announcement(audience="person", street=""), "search": "claeys", "action": "search"}
    )
    # A browser test that ran before in the same database may have left another Claeys.
    names = [p.full_name for p in response.context["results"]]
    assert "An Claeys" in names
    assert all("Claeys" in name for name in names)
    assert not response.context["form"].errors  # searching judges nothing yet

    response = client.post(
        URL,
        {
            **announcement(audience="person", street=""),
            "search": "claeys",
            "person": kerkstraat["an"].pk,
            "action": "preview",
        },
    )
    assert response.context["counts"].total == 1
    assert response.context["counts"].per_channel["email"] == 1


def test_a_national_number_finds_nobody(client, communication, kerkstraat):
    response = client.post(
        URL, {**announcement(audience="person"), "search": "85073012345", "action": "search"}
    )
    assert response.context["results"] == []


def test_confirm_repeats_the_counts_and_send_creates_the_broadcast(
    client, communication, kerkstraat, django_capture_on_commit_callbacks
):
    data = {
        **announcement(),
        "subject_fr": "Travaux rue de l'Église",
        "body_fr": "Bonjour {{ given_names }}, la rue est fermée du 3 au 7 mars.",
        "sms_nl": "Kerkstraat dicht van 3 tot 7 maart.",
    }
    confirm = client.post(URL, {**data, "action": "confirm"})
    assert "Send now to 5 residents" in confirm.content.decode()
    token = confirm.context["send_form"]["token"].value()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**data, "token": token, "action": "send"})

    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/berichten/verzending/{broadcast.uuid}/"
    assert broadcast.created_by == communication
    assert broadcast.selection_label == "residents of Kerkstraat"
    template = broadcast.template
    assert template.is_adhoc
    assert template.is_active
    assert template.kind == "announcement"
    assert {(t.channel, t.language) for t in template.texts.all()} == {
        (c, lang) for c in ("email", "sms", "letter") for lang in ("nl", "fr")
    }
    messages = Message.objects.filter(broadcast=broadcast)
    assert messages.count() == 5
    chloe = messages.get(person=kerkstraat["chloe"])
    assert chloe.language == "fr"
    assert chloe.subject == "Travaux rue de l'Église"
    assert messages.get(person=kerkstraat["bart"]).body == "Kerkstraat dicht van 3 tot 7 maart."
    assert {m.to[0] for m in mail.outbox} == {"an@example.org", "chloe@example.org"}

    # The same confirmation sent again (a double click) sends nothing more.
    again = client.post(URL, {**data, "token": token, "action": "send"})
    assert again["Location"] == response["Location"]
    assert Broadcast.objects.count() == 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Wegenwerken in de Kerkstraat" in page.content.decode()


def test_without_the_permission_composing_is_refused(client, citizens_affairs, kerkstraat):
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**announcement(), "action": "send"}).status_code == 403
    assert not Broadcast.objects.exists()


def test_staff_without_the_second_factor_are_sent_to_it(client, municipality, kerkstraat):
    from townhall.accounts.tests.staff import sign_in_password_only
    from townhall.backoffice.tests.conftest import staff_of

    sign_in_password_only(client, staff_of("communication", "Communicatie", "sofie"))
    response = client.get(URL)
    assert response.status_code == 302
    assert Person.objects.count() == 6


def test_a_message_to_one_resident_names_them_and_shows_their_own_text(
    client, communication, kerkstraat
):
    data = {
        **announcement(audience="person", street="", body_nl="Beste {{ full_name }}, dag."),
        "search": "claeys",
        "person": kerkstraat["an"].pk,
    }
    for action in ("preview", "confirm"):
        response = client.post(URL, {**data, "action": action})
        page = response.content.decode()
        assert response.context["selection_label"] == "one resident: An Claeys"
        assert "<dd>one resident: An Claeys</dd>" in page
        [dutch] = response.context["samples"]
        assert dutch["body"] == "Beste An Claeys, dag."  # not the sample An Peeters
    preview = client.post(URL, {**data, "action": "preview"}).content.decode()
    assert "Shown as An Claeys will read it." in preview
    assert "An Peeters" not in preview
