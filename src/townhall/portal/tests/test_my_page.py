"""My page offers each kind of resident only what they can do, and says why not the rest.

The demo's personas: a resident with eID, a visitor (not in this municipality's
register), an association chair acting for the association, someone acting with a
mandate, and an e-mail account (low assurance).
"""

import re

import pytest
from django.urls import reverse

from townhall.accounts.acting import ACTING_KEY
from townhall.accounts.models import ActivityRecord, User
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in

pytestmark = pytest.mark.django_db

# The pages that need an eID sign-in: an e-mail account must not be led to them one by one.
EID_PAGES = ("/mijn/gegevens/", "/mijn/contact/", "/mijn/berichten/", "/mijn/volmachten/")


def _page(client, url="/mijn/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def assert_every_anchor_is_on_the_page(client, page: str) -> None:
    """A link to a place on My page (the banner's "change") finds it there."""
    for anchor in re.findall(r'href="/mijn/#([\w-]+)"', page):
        assert f'id="{anchor}"' in _page(client), f"#{anchor} is not on My page"


def test_a_resident_with_eid_has_everything_and_the_choice_of_whom_to_act_for(client, family):
    sign_in(client, family["an_user"])
    page = _page(client)
    for url in EID_PAGES:
        assert f'href="{url}"' in _main(page)
    assert 'id="acting-title"' in page
    assert "You act for yourself. When someone gives you a mandate" in page
    assert_every_anchor_is_on_the_page(client, page)


def test_a_visitor_reads_what_the_municipality_holds_here_and_has_no_dead_link(client, family):
    visitor = User.objects.create(
        username="eid-visitor", kind=User.Kind.RESIDENT, first_name="Kim", last_name="Verbeke"
    )
    sign_in(client, visitor)
    page = _page(client)
    assert "You are not in this municipality's population register" in page
    assert "holds no personal data about you here" in page
    assert "services for visitors" not in page
    assert "#acting-title" not in page  # the banner offers no change: there is no one else
    for url in EID_PAGES:
        assert f'href="{url}"' not in _main(page)
    assert_every_anchor_is_on_the_page(client, page)


def test_an_email_account_reads_what_needs_eid_and_why_instead_of_step_up_pages(client, family):
    account = User.objects.create(
        username="lies@example.org", email="lies@example.org", kind=User.Kind.RESIDENT
    )
    sign_in(client, account, level="low")
    page = _page(client)
    assert "You signed in with an e-mail account" in page
    assert "An e-mail address does not prove who you are." in page
    assert "seeing the data the municipality holds about you" in page
    for url in EID_PAGES:
        assert f'href="{url}"' not in _main(page)
    assert_every_anchor_is_on_the_page(client, page)


def test_a_person_with_an_email_sign_in_gets_no_cards_that_ask_for_eid(client, family):
    sign_in(client, family["an_user"], level="low")
    page = _page(client)
    assert "You signed in with an e-mail account" in page
    for url in EID_PAGES:
        assert f'href="{url}"' not in _main(page)


def test_acting_for_an_organisation_shows_its_own_register_data(client, family):
    bart_user, chair = family["bart_user"], family["bart_chair"]
    sign_in(client, bart_user)
    client.post(reverse("accounts:acting_choose"), {"acting": f"representation:{chair.pk}"})
    page = _page(client)
    assert "Data of the organisation" in page
    for url in EID_PAGES:  # the person's own pages: not while acting for the club
        assert f'href="{url}"' not in _main(page)
    assert 'href="/mijn/organisatie/"' in page

    data = _page(client, "/mijn/organisatie/")
    assert "Data of Wielerclub De Spurters" in data
    assert "V0001060" in data
    assert "association" in data
    assert "You see this because you are its chair" in data
    assert "the municipality&#x27;s register" in data  # the source of each row
    record = ActivityRecord.objects.get(action="organisation_data.viewed")
    assert (record.actor, record.on_behalf_of_organisation) == (bart_user, chair.organisation)

    # The person's own pages say so and lead to the organisation's data, not a dead end.
    unavailable = _page(client, "/mijn/gegevens/")
    assert 'href="/mijn/organisatie/"' in unavailable
    assert_every_anchor_is_on_the_page(client, unavailable)


def test_the_organisation_page_needs_acting_for_one(client, family):
    sign_in(client, family["an_user"])
    page = _page(client, "/mijn/organisatie/")
    assert "You do not act for an organisation now." in page
    assert "site-header" in page
    sign_in(client, family["an_user"], level="low")
    assert client.get("/mijn/organisatie/").status_code == 302  # eID first, as My data


def test_a_mandate_shows_what_it_covers_and_says_what_it_does_not(client, family):
    an, bart_user = family["an"], family["bart_user"]
    mandate = mandate_grant(
        grantor=an,
        grantee=family["bart"],
        scope="personal_data",
        valid_until=in_a_year(),
        actor=family["an_user"],
    )
    sign_in(client, bart_user)
    session = client.session
    session[ACTING_KEY] = {"kind": "mandate", "id": mandate.pk}
    session.save()
    page = _main(_page(client))
    assert "Data of An Claeys" in page
    assert 'href="/mijn/gegevens/"' in page
    for url in ("/mijn/contact/", "/mijn/berichten/", "/mijn/volmachten/"):
        assert f'href="{url}"' not in page
    covered = page.split('id="not-covered-title"', 1)[1].split("</section>", 1)[0]
    assert "reading their messages" in covered
    assert "changing their contact details" in covered
