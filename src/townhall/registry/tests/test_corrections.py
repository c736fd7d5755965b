"""Correction requests: only the person's own items, a snapshot, one open request per item,
handled by citizens' affairs in the admin (which writes the access log)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from townhall.registry.corrections import (
    CorrectionRequest,
    correction_request_create,
    correction_request_handle,
    open_correction_count,
)
from townhall.registry.models import AccessLogEntry, Representative
from townhall.registry.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def report(person, key="family_name", remark="My name is written Vandenberghe."):
    return correction_request_create(person=person, item_key=key, remark=remark, reported_by=None)


def test_a_request_keeps_what_was_shown_and_is_open():
    person = PersonFactory(family_name="Vandenberge")
    correction = report(person)
    assert correction.is_open
    assert (correction.item_key, correction.item_label) == ("family_name", "Family name")
    assert correction.current_value == "Vandenberge"
    assert correction.department_code == "citizens_affairs"
    assert open_correction_count() == 1


def test_the_national_number_is_kept_masked_in_the_snapshot():
    person = PersonFactory()
    correction = report(person, key="national_number", remark="The last digits are wrong.")
    assert correction.current_value == person.national_number_masked
    assert person.reveal_national_number() not in correction.current_value


def test_only_the_persons_own_items_can_be_reported():
    person, other = PersonFactory(), PersonFactory()
    organisation = OrganisationFactory()
    theirs = Representative.objects.create(
        organisation=organisation,
        person=other,
        role=Representative.Role.CHAIR,
        start_date=datetime.date(2020, 1, 1),
    )
    for key in (f"representation-{theirs.pk}", "unknown", "email"):
        with pytest.raises(ValidationError, match="not part of your data"):
            report(person, key=key)
    assert CorrectionRequest.objects.count() == 0
    assert report(other, key=f"representation-{theirs.pk}").current_value == "chair"


def test_one_open_request_per_item_and_a_remark_is_needed():
    person = PersonFactory()
    with pytest.raises(ValidationError, match="Tell us"):
        report(person, remark="   ")
    first = report(person)
    with pytest.raises(ValidationError, match="we are handling it"):
        report(person)
    correction_request_handle(correction=first, actor=None, note="Corrected.")
    first.refresh_from_db()
    assert (first.status, first.handling_note) == ("handled", "Corrected.")
    assert first.handled_at is not None
    with pytest.raises(ValidationError, match="already been handled"):
        correction_request_handle(correction=first, actor=None)
    assert report(person).is_open  # a new report once the first is handled


def test_opening_a_request_in_the_admin_writes_the_access_log(staff_client, superuser):
    correction = report(PersonFactory())
    response = staff_client.get(
        reverse("admin:registry_correctionrequest_change", args=[correction.pk])
    )
    assert response.status_code == 200
    assert "My name is written Vandenberghe." in response.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.person, entry.actor, entry.action) == (correction.person, superuser, "view")
    assert "correction request" in entry.purpose


def test_staff_mark_a_request_handled_in_the_admin(staff_client, superuser):
    correction = report(PersonFactory())
    response = staff_client.post(
        reverse("admin:registry_correctionrequest_change", args=[correction.pk]),
        {"handling_note": "Spelling corrected in the register.", "mark_handled": "on"},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.handled_by) == ("handled", superuser)
    assert correction.handling_note == "Spelling corrected in the register."


def test_the_list_action_marks_requests_handled(staff_client):
    corrections = [report(PersonFactory()) for _ in range(2)]
    response = staff_client.post(
        reverse("admin:registry_correctionrequest_changelist"),
        {"action": "mark_handled", "_selected_action": [c.pk for c in corrections]},
    )
    assert response.status_code == 302
    assert open_correction_count() == 0


def test_the_list_names_nobody_not_even_to_a_screen_reader(staff_client):
    """The list asks no purpose, so no name may be on it: neither in a column nor in the
    label Django gives each row's selection checkbox (which reads the row's str())."""
    report(PersonFactory(given_names="Wannes", family_name="Vanderbeke"))
    page = staff_client.get(reverse("admin:registry_correctionrequest_changelist"))
    assert page.status_code == 200
    assert "Vanderbeke" not in page.content.decode()
    assert "Wannes" not in page.content.decode()


def test_the_back_office_start_page_counts_open_requests(staff_client):
    report(PersonFactory())
    response = staff_client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Correction requests" in html
    assert "1 resident" in html


def test_a_correction_by_staff_becomes_the_source_of_the_value(staff_client, superuser):
    from townhall.registry.provenance import FieldGroup, RecordSource, Source
    from townhall.registry.tests.test_admin import change_url, give_purpose, person_form

    person = PersonFactory(
        visitor=True, domicile=None, given_names="Jan", family_name="Peeters", sex="x"
    )
    give_purpose(staff_client, person, purpose="correction")
    response = staff_client.post(
        change_url(person), person_form(family_name="Peters", mobile="0470 12 34 56")
    )
    assert response.status_code == 302
    identity = RecordSource.objects.get(person=person, group=FieldGroup.IDENTITY)
    assert (identity.source, identity.recorded_by) == (Source.POPULATION_REGISTER, superuser)
    assert str(identity).startswith("population register, changed by the municipality's staff")
    contact = RecordSource.objects.get(person=person, group=FieldGroup.CONTACT)
    assert contact.source == Source.COUNTER
    assert not RecordSource.objects.filter(person=person, group=FieldGroup.DOMICILE).exists()
