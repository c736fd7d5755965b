"""My data, My messages and contact preferences during an assisted session at the counter.

Reading is allowed and each look is in the resident's access log under the
staff member's name; the download leaves the national number out; reporting a
mistake is the resident's request, recorded as assisted; changing contact data
needs the staff member's confirmation and is recorded with them as actor.
"""

import json

import pytest
from django.urls import reverse

from townhall.accounts.assisted import ACCESS_PURPOSE
from townhall.accounts.models import ActivityRecord
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.residents import sign_in
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.messaging.services import message_send
from townhall.messaging.templates import templates_load
from townhall.portal.tests.test_my_data import contact_form
from townhall.registry.corrections import CorrectionRequest
from townhall.registry.models import AccessLogEntry, Person

pytestmark = pytest.mark.django_db

MY_DATA = reverse("portal:my_data")
DOWNLOAD = reverse("portal:my_data_download")
CONTACT = reverse("portal:contact_preferences")


@pytest.fixture
def counter(english, family):
    """Els of Burgerzaken runs an assisted session for An at the counter."""
    staff = staff_user("els", first_name="Els", last_name="Desmet")
    staff_role_assign(user=staff)
    sign_in_verified(english, staff)
    response = english.post(
        reverse("backoffice:assisted_start"),
        {"national_number": family["an_number"], "document": "eid_card", "identity_checked": "on"},
    )
    assert response["Location"] == reverse("portal:my_page")
    return staff


def staff_looks(person, staff):
    return list(
        AccessLogEntry.objects.filter(person=person, actor=staff)
        .exclude(action=AccessLogEntry.Action.LOOKUP)  # the start of the session
        .values_list("action", "purpose")
    )


def test_my_data_is_the_staff_members_look_in_the_access_log(english, family, counter):
    html = english.get(MY_DATA).content.decode()
    assert staff_looks(family["an"], counter) == [("view", f"{ACCESS_PURPOSE}: My data")]
    assert family["an_number"] not in html
    # The resident sees the look on the very page: by department.
    assert "Burgerzaken" in english.get(MY_DATA).content.decode()


def test_the_download_leaves_the_number_out_and_is_logged_as_an_export(english, family, counter):
    response = english.get(DOWNLOAD)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["adms:identifier"]["skos:notation"] == family["an"].national_number_masked
    assert family["an_number"] not in response.content.decode()
    assert staff_looks(family["an"], counter) == [("export", f"{ACCESS_PURPOSE}: My data")]


def test_my_messages_is_the_staff_members_look(english, family, counter):
    templates_load()
    message_send(
        recipient=family["an"],
        template="decision",
        context={"case_reference": "2026-00007", "product": "Parkeerkaart"},
    )
    assert english.get(reverse("portal:my_messages")).status_code == 200
    assert staff_looks(family["an"], counter) == [("view", f"{ACCESS_PURPOSE}: My messages")]


def test_reporting_a_mistake_is_allowed_and_recorded_as_assisted(english, family, counter):
    url = reverse("portal:correction_report", args=["family_name"])
    response = english.post(url, {"remark": "It is Claeijs, with ij."})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.reported_by == family["an_user"]  # the resident's own request
    record = ActivityRecord.objects.get(action="my_data.correction_reported")
    assert (record.actor, record.assisted_by) == (family["an_user"], counter)


def test_contact_data_is_not_changed_without_the_confirmation(english, family, counter):
    assert 'name="resident_confirmed"' in english.get(CONTACT).content.decode()
    response = english.post(CONTACT, contact_form(email="someone.else@example.org"))
    assert response.status_code == 200
    assert "Confirm that the resident in front of you asked" in response.content.decode()
    assert Person.objects.get(pk=family["an"].pk).email == "an@example.org"
    assert not ActivityRecord.objects.filter(action="contact_preferences.changed").exists()


def test_confirmed_contact_data_is_recorded_with_the_staff_member(english, family, counter):
    response = english.post(
        CONTACT, contact_form(email="an.claeys@example.org", resident_confirmed="on")
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=family["an"].pk).email == "an.claeys@example.org"
    changed = ActivityRecord.objects.get(action="contact_preferences.changed")
    assert (changed.actor, changed.assisted_by, changed.on_behalf_of_person) == (
        counter,
        counter,
        family["an"],
    )
    assert ActivityRecord.objects.filter(
        action="assisted_session.change_confirmed", actor=counter
    ).exists()
    page = english.get(MY_DATA).content.decode()
    assert "the resident, at the counter (assisted session)" in page


def test_outside_a_session_nothing_extra_is_asked_nor_logged(english, family):
    sign_in(english, family["an_user"])
    assert 'name="resident_confirmed"' not in english.get(CONTACT).content.decode()
    english.get(MY_DATA)
    assert AccessLogEntry.objects.count() == 1  # only the fixture's staff read
