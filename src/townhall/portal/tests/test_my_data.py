"""My data: only one's own data (or a grantor's, with the right mandate), at high assurance,
each item with its source; the access log by department; the JSON-LD download; reporting a
mistake; contact preferences."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.be import nn

from townhall.accounts.models import ActivityRecord, Mandate
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, sign_in
from townhall.registry import jsonld
from townhall.registry.corrections import CorrectionRequest
from townhall.registry.models import AccessLogEntry, HouseholdMembership, Person, Representative
from townhall.registry.preferences import Consent, ContactPreference, Topic
from townhall.registry.services import access_log_record, access_log_record_search
from townhall.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MY_DATA = reverse("portal:my_data")
DOWNLOAD = reverse("portal:my_data_download")
CONTACT = reverse("portal:contact_preferences")
ON = datetime.date(2026, 1, 14)
Relation = HouseholdMembership.Relation


def written_forms(number: str) -> list[str]:
    return [number, nn.format(number)]


def test_signing_in_is_needed(english, municipality):
    response = english.get(MY_DATA)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url


@pytest.mark.parametrize("url", [MY_DATA, DOWNLOAD, CONTACT])
def test_an_email_sign_in_is_sent_to_the_eid_sign_in(english, family, url):
    sign_in(english, family["an_user"], level="low")
    response = english.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert "level=high" in response.url
    assert "eID" in english.get(response.url).content.decode()


def test_the_resident_sees_their_data_with_its_source(english, family):
    sign_in(english, family["an_user"])
    response = english.get(MY_DATA)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    for text in ("An", "Claeys", "Kerkstraat 12", "Pieter Maes", "Lotte Maes", "partner", "child"):
        assert text in html
    assert "population register, 2026-01-14" in html
    assert family["an"].national_number_masked in html
    for number in [family["an_number"], *family["other_numbers"]]:
        for written in written_forms(number):
            assert written not in html
    for text in ("Bart", "Wouters", "Spurters"):
        assert text not in html


def test_viewing_is_an_activity_not_a_staff_read(english, family):
    sign_in(english, family["an_user"])
    english.get(MY_DATA)
    record = ActivityRecord.objects.get(action="my_data.viewed")
    assert (record.actor, record.on_behalf_of_person) == (family["an_user"], family["an"])
    assert AccessLogEntry.objects.count() == 1  # only the staff read of the fixture


def test_viewing_again_in_the_same_sign_in_records_nothing_more(english, family):
    sign_in(english, family["an_user"])
    for _ in range(3):
        assert english.get(MY_DATA).status_code == 200
    assert ActivityRecord.objects.filter(action="my_data.viewed").count() == 1
    # A new sign-in is a new session: its first view is recorded again.
    english.logout()
    sign_in(english, family["an_user"])
    english.get(MY_DATA)
    assert ActivityRecord.objects.filter(action="my_data.viewed").count() == 2


def test_the_access_log_names_the_department_not_the_staff_member(english, family):
    sign_in(english, family["an_user"])
    html = english.get(MY_DATA).content.decode()
    assert "Burgerzaken" in html
    assert "Attest aangevraagd" in html
    assert "Katrien" not in html
    assert "Vanhoutte" not in html


def test_a_search_that_showed_the_person_is_in_their_access_log(english, family):
    """Issue 17: a resident reads that staff searched the register and saw them among N."""
    staff = AccessLogEntry.objects.get().actor
    access_log_record_search(
        actor=staff,
        persons=[family["an"], family["bart"]],
        search_kind=AccessLogEntry.SearchKind.EMAIL,
        purpose="Vraag aan het loket",
    )
    sign_in(english, family["an_user"])
    html = english.get(MY_DATA).content.decode()
    assert "searched the register for an e-mail address; you were one of 2 persons shown" in html
    assert "Vraag aan het loket" in html


def test_the_access_log_rows_speak_the_pages_language(english, family):
    """The labels are translated once for all rows, in the language of the request."""
    staff = AccessLogEntry.objects.get().actor
    access_log_record_search(
        actor=staff,
        persons=[family["an"]],
        search_kind=AccessLogEntry.SearchKind.EMAIL,
        purpose="Vraag aan het loket",
    )
    sign_in(english, family["an_user"])
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = english.get(MY_DATA).content.decode()
    assert "zocht in het register naar een e-mailadres; u was de enige persoon in de" in html
    assert 'data-label="Dienst"' in html
    assert 'data-label="Doel"' in html
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = english.get(MY_DATA).content.decode()
    assert "searched the register for an e-mail address; you were the only person shown" in html
    assert 'data-label="Department"' in html
    assert 'data-label="Purpose"' in html


def test_the_municipality_may_choose_to_show_staff_names(english, family, settings):
    settings.TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES = True
    sign_in(english, family["an_user"])
    assert "Katrien Vanhoutte" in english.get(MY_DATA).content.decode()


def test_another_residents_data_never_shows(english, family):
    sign_in(english, family["an_user"])
    # No parameter chooses whose data: the page is always the signed-in person's.
    html = english.get(MY_DATA, {"person": family["bart"].pk, "id": family["bart"].pk})
    assert "Wouters" not in html.content.decode()
    # The item keys of another person's data lead nowhere.
    theirs = reverse("portal:correction_report", args=[f"representation-{family['bart_chair'].pk}"])
    assert english.get(theirs).status_code == 404
    assert english.post(theirs, {"remark": "Not true"}).status_code == 404
    assert CorrectionRequest.objects.count() == 0


def test_a_mandate_to_view_data_shows_the_grantors_data_without_changes(english, family):
    mandate = mandate_grant(
        grantor=family["bart"],
        grantee=family["an"],
        scope=Mandate.Scope.PERSONAL_DATA,
        valid_until=in_a_year(),
        actor=family["bart_user"],
    )
    sign_in(english, family["an_user"])
    english.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    html = english.get(MY_DATA).content.decode()
    assert "Data of Bart Wouters" in html
    assert "Wielerclub De Spurters" in html
    assert "This is not right" not in html
    document = json.loads(english.get(DOWNLOAD).content)
    assert document["adms:identifier"]["skos:notation"] == family["bart"].national_number_masked
    key = f"representation-{family['bart_chair'].pk}"
    report = english.post(reverse("portal:correction_report", args=[key]), {"remark": "x"})
    assert report.status_code == 403
    assert english.post(CONTACT, {"email": "x@example.org"}).status_code == 403
    assert CorrectionRequest.objects.count() == 0
    viewed = ActivityRecord.objects.get(action="my_data.viewed")
    assert (viewed.actor, viewed.on_behalf_of_person) == (family["an_user"], family["bart"])


@pytest.mark.parametrize("scope", [Mandate.Scope.CERTIFICATES, Mandate.Scope.MESSAGES])
def test_a_mandate_for_something_else_does_not_show_the_data(english, family, scope):
    mandate = mandate_grant(
        grantor=family["bart"],
        grantee=family["an"],
        scope=scope,
        valid_until=in_a_year(),
        actor=family["bart_user"],
    )
    sign_in(english, family["an_user"])
    english.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    for url in (MY_DATA, DOWNLOAD):
        response = english.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert "does not cover" in html
        assert family["bart"].national_number_masked not in html
        assert "Molenstraat" not in html


def test_a_mandate_for_everything_may_also_report_and_change(english, family):
    mandate = mandate_grant(
        grantor=family["bart"],
        grantee=family["an"],
        scope=Mandate.Scope.ALL,
        valid_until=in_a_year(),
        actor=family["bart_user"],
    )
    sign_in(english, family["an_user"])
    english.post(reverse("accounts:acting_choose"), {"acting": f"mandate:{mandate.pk}"})
    assert "This is not right" in english.get(MY_DATA).content.decode()
    # The grantee downloads the grantor's data with the number masked.
    document = json.loads(english.get(DOWNLOAD).content)
    assert document["adms:identifier"]["skos:notation"] == family["bart"].national_number_masked


def test_acting_for_an_organisation_shows_no_personal_data(english, family):
    sign_in(english, family["bart_user"])
    english.post(
        reverse("accounts:acting_choose"), {"acting": f"representation:{family['bart_chair'].pk}"}
    )
    response = english.get(MY_DATA)
    assert response.status_code == 200
    assert "Act for yourself" in response.content.decode()
    assert family["bart"].national_number_masked not in response.content.decode()


def test_a_resident_not_registered_here_is_told_so(english, municipality):
    from townhall.accounts.models import User

    user = User.objects.create(username="eid-elsewhere", kind=User.Kind.RESIDENT)
    sign_in(english, user)
    response = english.get(MY_DATA)
    assert response.status_code == 200
    assert "not registered in the population register" in response.content.decode()


# --- The download ---------------------------------------------------------------


def _terms(document, found=None):
    """Every property name and type name the document uses."""
    found = found if found is not None else set()
    if isinstance(document, list):
        for item in document:
            _terms(item, found)
    elif isinstance(document, dict):
        for key, value in document.items():
            if key in ("@context", "@value", "@id"):
                continue
            if key == "@type" and isinstance(value, str | list):
                found.update([value] if isinstance(value, str) else value)
                continue
            if not key.startswith("@"):
                found.add(key)
            _terms(value, found)
    return found


def test_the_download_is_json_ld_with_the_persoon_basis_context(english, family):
    sign_in(english, family["an_user"])
    response = english.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert not re.search(
        r"\d{6}", disposition.replace(datetime.date.today().strftime("%Y-%m-%d"), "")
    )
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["@context"][0] == "https://data.vlaanderen.be/context/persoon-basis.jsonld"
    assert document["@type"] == ["GeregistreerdPersoon", "Inwoner"]
    assert document["achternaam"] == "Claeys"
    assert document["heeftGeboorte"]["datum"] == {"@value": "1980-01-01", "@type": "xsd:date"}
    # Her own number, in full: it is her data and she signed in with eID.
    assert document["adms:identifier"]["skos:notation"] == family["an_number"]
    members = document["isLidVan"][0]["org:hasMember"]
    assert [m["gebruikteVoornaam"] for m in members] == ["An", "Pieter", "Lotte"]
    assert [m["gezinsrelatietype"]["skos:notation"] for m in members] == [
        "reference_person",
        "partner",
        "child",
    ]
    reads = document["@reverse"]["prov:used"]
    assert reads[0]["prov:wasAssociatedWith"]["skos:prefLabel"] == "Burgerzaken"
    assert "Vanhoutte" not in response.content.decode()
    body = response.content.decode()
    for number in family["other_numbers"]:
        for written in written_forms(number):
            assert written not in body
    assert ActivityRecord.objects.filter(action="my_data.downloaded").count() == 1


def test_every_term_of_the_download_is_defined_by_its_contexts(english, family):
    sign_in(english, family["an_user"])
    english.post(
        CONTACT,
        {
            "email": "an@example.org",
            "mobile": "0470 12 34 56",
            "preferred_channel": "email",
            "language": "nl",
            **{f"topic_{t}": "preferred" for t in Topic.values},
        },
    )
    CorrectionRequest.objects.create(
        person=family["an"], item_key="family_name", item_label="Family name", remark="typo"
    )
    document = json.loads(english.get(DOWNLOAD).content)
    local = jsonld.local_context(document["@context"][0])["@context"]
    inline = document["@context"][1]
    for term in _terms(document):
        if ":" in term:
            assert term.split(":", 1)[0] in inline, term
        else:
            assert term in local, term
    assert "toestemming:dataSubject" in document["@reverse"]
    assert "schema:about" in document["@reverse"]


def test_the_local_context_is_a_faithful_offline_copy():
    context = jsonld.local_context(jsonld.PERSOON_BASIS_CONTEXT_URL)["@context"]
    iris = [v if isinstance(v, str) else v["@id"] for v in context.values()]
    persoon = [iri for iri in iris if "/ns/persoon#" in iri]
    assert persoon
    assert all(iri.startswith("http://data.vlaanderen.be/ns/persoon#") for iri in persoon)
    assert context["achternaam"]["@id"] == "http://xmlns.com/foaf/0.1/familyName"
    with pytest.raises(jsonld.UnknownContext):
        jsonld.local_context("https://example.org/context.jsonld")


# --- Reporting a mistake ----------------------------------------------------------


def test_reporting_a_mistake(english, family):
    sign_in(english, family["an_user"])
    url = reverse("portal:correction_report", args=["family_name"])
    form = english.get(url)
    assert form.status_code == 200
    assert "Claeys" in form.content.decode()
    empty = english.post(url, {"remark": ""})
    assert empty.status_code == 200
    assert CorrectionRequest.objects.count() == 0
    response = english.post(url, {"remark": "It is Claeijs, with ij."}, follow=True)
    html = response.content.decode()
    assert "Thank you" in html
    today = datetime.date.today()
    assert f"Reported on {today.day} {today:%B %Y}, being handled" in html
    correction = CorrectionRequest.objects.get()
    assert (correction.person, correction.reported_by) == (family["an"], family["an_user"])
    assert correction.current_value == "Claeys"
    assert ActivityRecord.objects.filter(action="my_data.correction_reported").exists()
    again = english.post(url, {"remark": "Once more."})
    assert "we are handling it" in again.content.decode()
    assert CorrectionRequest.objects.count() == 1


def test_the_national_number_is_reported_without_it_in_the_address(english, family):
    sign_in(english, family["an_user"])
    url = reverse("portal:correction_report", args=["national_number"])
    assert family["an_number"] not in url
    english.post(url, {"remark": "Wrong check digits."})
    assert CorrectionRequest.objects.get().current_value == family["an"].national_number_masked


# --- Contact preferences --------------------------------------------------------------


def contact_form(**changes):
    return {
        "email": "an@example.org",
        "mobile": "",
        "preferred_channel": "email",
        "language": "nl",
        **{f"topic_{t}": "preferred" for t in Topic.values},
        "topic_news": "none",
        "topic_waste_collection": "none",
        **changes,
    }


def test_contact_preferences_are_changed_in_one_place(english, family):
    sign_in(english, family["an_user"])
    assert english.get(CONTACT).status_code == 200
    response = english.post(
        CONTACT,
        contact_form(
            mobile="0470 12 34 56", preferred_channel="sms", topic_news="email", language="fr"
        ),
    )
    assert response.status_code == 302
    an = Person.objects.get(pk=family["an"].pk)
    assert (an.mobile, an.language) == ("+32470123456", "fr")
    assert ContactPreference.objects.get(person=an).preferred_channel == "sms"
    assert Consent.objects.get(person=an, topic=Topic.NEWS).given
    assert ActivityRecord.objects.filter(action="contact_preferences.changed").exists()
    html = english.get(MY_DATA).content.decode()
    assert "+32470123456" in html
    assert "the resident, via My data" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "an@@example"}, "name@example.org"),
        ({"mobile": "0470 12"}, "not a valid telephone number"),
        ({"preferred_channel": "sms"}, "Give a mobile number"),
    ],
)
def test_wrong_contact_details_show_beside_the_field_and_nothing_is_saved(
    english, family, changes, message
):
    sign_in(english, family["an_user"])
    response = english.post(CONTACT, contact_form(language="fr", **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="field field--error"' in response.content.decode()
    an = Person.objects.get(pk=family["an"].pk)
    assert (an.email, an.mobile, an.language) == ("an@example.org", "", "nl")
    assert not ContactPreference.objects.exists()


def test_a_missing_consent_choice_is_not_taken_for_a_yes(english, family):
    sign_in(english, family["an_user"])
    data = contact_form()
    del data["topic_news"]
    response = english.post(CONTACT, data)
    assert response.status_code == 200
    assert not Consent.objects.exists()


# --- My page, query counts ------------------------------------------------------------


def test_my_page_links_to_my_data_and_contact_preferences(english, family):
    sign_in(english, family["an_user"])
    html = english.get(reverse("portal:my_page")).content.decode()
    assert MY_DATA in html
    assert CONTACT in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MY_DATA).status_code == 200
    return len(queries)


def test_my_data_reads_a_fixed_number_of_queries(english, family, django_assert_max_num_queries):
    sign_in(english, family["an_user"])
    with django_assert_max_num_queries(22):
        english.get(MY_DATA)
    few = _queries(english)
    an = family["an"]
    for index in range(5):
        access_log_record(
            actor=family["staff"], person=an, action="view", purpose=f"Dossier {index}"
        )
        Representative.objects.create(
            organisation=OrganisationFactory(), person=an, role="treasurer", start_date=ON
        )
        CorrectionRequest.objects.create(
            person=an, item_key=f"x{index}", item_label="x", remark="x", status="handled"
        )
    assert _queries(english) == few


def test_the_domicile_links_its_street_of_the_address_register(english, family):
    from townhall.registry.models import Street

    Street.objects.filter(pk=family["an"].domicile.street_id).update(best_id=54321)
    sign_in(english, family["an_user"])
    document = json.loads(english.get(DOWNLOAD).content)

    address = document["heeftVerblijfplaats"][0]["verblijfsadres"]
    assert address["adres:heeftStraatnaam"] == "Kerkstraat"
    assert address["adres:Straatnaam"] == {
        "@id": "https://data.vlaanderen.be/id/straatnaam/54321",
        "@type": "adres:Straatnaam",
        "adres:Straatnaam.straatnaam": "Kerkstraat",
    }
