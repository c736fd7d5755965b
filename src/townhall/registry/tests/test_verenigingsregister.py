"""Associations refreshed from the association register, against a local fake of its API.

The fake (``townhall.demo.fake_verenigingsregister``) is a real HTTP server on
127.0.0.1; the connector's own HTTP client talks to it, nothing reaches the network.
"""

import pytest
from django.core.management import call_command

from townhall.demo.fake_verenigingsregister import (
    FakeVerenigingsregister,
    association_detail,
    closed_port_url,
)
from townhall.registry.associations import (
    associations_refresh,
    associations_refresh_from_feed,
)
from townhall.registry.connectors import register as connectors
from townhall.registry.events import organisation_changed
from townhall.registry.models import (
    Address,
    AssociationActivity,
    Organisation,
    OrganisationAddress,
    RecordSource,
    RegisterFeedPosition,
)
from townhall.registry.provenance import FieldGroup, Source
from townhall.registry.services import address_get_or_create, organisation_create
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db
KEY = "test-key-of-the-register"
CHIRO = "V0001060"
KSA = "V0002020"


def chiro(**changes) -> dict:
    fields = {
        "short_name": "Chiro",
        "activities": (("JEUG", "Jeugdwerk"),),
        "address": {
            "straatnaam": "Kerkstraat",
            "huisnummer": "5",
            "postcode": "8770",
            "gemeente": "Ingelmunster",
        },
        "contacts": (
            ("E-mail", "leiding@chiro.example.org"),
            ("Telefoon", "051 30 12 34"),
            ("Website", "https://chiro.example.org/"),
        ),
        "changed_on": "2026-11-20",
    }
    return association_detail(CHIRO, "Chiro Sint-Jan Ingelmunster", **{**fields, **changes})


@pytest.fixture
def fake():
    return FakeVerenigingsregister(
        {CHIRO: chiro(), KSA: association_detail(KSA, "KSA Ingelmunster", changed_on="2026-11-25")},
        api_key=KEY,
    )


@pytest.fixture
def register(fake, settings):
    """The fake served on a local port, and the settings pointing at it."""
    with fake.serve() as url:
        settings.TOWNHALL_VERENIGINGSREGISTER = {"URL": url, "API_KEY": KEY, "TIMEOUT": (1, 1)}
        yield fake


@pytest.fixture
def associations(db):
    kind = Organisation.Kind.ASSOCIATION
    return {
        CHIRO: organisation_create(
            name=f"Vereniging {CHIRO}", kind=kind, vcode=CHIRO, subsidy_category="Jeugd"
        ),
        KSA: organisation_create(name="KSA", kind=kind, vcode=KSA),
    }


def reloaded(vcode: str) -> Organisation:
    return Organisation.objects.get(vcode=vcode)


def test_an_association_with_only_a_vcode_takes_the_register_s_data(
    register, associations, django_capture_on_commit_callbacks
):
    with (
        events_received(organisation_changed) as got,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = associations_refresh(vcodes=[CHIRO])
    assert report.ok
    organisation = reloaded(CHIRO)
    assert (organisation.name, organisation.alternative_name) == (
        "Chiro Sint-Jan Ingelmunster",
        "Chiro",
    )
    assert (organisation.email, organisation.phone, organisation.website) == (
        "leiding@chiro.example.org",
        "+3251301234",
        "https://chiro.example.org/",
    )
    assert organisation.subsidy_category == "Jeugd"  # local: kept
    office = OrganisationAddress.objects.get(organisation=organisation)
    assert (office.kind, str(office.address)) == (
        OrganisationAddress.Kind.REGISTERED_OFFICE,
        "Kerkstraat 5, 8770 Ingelmunster",
    )
    assert list(organisation.association_activities.values_list("code", "name")) == [
        ("JEUG", "Jeugdwerk")
    ]
    assert set(
        RecordSource.objects.filter(organisation=organisation).values_list("group", "source")
    ) == {
        (FieldGroup.ORGANISATION, Source.ASSOCIATION_REGISTER),
        (FieldGroup.ORGANISATION_CONTACT, Source.ASSOCIATION_REGISTER),
    }
    assert [(e.subject, sorted(e.data["fields"])) for e in got] == [
        (
            f"organisation/{organisation.pk}",
            sorted(
                ["name", "alternative_name", "email", "phone", "website", "addresses", "activities"]
            ),
        )
    ]
    assert register.requests[0][0] == f"/v1/verenigingen/{CHIRO}"
    assert register.requests[0][1]["vr-api-key"] == KEY


def test_a_second_refresh_changes_nothing_and_follows_a_move(register, associations):
    associations_refresh(vcodes=[CHIRO])
    again = associations_refresh(vcodes=[CHIRO])
    assert (again.refreshed, again.unchanged) == ({}, [CHIRO])
    moved = {
        "straatnaam": "Stationsstraat",
        "huisnummer": "41",
        "postcode": "8770",
        "gemeente": "Ingelmunster",
    }
    register.details[CHIRO] = chiro(address=moved, activities=(("MUZI", "Muziek"),))
    report = associations_refresh(vcodes=[CHIRO])
    assert report.refreshed == {CHIRO: ["addresses", "activities"]}
    organisation = reloaded(CHIRO)
    assert [str(a) for a in organisation.addresses.all()] == [
        "Stationsstraat 41, 8770 Ingelmunster"
    ]
    assert list(AssociationActivity.objects.values_list("code", flat=True)) == ["MUZI"]
    # The old address stays in the address register (others may live there).
    assert Address.objects.filter(street_name="Kerkstraat").exists()


def test_an_existing_address_row_is_reused(register, associations):
    existing = address_get_or_create(
        street_name="kerkstraat",
        house_number="5",
        postcode="8770",
        municipality_name="Ingelmunster",
    )
    associations_refresh(vcodes=[CHIRO])
    assert list(reloaded(CHIRO).addresses.all()) == [existing]


def test_all_refreshes_every_organisation_with_a_vcode(register, associations):
    report = associations_refresh()
    assert set(report.refreshed) == {CHIRO, KSA}
    assert reloaded(KSA).name == "KSA Ingelmunster"


def test_the_connector_is_registered_as_a_prefill_source(register, associations):
    record = connectors["verenigingsregister"].fetch_registered_organisation(associations[CHIRO])
    assert (record.name, record.vcode, record.email) == (
        "Chiro Sint-Jan Ingelmunster",
        CHIRO,
        "leiding@chiro.example.org",
    )
    assert record.provenance[FieldGroup.ORGANISATION].source == Source.ASSOCIATION_REGISTER


# --- bad input ----------------------------------------------------------------------


def assert_untouched(vcode: str, name: str) -> None:
    organisation = reloaded(vcode)
    assert organisation.name == name
    assert not organisation.addresses.exists()
    assert not organisation.association_activities.exists()
    assert not RecordSource.objects.filter(organisation=organisation).exists()


def test_the_register_down_fails_every_association_and_writes_nothing(associations, settings):
    settings.TOWNHALL_VERENIGINGSREGISTER = {
        "URL": closed_port_url(),
        "API_KEY": KEY,
        "TIMEOUT": (1, 1),
    }
    report = associations_refresh()
    assert report.failed[CHIRO].startswith(
        "Cannot connect to the association register at http://127.0.0.1:"
    )
    assert report.failed[KSA].startswith("not asked: Cannot connect")
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")


def test_a_register_too_slow_to_answer_is_a_clear_failure(register, associations, settings):
    settings.TOWNHALL_VERENIGINGSREGISTER = {
        **settings.TOWNHALL_VERENIGINGSREGISTER,
        "TIMEOUT": (1, 0.2),
    }
    register.hang(2)
    report = associations_refresh(vcodes=[CHIRO])
    assert report.failed == {CHIRO: "The association register did not answer in time."}
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")


def test_a_server_error_fails_that_association_and_the_run_goes_on(register, associations):
    register.fail_with(500)
    report = associations_refresh()
    assert report.failed == {
        CHIRO: "The association register answered HTTP 500.",
        KSA: "The association register answered HTTP 500.",
    }
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b"<html>Service Unavailable</html>",
            f"The association register's answer about {CHIRO} is not JSON.",
        ),
        (b"[1, 2, 3]", "The register's answer is not a JSON object."),
        (b'{"vereniging": {"vCode": "V0001060"}}', "The register's answer has no name (naam)."),
        (
            b'{"vereniging": {"vCode": "V0001060", "naam": "X", "locaties": "Kerkstraat 5"}}',
            "The register's field locaties is not a list of objects.",
        ),
        (
            b'{"vereniging": {"vCode": "V0009999", "naam": "Other"}}',
            f"The register answered about V0009999 when asked about {CHIRO}.",
        ),
    ],
    ids=["not-json", "not-an-object", "no-name", "wrong-shape", "other-vcode"],
)
def test_garbage_is_refused_with_its_reason(register, associations, body, reason):
    register.answer_raw(body)
    report = associations_refresh(vcodes=[CHIRO])
    assert report.failed == {CHIRO: reason}
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")


def test_a_vcode_the_register_no_longer_knows_is_marked_not_deleted(
    register, associations, django_capture_on_commit_callbacks
):
    associations_refresh(vcodes=[CHIRO])
    register.removed.add(CHIRO)
    with (
        events_received(organisation_changed) as got,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = associations_refresh()
    assert report.removed == [CHIRO]
    assert CHIRO not in report.failed
    assert set(report.refreshed) == {KSA}
    organisation = reloaded(CHIRO)
    assert organisation.removed_from_register_on is not None
    assert organisation.name == "Chiro Sint-Jan Ingelmunster"  # kept as it was
    assert organisation.addresses.count() == 1
    assert [e.data["fields"] for e in got if e.subject == f"organisation/{organisation.pk}"] == [
        ["removed_from_register_on"]
    ]
    # Back in the register: the mark goes.
    register.removed.discard(CHIRO)
    assert associations_refresh(vcodes=[CHIRO]).refreshed == {CHIRO: ["removed_from_register_on"]}
    assert reloaded(CHIRO).removed_from_register_on is None


def test_a_wrong_key_names_the_setting(register, associations, settings):
    settings.TOWNHALL_VERENIGINGSREGISTER = {
        **settings.TOWNHALL_VERENIGINGSREGISTER,
        "API_KEY": "wrong",
    }
    report = associations_refresh()
    assert report.failed[CHIRO] == (
        "The association register refused the key (HTTP 401): check "
        "TOWNHALL_VERENIGINGSREGISTER_API_KEY."
    )
    assert report.failed[KSA].startswith("not asked: The association register refused the key")
    assert len(register.requests) == 1  # the run stopped at the first refusal


def test_no_key_at_all_asks_nothing(register, associations, settings):
    settings.TOWNHALL_VERENIGINGSREGISTER = {**settings.TOWNHALL_VERENIGINGSREGISTER, "API_KEY": ""}
    report = associations_refresh(vcodes=[CHIRO])
    assert report.failed == {
        CHIRO: "No key for the association register: set TOWNHALL_VERENIGINGSREGISTER_API_KEY."
    }
    assert register.requests == []


def test_values_that_do_not_fit_fail_that_association_only(register, associations):
    register.details[CHIRO]["vereniging"]["naam"] = "N" * 250
    report = associations_refresh()
    assert report.failed[CHIRO].startswith("not saved: name: Ensure this value has at most 200")
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")
    assert reloaded(KSA).name == "KSA Ingelmunster"


def test_unusable_parts_are_left_out_and_noted(register, associations):
    detail = chiro(contacts=(("E-mail", "not an address"), ("Telefoon", "12")))
    detail["vereniging"]["locaties"].append(
        {
            "locatietype": "Activiteiten",
            "isPrimair": False,
            "adresvoorstelling": "Rue X 1, 7500 Tournai",
        }
    )
    detail["vereniging"]["locaties"].append(
        {
            "locatietype": "Activiteiten",
            "adres": {
                "straatnaam": "Hauptstraße",
                "huisnummer": "1",
                "postcode": "10115",
                "gemeente": "Berlin",
                "land": "Duitsland",
            },
        }
    )
    register.details[CHIRO] = detail
    report = associations_refresh(vcodes=[CHIRO])
    assert report.ok
    assert report.notes[CHIRO] == [
        "location without a structured address: Rue X 1, 7500 Tournai",
        "address abroad: Activiteiten",
        "the register's e-mail address is not valid; ours is kept",
        "the register's telephone number is not valid; ours is kept",
    ]
    assert reloaded(CHIRO).addresses.count() == 1


# --- the feed -----------------------------------------------------------------------


def test_the_feed_refreshes_ours_and_stores_its_position(register, associations):
    register.details["V0003030"] = association_detail(
        "V0003030", "Not ours", changed_on="2026-11-28"
    )
    report = associations_refresh_from_feed()
    assert report.ok
    assert set(report.refreshed) == {CHIRO, KSA}
    assert (report.not_ours, report.position) == (1, "2026-11-28")
    assert RegisterFeedPosition.objects.get().position == "2026-11-28"
    assert not Organisation.objects.filter(vcode="V0003030").exists()
    # Next time only what changed since that position is applied.
    register.details[KSA] = association_detail(KSA, "KSA Ingelmunster vzw", changed_on="2026-12-01")
    again = associations_refresh_from_feed()
    assert (again.refreshed, again.not_changed_since) == ({KSA: ["name"]}, 1)
    assert again.position == "2026-12-01"


def test_a_bad_feed_entry_is_reported_and_the_others_refresh(register, associations):
    register.details[CHIRO]["vereniging"]["naam"] = "N" * 250
    register.details["V0004040"] = {"not": "an association"}
    report = associations_refresh_from_feed()
    assert set(report.failed) == {CHIRO, "entry 3"}
    assert report.failed["entry 3"] == (
        "line 3 of the feed: The register's answer holds no association (vereniging)."
    )
    assert set(report.refreshed) == {KSA}
    # The position stays before the failed association, so it is tried again.
    assert report.position == "2026-11-20"


def test_a_feed_that_cannot_be_read_keeps_the_position(register, associations):
    RegisterFeedPosition.objects.create(feed="verenigingsregister", position="2026-11-01")
    register.fail_with(503)
    report = associations_refresh_from_feed()
    assert report.failed == {"feed": "The association register answered HTTP 503."}
    assert RegisterFeedPosition.objects.get().position == "2026-11-01"
    assert_untouched(CHIRO, f"Vereniging {CHIRO}")


# --- the command --------------------------------------------------------------------


def test_the_command_prints_the_report_and_fails_when_one_failed(register, associations, capsys):
    register.removed.add(KSA)
    with pytest.raises(SystemExit):
        call_command("refresh_associations", CHIRO, KSA, "V0000001")
    out, err = capsys.readouterr()
    assert f"{CHIRO}: refreshed (" in out
    assert f"{KSA}: no longer in the association register; marked, kept" in out
    assert "V0000001: FAILED: No organisation in our register has this vCode." in err


def test_the_command_exits_1_on_a_failure(register, associations):
    register.fail_with(500)
    with pytest.raises(SystemExit) as exited:
        call_command("refresh_associations", "--all")
    assert exited.value.code == 1


def test_the_command_refuses_a_bad_vcode(register, associations):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="A vCode is the letter V followed by seven digits"):
        call_command("refresh_associations", "X123")
