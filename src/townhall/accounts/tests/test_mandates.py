"""Acting for others: mandates with scope and end date, organisations, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from townhall.accounts import services
from townhall.accounts.acting import ACTING_KEY, acting_context_for
from townhall.accounts.models import ActivityRecord, Mandate
from townhall.accounts.tests.residents import in_a_year, resident, sign_in
from townhall.registry.models import Representative
from townhall.registry.services import organisation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    grandma, grandma_user, _ = resident("Maria", "Desmet", "400101034")
    son, son_user, son_number = resident("Jan", "Desmet", "700101033")
    return grandma, grandma_user, son, son_user, son_number


def grant(grantor, grantee, actor, scope=Mandate.Scope.ALL, until=None):
    return services.mandate_grant(
        grantor=grantor, grantee=grantee, scope=scope, valid_until=until or in_a_year(), actor=actor
    )


def test_grantor_gives_a_mandate_through_the_page(client, family):
    grandma, grandma_user, son, _son_user, son_number = family
    sign_in(client, grandma_user)
    response = client.post(
        reverse("accounts:mandates"),
        {
            "grantee_number": son_number,
            "grantee_family_name": "Desmet",
            "scope": "certificates",
            "valid_until": in_a_year().isoformat(),
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.grantor, mandate.grantee, mandate.scope) == (grandma, son, "certificates")
    record = ActivityRecord.objects.get(action="mandate.granted")
    assert record.actor == grandma_user
    assert record.on_behalf_of_person == grandma


def test_mandates_page_needs_an_eid_sign_in(client, family):
    _grandma, grandma_user, *_ = family
    sign_in(client, grandma_user, level="low")
    response = client.get(reverse("accounts:mandates"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert "level=high" in response.url
    explanation = client.get(response.url)
    assert "eID" in explanation.content.decode()


def test_mandate_rules(family):
    grandma, grandma_user, son, *_ = family
    past = datetime.date.today() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="past"):
        grant(grandma, son, grandma_user, until=past)
    with pytest.raises(ValidationError, match="yourself"):
        grant(grandma, grandma, grandma_user)
    too_late = datetime.date.today() + datetime.timedelta(days=3650)
    with pytest.raises(ValidationError, match="at most"):
        grant(grandma, son, grandma_user, until=too_late)
    assert Mandate.objects.count() == 0


def test_grantee_acts_for_the_grantor_within_scope(client, family):
    grandma, grandma_user, son, son_user, _ = family
    mandate = grant(grandma, son, grandma_user, scope=Mandate.Scope.CERTIFICATES)
    sign_in(client, son_user)
    client.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    page = client.get(reverse("portal:my_page"))
    html = page.content.decode()
    assert "Maria Desmet" in html
    acting = page.wsgi_request.acting
    assert acting.for_person == grandma
    assert acting.subject_person == grandma
    assert acting.allows("certificates")
    assert not acting.allows("personal_data")
    record = ActivityRecord.objects.get(action="acting.switched")
    assert record.actor == son_user
    assert record.on_behalf_of_person == grandma


def test_a_mandate_stops_working_after_its_end_date(client, family):
    grandma, grandma_user, son, son_user, _ = family
    mandate = grant(grandma, son, grandma_user)
    sign_in(client, son_user)
    client.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    Mandate.objects.filter(pk=mandate.pk).update(
        valid_from=datetime.date.today() - datetime.timedelta(days=30),
        valid_until=datetime.date.today() - datetime.timedelta(days=1),
    )
    page = client.get(reverse("portal:my_page"))
    assert page.wsgi_request.acting.is_self
    assert ACTING_KEY not in client.session
    assert "no longer act" in page.content.decode()


def test_a_revoked_mandate_stops_working_at_once(client, family):
    grandma, grandma_user, son, son_user, _ = family
    mandate = grant(grandma, son, grandma_user)
    services.mandate_revoke(mandate=mandate, actor=grandma_user)
    sign_in(client, son_user)
    response = client.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    assert response.status_code == 302
    assert ACTING_KEY not in client.session


def test_revoking_asks_to_confirm_first(client, family):
    grandma, grandma_user, son, *_ = family
    mandate = grant(grandma, son, grandma_user)
    sign_in(client, grandma_user)
    url = reverse("accounts:mandate_revoke", args=[mandate.pk])
    listed = client.get(reverse("accounts:mandates")).content.decode()
    assert f'href="{url}"' in listed  # the table's button is a link to the question

    for asked in (client.get(url), client.post(url)):  # a POST from elsewhere asks too
        assert asked.status_code == 200
        assert "Do you want to revoke the mandate of Jan Desmet" in asked.content.decode()
        assert 'name="confirming"' in asked.content.decode()
    mandate.refresh_from_db()
    assert mandate.revoked_at is None

    done = client.post(url, {"confirming": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:mandates")
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    assert ActivityRecord.objects.get(action="mandate.revoked").actor == grandma_user


def test_nobody_else_can_use_or_revoke_a_mandate(client, family):
    grandma, grandma_user, son = family[:3]
    _stranger, stranger_user, _ = resident("Piet", "Vreemd", "650101037")
    mandate = grant(grandma, son, grandma_user)
    sign_in(client, stranger_user)
    client.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    assert ACTING_KEY not in client.session
    url = reverse("accounts:mandate_revoke", args=[mandate.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirming": "1"}).status_code == 404
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_a_representative_acts_for_the_organisation(client, family):
    son, son_user = family[2], family[3]
    club = organisation_create(name="KSA Testdorp", kind="association", vcode="V0001060")
    role = Representative.objects.create(
        organisation=club, person=son, role="chair", start_date=datetime.date(2020, 1, 1)
    )
    sign_in(client, son_user)
    client.post(reverse("accounts:acting_choose"), {"acting": f"representation:{role.pk}"})
    page = client.get(reverse("portal:my_page"))
    assert page.wsgi_request.acting.for_organisation == club
    assert "KSA Testdorp" in page.content.decode()
    role.end_date = datetime.date.today()
    role.save()
    assert acting_context_for(_request_for(client, son_user)).is_self


def _request_for(client, user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    request._messages = _NoMessages()
    return request


class _NoMessages:
    def add(self, *args, **kwargs):
        pass


def test_my_page_shows_only_the_signed_in_persons_own_options(client, family):
    grandma, grandma_user, son = family[:3]
    grant(grandma, son, grandma_user)
    sign_in(client, grandma_user)
    html = client.get(reverse("portal:my_page")).content.decode()
    assert "mandate:" not in html  # grandma received no mandate; she cannot act for her son
