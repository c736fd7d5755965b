"""The municipality profile: one active municipality, its codes, branding and names."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from townhall.municipality.branding import contrast_ratio, relative_luminance
from townhall.municipality.context_processors import municipality as municipality_context
from townhall.municipality.models import Department, Municipality, OpeningHours, Postcode


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the language of the source strings."""
    with translation.override("en"):
        yield


def build(**fields) -> Municipality:
    return Municipality(
        **{
            "name": "Ingelmunster",
            "name_fr": "",
            "name_en": "",
            "nis_code": "36007",
            "street": "Bruggestraat",
            "house_number": "1",
            "postcode": "8770",
            "email": "info@ingelmunster.example.org",
            "phone": "+32 51 33 74 00",
            "languages": ["nl", "fr", "en"],
            **fields,
        }
    )


def errors_of(municipality: Municipality) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        municipality.full_clean()
    return caught.value.message_dict


# --- One active municipality ---------------------------------------------------


@pytest.mark.django_db
def test_only_one_municipality_can_be_active():
    build(is_active=True).save()
    errors = errors_of(build(name="Izegem", nis_code="36008", is_active=True))
    assert errors == {NON_FIELD_ERRORS: ["Only one municipality can be active."]}


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_municipality():
    build(is_active=True).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        build(name="Izegem", is_active=True).save()


@pytest.mark.django_db
def test_inactive_municipalities_are_not_limited():
    build(is_active=True).save()
    for name in ("Izegem", "Meulebeke"):
        other = build(name=name)
        other.full_clean()
        other.save()
    assert Municipality.objects.count() == 3


# --- Codes -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_profile_passes():
    build(enterprise_number="0403019261").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("nis_code", ["3600", "360071", "3600A", ""])
def test_nis_code_has_five_digits(nis_code):
    errors = errors_of(build(nis_code=nis_code))
    assert list(errors) == ["nis_code"]


@pytest.mark.django_db
def test_nis_code_message():
    assert errors_of(build(nis_code="3600"))["nis_code"] == [
        "A NIS code has exactly five digits (for example 36007)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", ["0877", "877", "87700", "877A"])
def test_postcode_has_four_digits_not_starting_with_0(postcode):
    errors = errors_of(build(postcode=postcode))
    assert "postcode" in errors
    assert "four digits" in errors["postcode"][0]


@pytest.mark.django_db
def test_postcodes_of_the_municipality_are_checked_too():
    municipality = build()
    municipality.save()
    with pytest.raises(ValidationError) as caught:
        Postcode(municipality=municipality, code="0999", place_name="Nergens").full_clean()
    assert list(caught.value.message_dict) == ["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0403019262", "0403.019.261", "12345"])
def test_enterprise_number_is_checked(number):
    errors = errors_of(build(enterprise_number=number))
    assert list(errors) == ["enterprise_number"]


# --- Branding -----------------------------------------------------------------


def test_contrast_of_black_on_white_is_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#1d4f91", "#1d4f91") == pytest.approx(1)


def test_relative_luminance_of_black_and_white():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)


@pytest.mark.django_db
def test_the_default_primary_colour_is_accepted():
    municipality = build()
    assert municipality.primary_colour == "#1d4f91"
    assert contrast_ratio(municipality.primary_colour, "#ffffff") >= 4.5
    municipality.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("colour", ["#ffc515", "#ffffff", "#777777"])
def test_a_light_primary_colour_is_rejected(colour):
    errors = errors_of(build(primary_colour=colour))
    assert list(errors) == ["primary_colour"]
    assert "4.5:1" in errors["primary_colour"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("colour", ["#12", "1d4f91", "#gggggg"])
def test_a_malformed_colour_gets_the_format_message(colour):
    errors = errors_of(build(primary_colour=colour))
    assert errors == {"primary_colour": ["Write a colour as # followed by six hexadecimal digits."]}


# --- Languages --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("languages", [["nl"], ["nl", "fr"], ["nl", "en", "fr"]])
def test_languages_accepted(languages):
    build(languages=languages).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("languages", "message"),
    [
        (["nl", "de"], "Unknown language codes: de."),
        (["fr", "nl"], "Dutch (nl) comes first"),
        (["nl", "fr", "nl"], "once"),
        ("nl", "list of codes"),
        ({"nl": True}, "list of codes"),
        ([], "cannot be blank"),
    ],
)
def test_languages_rejected(languages, message):
    errors = errors_of(build(languages=languages))
    assert list(errors) == ["languages"]
    assert message in errors["languages"][0]


@pytest.mark.django_db
def test_all_errors_are_reported_together():
    errors = errors_of(build(languages=["xx"], primary_colour="#ffffff"))
    assert set(errors) == {"languages", "primary_colour"}


# --- Names in the visitor's language ---------------------------------------------


def test_localized_name_falls_back_to_dutch():
    municipality = build(name="Ingelmunster", name_fr="Ingelmunster-FR", name_en="")
    assert municipality.localized_name("fr") == "Ingelmunster-FR"
    assert municipality.localized_name("en") == "Ingelmunster"
    assert municipality.localized_name("nl") == "Ingelmunster"
    assert municipality.localized_name("de") == "Ingelmunster"


def test_department_localized_name():
    department = Department(name="Burgerzaken", name_fr="Population", name_en="")
    assert department.localized_name("fr") == "Population"
    assert department.localized_name("en") == "Burgerzaken"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Burgerzaken"),
        ("fr", "Population"),
        ("en", "Citizens' affairs"),
        ("fr-be", "Population"),
    ],
)
def test_the_localized_filter_follows_the_active_language(language, expected):
    department = Department(name="Burgerzaken", name_fr="Population", name_en="Citizens' affairs")
    template = Template("{% load municipality %}{{ department|localized }}")
    with translation.override(language):
        rendered = template.render(Context({"department": department}, autoescape=False))
    assert rendered == expected


def test_the_localized_filter_without_a_municipality():
    template = Template("{% load municipality %}[{{ municipality|localized }}]")
    assert template.render(Context({"municipality": None})) == "[]"
    assert template.render(Context({})) == "[]"


# --- The context processor ----------------------------------------------------


@pytest.mark.django_db
def test_the_context_processor_fetches_once_per_request():
    active = build(is_active=True)
    active.save()
    library = Department.objects.create(municipality=active, code="library", name="Bibliotheek")
    counter = OpeningHours.objects.create(
        municipality=active, weekday=0, opens=datetime.time(9), closes=datetime.time(12)
    )
    OpeningHours.objects.create(
        municipality=active,
        department=library,
        weekday=0,
        opens=datetime.time(14),
        closes=datetime.time(18),
    )
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as first:
        context = municipality_context(request)
    assert context["municipality"] == active
    assert context["counter_hours"] == [counter]
    assert len(first) >= 1
    with CaptureQueriesContext(connection) as again:
        assert municipality_context(request)["municipality"] is context["municipality"]
        municipality_context(request)
    assert len(again) == 0
    # A new request finds the profile in the cache.
    with CaptureQueriesContext(connection) as next_request:
        assert municipality_context(RequestFactory().get("/"))["municipality"] == active
    assert len(next_request) == 0


def _read_fresh(request_path="/") -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        context = municipality_context(RequestFactory().get(request_path))
    return context, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["profile", "postcode", "department", "hours", "deleted"])
def test_a_change_by_staff_shows_on_the_next_request(change):
    active = build(is_active=True)
    active.save()
    hours = OpeningHours.objects.create(
        municipality=active, weekday=0, opens=datetime.time(9), closes=datetime.time(12)
    )
    _read_fresh()
    assert _read_fresh()[1] == 0  # kept
    if change == "profile":
        active.name = "Ingelmunster-Centrum"
        active.save()
    elif change == "postcode":
        Postcode.objects.create(municipality=active, code="8770", place_name="Ingelmunster")
    elif change == "department":
        Department.objects.create(municipality=active, code="library", name="Bibliotheek")
    elif change == "hours":
        hours.closes = datetime.time(13)
        hours.save()
    else:
        hours.delete()
    context, queries = _read_fresh()
    assert queries == 4  # read again: the profile, its postcodes, departments and hours
    shown = context["municipality"]
    assert (shown.name, shown.postcodes.count(), shown.departments.count()) == (
        active.name,
        Postcode.objects.count(),
        Department.objects.count(),
    )
    assert context["counter_hours"] == list(OpeningHours.objects.all())


@pytest.mark.django_db
def test_without_a_cache_time_every_request_reads_the_profile(settings):
    settings.TOWNHALL_PAGE_CACHE_SECONDS = 0
    build(is_active=True).save()
    assert _read_fresh()[1] == 4
    assert _read_fresh()[1] == 4


@pytest.mark.django_db
def test_the_context_processor_without_an_active_municipality():
    build().save()  # inactive
    request = RequestFactory().get("/")
    assert municipality_context(request) == {"municipality": None, "counter_hours": []}
    with CaptureQueriesContext(connection) as again:
        municipality_context(request)
    assert len(again) == 0
