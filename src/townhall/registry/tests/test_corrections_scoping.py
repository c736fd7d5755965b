"""Correction requests are scoped to the department they are routed to, in the admin's
list, change page and list action, and in the count on the back-office home."""

import pytest
from django.urls import reverse

from townhall.municipality.models import Department
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.corrections import (
    CorrectionRequest,
    correction_request_create,
    open_correction_count_for,
)
from townhall.registry.tests.factories import PersonFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def routed_to(code: str, family_name: str) -> CorrectionRequest:
    correction = correction_request_create(
        person=PersonFactory(family_name=family_name),
        item_key="family_name",
        remark="Spelled wrong.",
        reported_by=None,
    )
    # Requests go to citizens' affairs today; another department's shows the rule.
    CorrectionRequest.objects.filter(pk=correction.pk).update(department_code=code)
    return correction


@pytest.fixture
def requests_of_two_departments():
    return {
        "citizens_affairs": routed_to("citizens_affairs", "Ours"),
        "finance": routed_to("finance", "Theirs"),
    }


def verified(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def katrien(client):
    """Citizens' affairs with the permissions of the correction pages, signed in."""
    from django.contrib.auth.models import Permission

    department = Department.objects.get(
        municipality=municipality_for_tests(), code="citizens_affairs"
    )
    user = StaffUserFactory(username="katrien", department=department, is_staff=True, kind="staff")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registry",
            codename__in=["view_correctionrequest", "change_correctionrequest"],
        )
    )
    verified(client, user)
    return user


def test_the_admin_list_shows_only_the_departments_requests(
    client, katrien, requests_of_two_departments
):
    response = client.get(reverse("admin:registry_correctionrequest_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [requests_of_two_departments["citizens_affairs"]]


def test_another_departments_request_does_not_open(client, katrien, requests_of_two_departments):
    theirs = requests_of_two_departments["finance"]
    url = reverse("admin:registry_correctionrequest_change", args=[theirs.pk])
    # The admin redirects to its index for an object outside the queryset.
    assert client.get(url).status_code == 302
    assert not theirs.person.access_log.exists()


def test_the_list_action_leaves_another_departments_request_open(
    client, katrien, requests_of_two_departments
):
    client.post(
        reverse("admin:registry_correctionrequest_changelist"),
        {
            "action": "mark_handled",
            "_selected_action": [c.pk for c in requests_of_two_departments.values()],
        },
    )
    statuses = dict(CorrectionRequest.objects.values_list("department_code", "status"))
    assert statuses == {"citizens_affairs": "handled", "finance": "open"}


def test_the_open_count_is_the_departments_and_all_for_a_superuser(
    katrien, requests_of_two_departments
):
    assert open_correction_count_for(user=katrien) == 1
    assert open_correction_count_for(user=StaffUserFactory(superuser=True)) == 2
    assert open_correction_count_for(user=StaffUserFactory(username="nieuw")) == 0
