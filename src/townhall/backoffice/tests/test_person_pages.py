"""A person's record leads to their other pages; a person's mandates, for staff."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from townhall.accounts.models import User
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.backoffice.tests.conftest import staff_of
from townhall.registry.models import AccessLogEntry, HouseholdMembership
from townhall.registry.services import household_add_member, household_create
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
PURPOSE = {"purpose": "counter", "explanation": ""}
ON = datetime.date(2026, 1, 1)


@pytest.fixture
def family(municipality):
    """An and Jef in one household; An gave Jef a mandate, Lies gave An one."""
    home = AddressFactory()
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home)
    jef = PersonFactory(given_names="Jef", family_name="Maes", domicile=home)
    lies = PersonFactory(given_names="Lies", family_name="Wouters")
    household = household_create(address=home, reference_person=an, start_date=ON)
    household_add_member(
        household=household,
        person=jef,
        relation=HouseholdMembership.Relation.PARTNER,
        start_date=ON,
    )
    until = datetime.date.today() + datetime.timedelta(days=90)
    an_account = User.objects.create(username="eid-an", kind=User.Kind.RESIDENT, person=an)
    lies_account = User.objects.create(username="eid-lies", kind=User.Kind.RESIDENT, person=lies)
    mandate_grant(grantor=an, grantee=jef, scope="all", valid_until=until, actor=an_account)
    mandate_grant(grantor=lies, grantee=an, scope="messages", valid_until=until, actor=lies_account)
    return {"an": an, "jef": jef, "lies": lies, "household": household}


def _object_tools(page: str) -> list[tuple[str, str]]:
    tools = page.split('<ul class="object-tools">', 1)[1].split("</ul>", 1)[0]
    return [
        (label.strip(), unescape(href))
        for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)<', tools)
    ]


def test_the_record_leads_to_the_household_messages_mandates_history_corrections_and_access_log(
    client, family
):
    an = family["an"]
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    client.post(reverse("admin:registry_person_purpose", args=[an.pk]), PURPOSE)
    page = client.get(reverse("admin:registry_person_change", args=[an.pk])).content.decode()
    assert _object_tools(page)[:6] == [
        ("Household", reverse("admin:registry_household_change", args=[family["household"].pk])),
        ("Messages", reverse("backoffice:messaging_person", args=[an.pk])),
        ("Mandates", reverse("backoffice:person_mandates", args=[an.pk])),
        ("History", reverse("backoffice:person_history", args=[an.pk])),
        (
            "Correction requests",
            f"{reverse('admin:registry_correctionrequest_changelist')}?person__id__exact={an.pk}",
        ),
        (
            "Who looked at this record",
            f"{reverse('admin:registry_accesslogentry_changelist')}?person__id__exact={an.pk}",
        ),
    ]


def test_the_record_offers_only_the_pages_the_role_opens(client, family):
    an = family["an"]
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    client.post(reverse("admin:registry_person_purpose", args=[an.pk]), PURPOSE)
    page = client.get(reverse("admin:registry_person_change", args=[an.pk])).content.decode()
    labels = [label for label, _url in _object_tools(page)]
    assert "Household" not in labels  # communication reads persons, not households
    assert "Messages" not in labels
    assert "Mandates" not in labels


def test_a_persons_mandates_ask_why_and_log_everyone_shown(client, family):
    an, jef, lies = family["an"], family["jef"], family["lies"]
    staff = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, staff)
    url = reverse("backoffice:person_mandates", args=[an.pk])
    asked = client.get(url).content.decode()
    assert "Why do you open this record?" in asked
    assert "Jef Maes" not in asked  # nothing of the others before the purpose
    assert not AccessLogEntry.objects.exists()

    assert client.post(url, PURPOSE)["Location"] == url
    page = client.get(url).content.decode()
    given = page.split('id="given-title"', 1)[1].split("</section>", 1)[0]
    received = page.split('id="received-title"', 1)[1].split("</section>", 1)[0]
    assert "Jef Maes" in given
    assert "everything on the online counter" in given
    assert "in force" in given
    assert "Lies Wouters" in received
    assert "read my messages" in received
    # Its links: the record, household, messages, and this page marked as the current one.
    assert f'href="{url}" aria-current="page"' in page
    assert reverse("admin:registry_person_change", args=[an.pk]) in page
    for person in (an, jef, lies):
        entry = AccessLogEntry.objects.get(person=person)
        assert (entry.actor, entry.action) == (staff, AccessLogEntry.Action.VIEW)
        assert entry.purpose == "Helping this person at the counter or by phone"


def test_a_persons_mandates_need_the_permission(client, family):
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    response = client.get(reverse("backoffice:person_mandates", args=[family["an"].pk]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_the_message_log_leads_to_the_persons_other_pages(client, family):
    an = family["an"]
    sign_in_verified(client, staff_of("citizens_affairs", "Burgerzaken", "katrien"))
    url = reverse("backoffice:messaging_person", args=[an.pk])
    client.post(url, PURPOSE)
    page = client.get(url).content.decode()
    assert f'href="{url}" aria-current="page"' in page
    assert reverse("backoffice:person_mandates", args=[an.pk]) in page
    assert reverse("admin:registry_household_change", args=[family["household"].pk]) in page
