"""In the demo, the confirmation of a request lands in the demo mailbox (/demo/mailbox/)."""

import pytest
from django.utils import timezone

from townhall.accounts.services import resident_account_for_person
from townhall.accounts.tests.residents import sign_in
from townhall.demo.services import demo_seed
from townhall.demo_idp.personas import PERSONAS_BY_SLUG
from townhall.eforms.models import Submission
from townhall.messaging.models import Message

pytestmark = pytest.mark.django_db
PARKING = "/loket/formulier/bewonerskaart-parkeren/stap/{}/"


def test_the_demo_residents_confirmation_is_in_the_demo_mailbox(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "townhall.demo.mailbox.DemoMailboxBackend"
    settings.VAR_DIR = tmp_path
    demo_seed(seed=8770, scale=0.02)
    resident = PERSONAS_BY_SLUG["resident"].find(timezone.localdate())
    sign_in(client, resident_account_for_person(person=resident))
    assert client.post(PARKING.format(1), {})["Location"] == PARKING.format(2)
    response = client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    assert response["Location"] == PARKING.format(3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PARKING.format(3))
    submission = Submission.objects.get(subject_person=resident, user__isnull=False)
    message = Message.objects.get(idempotency_key=f"submission-{submission.uuid}")
    assert message.person == resident
    assert message.channel == "email"
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    mailbox = client.get("/demo/mailbox/").content.decode()
    assert submission.reference in mailbox
    assert (tmp_path / "demo-mailbox").is_dir()
