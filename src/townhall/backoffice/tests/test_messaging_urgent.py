"""The street announcement of the README, typed as a newcomer would, sent at 23:50:
urgent, it reaches the demo SMS capture at once; otherwise its text message waits
for the end of the quiet hours and the progress page says until when."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django_tasks.signals import task_enqueued
from freezegun import freeze_time

from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.backoffice.tests.conftest import staff_of
from townhall.messaging import delivery
from townhall.messaging.broadcasts import Selection, broadcast_send
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Broadcast, Message
from townhall.messaging.sms import captured_sms
from townhall.messaging.tests.test_compose_sms import README_BODY, SUBJECT
from townhall.registry.tests.factories import street_pk

pytestmark = pytest.mark.django_db

URL = "/backoffice/berichten/nieuw/"
NIGHT = "2026-12-02 23:50:00+01:00"  # Brussels, winter time
MORNING = "2026-12-03 08:01:00+01:00"


@pytest.fixture(autouse=True)
def _demo_sms(settings, tmp_path):
    """The demo's SMS capture in a folder of this test, with the usual quiet hours."""
    settings.VAR_DIR = tmp_path
    settings.TOWNHALL_SMS = {
        **settings.TOWNHALL_SMS,
        "GATEWAYS": [{"NAME": "demo", "ADAPTER": "demo-capture"}],
        "QUIET_HOURS": ("21:00", "08:00"),
    }


@pytest.fixture
def enqueued():
    """(task name, queue) of every task enqueued."""
    seen = []

    def record(sender, task_result, **kwargs):
        seen.append((task_result.task.name, task_result.task.queue_name))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def readme_announcement(**extra):
    """The README's street announcement: a placeholder in the text, no SMS text."""
    return {
        "audience": "street",
        "street": street_pk("Kerkstraat"),
        "topic": "alerts",
        "subject_nl": SUBJECT,
        "body_nl": README_BODY,
        **extra,
    }


def signed_in(code="communication", name="Communicatie", username="sofie") -> Client:
    client = Client()
    sign_in_verified(client, staff_of(code, name, username))
    return client


def send(client, data, capture):
    confirm = client.post(URL, {**data, "action": "confirm"})
    assert confirm.status_code == 200, confirm.content.decode()
    token = confirm.context["send_form"]["token"].value()
    with capture(execute=True):
        response = client.post(URL, {**data, "token": token, "action": "send"})
    assert response.status_code == 302, response.content.decode()
    return confirm, Broadcast.objects.get(), response["Location"]


def test_the_readme_announcement_shows_and_sends_its_sms_text(
    municipality, kerkstraat, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-02 14:00:00+01:00"):
        client = signed_in()
        preview = client.post(URL, {**readme_announcement(), "action": "preview"})
        [dutch] = preview.context["samples"]
        expected = (
            "Wegenwerken in de Kerkstraat: Beste bewoner, Van maandag 3 tot vrijdag 7 maart "
            "vernieuwen we de rijweg en de voetpaden in de Kerkstraat. De straat is dan "
            "afgesloten voor alle verkeer. U kunt uw wagen parkeren op het Marktplein. Afval "
            "zet u op de hoek met de Stationsstraat. Dank u. Gemeente "
            f"{municipality.name}"
        )
        assert dutch["sms"] == expected
        assert dutch["sms_length"].segments <= 2
        assert "Made from the subject and text" in preview.content.decode()

        confirm, broadcast, _location = send(
            client, readme_announcement(), django_capture_on_commit_callbacks
        )

    # The confirmation shows the text message that goes out, as it went out.
    assert "The text message that goes out" in confirm.content.decode()
    assert expected in confirm.content.decode()
    sms = broadcast.template.texts.get(channel="sms", language="nl")
    assert sms.body.endswith("Gemeente {{ municipality }}")
    [captured] = captured_sms()
    assert captured.to == kerkstraat["bart"].mobile
    assert captured.text == expected
    assert captured.segments <= 2


def test_an_urgent_announcement_at_23_50_reaches_the_sms_capture_at_once(
    municipality, kerkstraat, django_capture_on_commit_callbacks, enqueued
):
    with freeze_time(NIGHT):
        client = signed_in()
        confirm, broadcast, location = send(
            client, readme_announcement(urgent="on"), django_capture_on_commit_callbacks
        )
        page = client.get(location).content.decode()

    assert "The text messages go at once, also during the quiet hours" in (confirm.content.decode())
    assert broadcast.urgent
    sms = Message.objects.get(broadcast=broadcast, channel="sms")
    assert sms.queue == Message.Queue.URGENT
    assert sms.state == Message.State.SENT
    [captured] = captured_sms()
    assert captured.text.endswith(f"Gemeente {municipality.name}")
    # All of its work went on the urgent queue, none on bulk.
    broadcast_work = {
        "broadcast_prepare_task",
        "broadcast_prepare_part_task",
        "messages_deliver_task",
    }
    broadcast_tasks = {queue for name, queue in enqueued if name in broadcast_work}
    assert broadcast_tasks == {"urgent"}
    assert "yes: text messages also go during the quiet hours" in page


def test_a_normal_announcement_at_23_50_waits_and_the_pages_say_until_when(
    municipality, kerkstraat, django_capture_on_commit_callbacks, enqueued
):
    with freeze_time(NIGHT):
        client = signed_in()
        confirm, broadcast, location = send(
            client, readme_announcement(), django_capture_on_commit_callbacks
        )
        page = client.get(location).content.decode()

    assert (
        "It is now within the quiet hours (21:00 to 08:00): the text message waits until 08:00."
        in confirm.content.decode()
    )
    assert "mark it as urgent" in confirm.content.decode()
    sms = Message.objects.get(broadcast=broadcast, channel="sms")
    assert sms.queue == Message.Queue.BULK
    assert sms.state == Message.State.QUEUED
    assert captured_sms() == []
    assert (
        "1 text message waits for the end of the quiet hours: it goes at 08:00 (3 December)."
        in page
    )
    assert "No text messages are sent between 21:00 and 08:00" in page
    assert {queue for _name, queue in enqueued} <= {"bulk", "default"}

    # At 08:01 the message goes on its own (as the worker runs it when it is due),
    # and being the broadcast's last on its way, the broadcast is done.
    with freeze_time(MORNING), django_capture_on_commit_callbacks(execute=True):
        delivery.message_deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.state == Message.State.SENT
    assert len(captured_sms()) == 1
    broadcast.refresh_from_db()
    assert broadcast.state == Broadcast.State.DONE


def test_the_communication_role_may_send_urgent_announcements_citizens_affairs_not(
    municipality,
):
    writer = staff_of("communication", "Communicatie", "sofie")
    clerk = staff_of("citizens_affairs", "Burgerzaken", "katrien")

    assert writer.has_perm("messaging.send_urgent_broadcast")
    assert not clerk.has_perm("messaging.send_urgent_broadcast")


def writer_without_urgent():
    """Staff who may write announcements, but not urgent ones."""
    user = staff_user("jan", department_code=None)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="messaging", codename__in=["add_broadcast", "view_broadcast"]
        )
    )
    client = Client()
    sign_in_verified(client, user)
    return client, user


def test_without_the_permission_urgent_is_not_offered_and_refused(
    municipality, templates, kerkstraat
):
    client, user = writer_without_urgent()

    page = client.get(URL).content.decode()
    assert 'name="urgent"' not in page
    response = client.post(URL, {**readme_announcement(urgent="on"), "action": "preview"})
    assert response.context["form"].errors["urgent"] == [
        "You may not send urgent announcements. Leave this unticked, or ask a colleague who may."
    ]
    assert 'name="urgent"' in response.content.decode()  # shown, so it can be unticked
    # Sending straight away is refused in the same way; nothing is written.
    response = client.post(URL, {**readme_announcement(urgent="on"), "action": "send"})
    assert "You may not send urgent announcements" in response.content.decode()
    assert not Broadcast.objects.exists()
    # The service itself refuses too, whoever calls it.
    with pytest.raises(MessagingError, match="You may not send urgent announcements"):
        broadcast_send(
            template="waste-collection",
            selection=Selection(street=street_pk("Kerkstraat")),
            context={"day": "dinsdag 1 december", "fraction": "pmd"},
            sent_by=user,
            urgent=True,
        )


def test_only_an_urgent_alert_can_be_urgent(municipality, kerkstraat):
    client = signed_in()
    response = client.post(
        URL, {**readme_announcement(topic="reminders", urgent="on"), "action": "preview"}
    )
    assert response.context["form"].errors["urgent"] == [
        "Only an urgent alert can be urgent: choose that topic."
    ]
