"""Drafts: kept encrypted, saved to finish later, resumed by their one link, listed on
My page, removed by their owner or after 30 days, re-encrypted on a key rotation."""

import datetime
import re

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.eforms.drafts import DRAFT_LIFETIME, drafts_purge
from townhall.eforms.models import Draft, ResumeLink, Submission
from townhall.eforms.services import (
    form_definition_create,
    form_version_create,
    form_version_publish,
)
from townhall.eforms.tests.test_step_view import DUMPING, PARKING, PNG, media  # noqa: F401
from townhall.messaging.models import Message
from townhall.registry import protection
from townhall.registry.tests.factories import PersonFactory

LINK = re.compile(r"/loket/verder/([A-Za-z0-9_-]{43})/")


def _later(client, url, data):
    return client.post(url, {**data, "later": "1"})


def _save_vehicle_for_later(client):
    """Step 1 done; on step 2 a valid plate but no answer to "is it yours?"."""
    client.post(PARKING.format(1), {})
    return _later(client, PARKING.format(2), {"number_plate": "1-ABC-234"})


def _token(client, draft) -> str:
    page = client.get(reverse("eforms:kept", args=[draft.uuid])).content.decode()
    return LINK.search(page).group(1)


# --- Encrypted at rest ----------------------------------------------------------------


def test_the_answers_are_encrypted_at_rest(client, resident):
    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    draft = Draft.objects.get()
    assert draft.data["number_plate"] == "1-ABC-234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_encrypted FROM eforms_draft WHERE id = %s", [draft.pk])
        [stored] = cursor.fetchone()
    assert "1-ABC-234" not in stored
    assert "Kerkstraat" not in stored
    assert protection.decrypt(stored).count("1-ABC-234") == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_drafts_kept_before(forms):
    from django.db.migrations.executor import MigrationExecutor

    before = [("eforms", "0002_referencecounter_submission")]
    after = [("eforms", "0003_draft_encrypted_resume_link")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    version = old_apps.get_model("eforms", "FormVersion").objects.first()
    old_apps.get_model("eforms", "Draft").objects.create(
        version_id=version.pk, data={"number_plate": "1-ABC-234"}
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    draft = Draft.objects.get()
    assert "1-ABC-234" not in draft.data_encrypted
    assert draft.data == {"number_plate": "1-ABC-234"}


# --- Save and continue later ----------------------------------------------------------


def test_save_for_later_keeps_what_is_valid_without_marking_the_step_done(client, resident):
    response = _save_vehicle_for_later(client)
    draft = Draft.objects.get()
    assert response["Location"] == reverse("eforms:kept", args=[draft.uuid])
    assert draft.data["number_plate"] == "1-ABC-234"
    assert "vehicle" not in draft.steps_done
    assert "details" in draft.steps_done
    page = client.get(response["Location"]).content.decode()
    assert "Your answers are kept" in page
    assert "30 days" in page
    assert LINK.search(page)
    assert "an@example.org" in page
    # The link, mailed through the outbox to the person.
    message = Message.objects.get(template__code="draft-resume-link")
    assert message.address == "an@example.org"
    assert LINK.search(message.body).group(1) == LINK.search(page).group(1)
    # Only its hash is kept.
    assert LINK.search(page).group(1) not in ResumeLink.objects.get().token_hash


def test_an_invalid_answer_is_not_kept_but_the_valid_ones_are(client, resident):
    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    _later(client, PARKING.format(2), {"number_plate": "X" * 40, "is_owner": "no"})
    draft = Draft.objects.get()
    assert draft.data["number_plate"] == "1-ABC-234"  # the too long one is not kept
    assert draft.data["is_owner"] is False
    assert "vehicle" not in draft.steps_done


def test_an_anonymous_visitor_is_not_offered_save_for_later(client, forms):
    page = client.get(DUMPING.format(1)).content.decode()
    assert 'name="later"' not in page
    response = _later(client, DUMPING.format(1), {"location": "Kerkstraat 40"})
    assert response.status_code == 200  # validated as "next": the photo is missing
    assert not ResumeLink.objects.exists()


def test_the_signed_in_step_offers_it(client, resident):
    page = client.get(PARKING.format(1)).content.decode()
    assert 'name="later"' in page
    assert "Save and continue later" in page


# --- The resume link ------------------------------------------------------------------


def test_the_link_asks_to_sign_in_then_leads_the_owner_to_the_first_open_step(client, resident):
    _save_vehicle_for_later(client)
    token = _token(client, Draft.objects.get())
    url = reverse("eforms:resume", args=[token])
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/aanmelden/?next=")
    assert token in response["Location"]
    sign_in_resident(client, resident_account_of(resident))
    response = client.get(url)
    assert response["Location"] == PARKING.format(2)
    page = client.get(PARKING.format(2)).content.decode()
    assert 'value="1-ABC-234"' in page


def resident_account_of(person):
    from townhall.accounts.models import User

    return User.objects.get(person=person)


def test_someone_elses_link_or_an_ended_one_reveals_nothing(client, resident):
    _save_vehicle_for_later(client)
    draft = Draft.objects.get()
    first = _token(client, draft)
    _later(client, PARKING.format(2), {"number_plate": "1-ABC-235"})
    second = _token(client, draft)
    assert first != second
    assert ResumeLink.objects.count() == 1
    ended = client.get(reverse("eforms:resume", args=[first]))
    assert ended.status_code == 404
    assert client.get(reverse("eforms:resume", args=[second])).status_code == 302
    other = Client()
    sign_in_resident(other, resident_account(PersonFactory(given_names="Mallory")))
    theirs = other.get(reverse("eforms:resume", args=[second]))
    unknown = other.get(reverse("eforms:resume", args=["x" * 43]))
    assert theirs.status_code == unknown.status_code == 404
    for response in (theirs, unknown, ended):
        page = response.content.decode()
        assert "This link does not work" in page
        assert "Bewonerskaart" not in page
        assert "Resident parking" not in page
        assert "1-ABC" not in page
    assert other.get(reverse("eforms:kept", args=[draft.uuid])).status_code == 404
    assert other.get(reverse("eforms:draft_continue", args=[draft.uuid])).status_code == 404
    assert other.get(reverse("eforms:resume", args=["<script>"])).status_code == 404


def test_an_expired_link_is_gone(client, resident):
    _save_vehicle_for_later(client)
    token = _token(client, Draft.objects.get())
    ResumeLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("eforms:resume", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


BLOCKING = {
    "title": {"nl": "Zaal huren", "en": "Hall hire"},
    "steps": [
        {
            "key": "who",
            "title": {"nl": "Wie", "en": "Who"},
            "fields": [
                {
                    "key": "member",
                    "type": "yes_no",
                    "label": {"nl": "Bent u een vereniging?", "en": "Are you an association?"},
                    "required": True,
                }
            ],
        },
        {
            "key": "when",
            "title": {"nl": "Wanneer", "en": "When"},
            "fields": [
                {
                    "key": "day",
                    "type": "text",
                    "label": {"nl": "Dag", "en": "Day"},
                    "required": True,
                }
            ],
        },
        {
            "key": "check",
            "title": {"nl": "Controleren", "en": "Check"},
            "check": True,
            "fields": [],
        },
    ],
    "rules": [
        {
            "key": "associations_only",
            "if": {"===": [{"var": "member"}, False]},
            "then": [
                {
                    "action": "block",
                    "step": "who",
                    "message": {"nl": "Alleen verenigingen.", "en": "Associations only."},
                }
            ],
        }
    ],
}
HALL = "/loket/formulier/zaal-huren/stap/{}/"


def test_a_resumed_draft_cannot_skip_the_step_its_rules_block(client, resident):
    form = form_definition_create(slug="zaal-huren", title="Zaal huren")
    form_version_publish(version=form_version_create(form=form, content=BLOCKING))
    response = _later(client, HALL.format(1), {"member": "no"})
    draft = Draft.objects.get(version__form=form)
    assert response["Location"] == reverse("eforms:kept", args=[draft.uuid])
    token = _token(client, draft)
    # Even a draft that claims the step done (as if forged) is checked against the rules.
    Draft.objects.filter(pk=draft.pk).update(steps_done=["who"])
    response = client.get(reverse("eforms:resume", args=[token]))
    assert response["Location"] == HALL.format(1)
    assert client.get(HALL.format(2))["Location"] == HALL.format(1)
    assert client.post(HALL.format(2), {"day": "zaterdag"})["Location"] == HALL.format(1)
    assert "day" not in Draft.objects.get(pk=draft.pk).data
    assert client.post(HALL.format(3))["Location"] == HALL.format(1)
    assert not Submission.objects.exists()
    # A forged "next" on the blocked step is refused with the rule's message.
    response = client.post(HALL.format(1), {"member": "no"})
    assert response.status_code == 200
    assert "Associations only." in response.content.decode()


# --- My page --------------------------------------------------------------------------


def test_my_page_lists_unfinished_requests_and_removes_one_with_its_uploads(
    client, resident, django_capture_on_commit_callbacks
):
    client.post(PARKING.format(1), {})
    contract = SimpleUploadedFile("contract.png", PNG, content_type="image/png")
    _later(
        client,
        PARKING.format(2),
        {"number_plate": "1-ABC-234", "is_owner": "no", "contract": contract},
    )
    draft = Draft.objects.get()
    path = draft.data["contract"]["path"]
    assert default_storage.exists(path)
    page = client.get(reverse("portal:my_page")).content.decode()
    assert "Unfinished requests" in page
    assert "Resident parking card" in page
    assert reverse("eforms:draft_continue", args=[draft.uuid]) in page
    remove = reverse("portal:draft_remove", args=[draft.uuid])
    assert remove in page
    assert client.get(reverse("eforms:draft_continue", args=[draft.uuid]))["Location"] == (
        PARKING.format(2)
    )
    # Someone else can neither see nor remove it.
    other = Client()
    sign_in_resident(other, resident_account(PersonFactory(given_names="Mallory")))
    assert "Resident parking card" not in other.get(reverse("portal:my_page")).content.decode()
    assert other.post(remove).status_code == 404
    assert Draft.objects.exists()
    # The owner is asked first, then it is gone with its file.
    confirm = client.get(remove)
    assert confirm.status_code == 200
    assert "Remove this unfinished request?" in confirm.content.decode()
    assert Draft.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the files go after the commit
        response = client.post(remove)
    assert response["Location"] == reverse("portal:my_page")
    assert not Draft.objects.exists()
    assert not ResumeLink.objects.exists()
    assert not default_storage.exists(path)
    assert client.post(remove).status_code == 404


# --- Removed after 30 days ------------------------------------------------------------


def test_drafts_untouched_for_30_days_are_removed_with_their_uploads(
    client, resident, caplog, django_capture_on_commit_callbacks
):
    client.post(PARKING.format(1), {})
    contract = SimpleUploadedFile("contract.png", PNG, content_type="image/png")
    client.post(
        PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "no", "contract": contract}
    )
    old = Draft.objects.get()
    path = old.data["contract"]["path"]
    Draft.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - DRAFT_LIFETIME - datetime.timedelta(minutes=1)
    )
    recent = Draft.objects.create(version=old.version, user=old.user)
    with (
        caplog.at_level("INFO", logger="townhall.eforms.drafts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("purge_drafts")
    assert list(Draft.objects.all()) == [recent]
    assert not default_storage.exists(path)
    assert str(old.uuid) in caplog.text
    assert drafts_purge() == 0


# --- Key rotation ---------------------------------------------------------------------


def test_a_key_rotation_re_encrypts_drafts_and_submissions(client, resident, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    draft = Draft.objects.get()
    submission = Submission(reference="TH-2026-000001", version=draft.version, language="nl")
    submission.set_answers({"values": {"number_plate": "2-XYZ-987"}})
    submission.save()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("reencrypt_form_answers")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed
    assert Draft.objects.get(pk=draft.pk).data["number_plate"] == "1-ABC-234"
    assert Submission.objects.get().answers["values"]["number_plate"] == "2-XYZ-987"


def test_an_answer_no_key_opens_stops_the_rotation_and_changes_nothing(client, resident, settings):
    from django.core.management.base import CommandError

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    client.post(PARKING.format(1), {})
    before = Draft.objects.get().data_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="No key opens the answers of draft"):
        call_command("reencrypt_form_answers")
    assert Draft.objects.get().data_encrypted == before
