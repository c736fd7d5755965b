"""The message log of a person, letter batches, templates, the overview and who may see them."""

import pytest
from django.core import mail
from django.utils.html import escape

from townhall.messaging.admin import TemplateTextForm, address_masked
from townhall.messaging.models import LetterBatch, Message
from townhall.messaging.services import message_send
from townhall.registry.models import AccessLogEntry
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
PURPOSE = {"purpose": "counter", "explanation": ""}


def log_url(person) -> str:
    return f"/backoffice/berichten/persoon/{person.pk}/"


@pytest.fixture
def an_messages(templates, kerkstraat, django_capture_on_commit_callbacks):
    """A sent e-mail to An, and one still queued (its task never ran)."""
    an = kerkstraat["an"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = message_send(recipient=an, template="decision", context=DECISION)
    queued = message_send(
        recipient=an, template="decision", context={**DECISION, "case_reference": "2026-00008"}
    )
    sent.refresh_from_db()
    return {"an": an, "sent": sent, "queued": queued}


def test_the_log_asks_why_first_then_shows_the_messages_and_writes_the_access_log(
    client, citizens_affairs, an_messages
):
    an = an_messages["an"]
    response = client.get(log_url(an))
    assert "Why do you open this record?" in response.content.decode()
    assert not AccessLogEntry.objects.filter(person=an).exists()

    response = client.post(log_url(an), PURPOSE)
    assert response["Location"] == log_url(an)
    response = client.get(log_url(an))

    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert an_messages["sent"].reference in page
    assert an_messages["queued"].reference in page
    assert "2026-00007" in page
    assert "an@example.org" in page
    assert "sent" in page
    assert "queued" in page
    assert escape(an_messages["sent"].provider_reference) in page
    [entry] = AccessLogEntry.objects.filter(person=an)
    assert entry.actor == citizens_affairs
    assert entry.action == AccessLogEntry.Action.VIEW
    assert entry.purpose == "Helping this person at the counter or by phone"


def test_other_purpose_needs_an_explanation(client, citizens_affairs, an_messages):
    response = client.post(log_url(an_messages["an"]), {"purpose": "other", "explanation": ""})
    assert response.status_code == 200
    assert "Explain the purpose." in response.content.decode()


def test_cancel_a_queued_message_and_resend_a_sent_one(
    client, citizens_affairs, an_messages, django_capture_on_commit_callbacks
):
    an, queued, sent = an_messages["an"], an_messages["queued"], an_messages["sent"]
    client.post(log_url(an), PURPOSE)
    page = client.get(log_url(an)).content.decode()
    assert f"/backoffice/berichten/bericht/{queued.uuid}/annuleren/" in page
    assert f"/backoffice/berichten/bericht/{sent.uuid}/opnieuw/" in page
    assert f"/backoffice/berichten/bericht/{queued.uuid}/opnieuw/" not in page

    cancel = f"/backoffice/berichten/bericht/{queued.uuid}/annuleren/"
    question = client.get(cancel).content.decode()  # the button asks first
    assert "Yes, cancel the message" in question
    assert queued.reference in question
    assert an.full_name not in question  # nobody's data, so no purpose asked
    client.post(cancel)  # a POST from anywhere but the question changes nothing
    queued.refresh_from_db()
    assert queued.state == Message.State.QUEUED
    response = client.post(cancel, {"confirming": "1"})
    assert response["Location"] == log_url(an)
    queued.refresh_from_db()
    assert queued.state == Message.State.CANCELLED
    assert queued.events.get().actor == citizens_affairs

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/backoffice/berichten/bericht/{sent.uuid}/opnieuw/")
    copy = Message.objects.filter(person=an).exclude(pk__in=[sent.pk, queued.pk]).get()
    assert copy.state == Message.State.SENT
    assert copy.created_by == citizens_affairs
    assert [m.to for m in mail.outbox] == [["an@example.org"]]

    # Cancelling what has gone out is refused with the service's words.
    response = client.post(
        f"/backoffice/berichten/bericht/{sent.uuid}/annuleren/", {"confirming": "1"}, follow=True
    )
    assert "Only a message that has not been sent yet can be cancelled." in (
        response.content.decode()
    )


def test_the_log_and_its_buttons_need_their_permissions(client, communication, an_messages):
    assert client.get(log_url(an_messages["an"])).status_code == 403
    queued = an_messages["queued"]
    assert client.post(f"/backoffice/berichten/bericht/{queued.uuid}/annuleren/").status_code == 403
    queued.refresh_from_db()
    assert queued.state == Message.State.QUEUED


def test_a_get_cannot_resend(client, citizens_affairs, an_messages):
    url = f"/backoffice/berichten/bericht/{an_messages['sent'].uuid}/opnieuw/"
    assert client.get(url).status_code == 405


@pytest.fixture
def letters(templates, kerkstraat, django_capture_on_commit_callbacks, settings):
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "LETTER_PROCESSES": 1}
    with django_capture_on_commit_callbacks(execute=True):
        for person in (kerkstraat["jef"], kerkstraat["lotte"]):
            message_send(recipient=person, template="decision", context=DECISION)
    return LetterBatch.objects.get()


def test_letter_batch_render_download_and_confirm_posted(client, citizens_affairs, letters):
    page = client.get("/backoffice/berichten/brieven/").content.decode()
    assert "Today" in page
    assert "2 letters" in page
    assert "Make the print PDF" in page

    response = client.post(f"/backoffice/berichten/brieven/{letters.pk}/afdrukken/", follow=True)
    assert "The print PDF is ready" in response.content.decode()
    letters.refresh_from_db()
    assert letters.state == LetterBatch.State.PRINTED
    assert letters.pdf

    pdf = client.get(f"/backoffice/berichten/brieven/{letters.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    # Without the box ticked nothing happens.
    client.post(f"/backoffice/berichten/brieven/{letters.pk}/gepost/")
    letters.refresh_from_db()
    assert letters.state == LetterBatch.State.PRINTED

    client.post(f"/backoffice/berichten/brieven/{letters.pk}/gepost/", {"posted": "on"})
    letters.refresh_from_db()
    assert letters.state == LetterBatch.State.POSTED
    assert letters.posted_by == citizens_affairs
    assert set(letters.messages.values_list("state", flat=True)) == {Message.State.SENT}


def test_communication_may_not_print_letters(client, communication, letters):
    assert client.get("/backoffice/berichten/brieven/").status_code == 403
    assert client.post(f"/backoffice/berichten/brieven/{letters.pk}/afdrukken/").status_code == 403


def test_the_overview_counts_per_channel_and_lists_failures(client, citizens_affairs, templates):
    # The overview counts every message; start from none (rolled back after the test).
    Message.objects.all().delete()
    nobody = PersonFactory(domicile=None, given_names="Nora", family_name="Nergens")
    message_send(recipient=nobody, template="decision", context=DECISION)

    response = client.get("/backoffice/berichten/")
    table = response.context["table"]
    assert table["states"] == ["failed"]
    assert [row["total"] for row in table["rows"]] == [0, 0, 1]
    page = response.content.decode()
    # Failures are listed by reference: the recipient's name is behind the purpose.
    assert "Nora Nergens" not in page
    assert Message.objects.get().reference in page
    assert log_url(nobody) in page

    # Finding a person by name asks why, and is in the access log of everyone found.
    refused = client.post("/backoffice/berichten/", {"name": "nergens"})
    assert refused.context["found"] is None
    found = client.post("/backoffice/berichten/", {"name": "nergens", "purpose": "counter"})
    assert [p.pk for p in found.context["found"]] == [nobody.pk]
    entry = AccessLogEntry.objects.get(person=nobody)
    assert (entry.action, entry.search_kind, entry.result_count) == ("search", "name_or_street", 1)


def test_templates_are_shown_per_channel_and_language_with_sample_data(
    client, communication, templates
):
    page = client.get("/backoffice/berichten/sjablonen/").content.decode()
    assert "Decision on your application" in page
    page = client.get("/backoffice/berichten/sjablonen/decision/").content.decode()
    assert "2026-00042" in page
    assert "{{ case_reference }}" in page
    assert "SMS part" in page


def test_the_admin_refuses_a_template_text_without_its_placeholder(templates):
    template = templates["decision"]
    form = TemplateTextForm(
        {"channel": "email", "language": "nl", "subject": "Beslissing", "body": "Beste An"},
        parent=template,
    )
    assert not form.is_valid()
    assert "The placeholder {{ case_reference }} is missing." in form.non_field_errors()


def test_the_admin_shows_addresses_masked():
    assert address_masked(Message(channel="email", address="an@example.org")) == "a***@example.org"
    assert "****" in address_masked(Message(channel="sms", address="+32470123456"))
    assert address_masked(Message(channel="letter", address="Kerkstraat 1, 8770 Ingelmunster")) == (
        "8770 Ingelmunster"
    )


def test_the_back_office_home_links_to_messaging(client, communication):
    page = client.get("/backoffice/").content.decode()
    assert "/backoffice/berichten/nieuw/" in page


def test_the_demo_sms_page_lists_captured_sms_and_links_the_mailbox(client, settings, tmp_path):
    # The demo's own page (townhall.demo), beside the staff pages that send the SMS.
    from townhall.messaging.sms.capture import DemoCaptureGateway

    settings.VAR_DIR = tmp_path
    DemoCaptureGateway(name="demo").send(
        to="+32470123456", text="Kerkstraat dicht", sender_id="Townhall", reference="TH-1"
    )
    page = client.get("/demo/sms/").content.decode()
    assert "Kerkstraat dicht" in page
    assert "+32470123456" in page
    assert "/demo/mailbox/" in page
    assert "/demo/sms/" in client.get("/demo/mailbox/").content.decode()
