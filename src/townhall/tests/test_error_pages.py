"""Hostile admin input gets a clear error; error pages have the site's layout and language."""

import pytest
from django.apps import apps as django_apps
from django.template import loader
from django.test import Client
from django.utils import translation

from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.messaging.models import MessageTemplate
from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db

HUGE_YEAR = "99999999999999999999999999999999"


@pytest.fixture
def superuser_client(client):
    municipality_for_tests()
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    client.raise_request_exception = False
    return client


def test_a_huge_year_on_the_message_list_is_a_clear_400(superuser_client):
    response = superuser_client.get(
        "/admin/messaging/message/", {"created_at__year": HUGE_YEAR}, follow=True
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The filters or the sorting in the address of this page are not valid" in page
    assert 'href="/admin/messaging/message/"' in page


def test_a_huge_year_on_a_third_party_admin_is_refused_too(superuser_client):
    response = superuser_client.get(
        "/admin/axes/accessattempt/", {"attempt_time__year": HUGE_YEAR}, follow=True
    )
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["-248", "0"])
def test_a_year_no_date_holds_is_a_clear_400_on_a_list_without_a_date_hierarchy(
    superuser_client, year
):
    # Found by the hostile-input walk: the lookup passes the filter and fails only
    # when the query is compiled ("year -248 is out of range").
    response = superuser_client.get(
        "/admin/registry/correctionrequest/", {"created_at__year": year}, follow=True
    )
    assert response.status_code == 400
    assert "are not valid" in response.content.decode()


@pytest.mark.parametrize("selected", ["abc", "9" * 40, "1\x00"])
def test_a_selection_that_is_no_key_changes_nothing(superuser_client, selected):
    templates_load()
    MessageTemplate.objects.update(is_active=False)
    response = superuser_client.post(
        "/admin/messaging/messagetemplate/",
        {"action": "activate", "_selected_action": [selected]},
        follow=True,
    )
    assert response.status_code == 200
    assert "The selection is not valid. Select the items again; nothing was changed." in (
        response.content.decode()
    )
    assert not MessageTemplate.objects.filter(is_active=True).exists()


def test_an_empty_to_field_is_the_primary_key(superuser_client):
    response = superuser_client.get("/admin/auth/group/999999/change/", {"_to_field": ""})
    assert response.status_code == 302  # "no group with this ID", back to the list


def test_view_on_site_for_a_model_the_admin_does_not_manage_is_404(superuser_client):
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session

    content_type = ContentType.objects.get_for_model(Session)
    response = superuser_client.get(f"/admin/r/{content_type.pk}/1/")
    assert response.status_code == 404


# The Redis Queue dashboard's model has no table. Its app is installed only with that
# backend (installing it for one test would leave its model in the admin site), so
# .ci/run runs this file once more with TOWNHALL_TASKS_BACKEND=rq.
@pytest.mark.skipif(
    not django_apps.is_installed("django_rq"), reason="needs TOWNHALL_TASKS_BACKEND=rq"
)
def test_view_on_site_for_a_model_without_a_table_is_404(superuser_client):
    from django.contrib.contenttypes.models import ContentType
    from django_rq.models import Dashboard

    content_type = ContentType.objects.get_for_model(Dashboard)
    response = superuser_client.get(f"/admin/r/{content_type.pk}/1/")
    assert response.status_code == 404


def test_an_unconfigured_mail_provider_webhook_is_404(client, settings):
    settings.ANYMAIL = {}
    assert client.post("/anymail/mailjet/inbound/", "not json", "text/plain").status_code == 404
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:pass"}
    client.raise_request_exception = False
    response = client.post("/anymail/amazon_ses/tracking/", "x", "text/plain")
    assert response.status_code == 404


# --- Error pages ----------------------------------------------------------------


def test_a_staff_member_without_the_permission_gets_the_site_403_in_dutch(client, dutch):
    municipality_for_tests()
    user = staff_user("sofie", department_code="communication")
    staff_role_assign(user=user)
    assert not user.has_perm("accounts.view_user")
    sign_in_verified(client, user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Naar de hoofdinhoud" in page  # the site's layout in Dutch, not Django's bare page
    assert "site-header" in page
    assert 'href="/admin/"' in page  # a way back to the staff home


def test_a_missing_page_has_the_layout_and_a_way_back(client):
    municipality_for_tests()
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "site-header" in page
    assert "Page not found" in page
    assert 'href="/"' in page


def test_the_404_page_is_dutch_by_default(client, dutch):
    municipality_for_tests()
    page = client.get("/bestaat-niet/").content.decode()
    assert '<html lang="nl">' in page
    assert "Naar de hoofdinhoud" in page


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0), translation.override("en"):
        page = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in page
    assert "townhall/css/townhall.css" in page
    assert 'href="/"' in page


def test_a_refused_form_gets_the_layout_not_djangos_english_page(dutch):
    municipality_for_tests()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/registreren/", {"email": "an@example.org"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Naar de hoofdinhoud" in page
    assert "CSRF verification failed" not in page


def test_a_bad_request_has_the_layout(client, settings):
    municipality_for_tests()
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example")  # DisallowedHost: 400
    assert response.status_code == 400
    assert "We could not handle this request" in response.content.decode()
