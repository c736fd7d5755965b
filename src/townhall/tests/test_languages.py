"""The languages are listed once, in townhall.languages, and every other place follows it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from townhall import languages
from townhall import settings as project_settings
from townhall.importers.population_rows import LANGUAGES as POPULATION_LANGUAGES
from townhall.messaging.models import Message, TemplateText
from townhall.messaging.templates import TEMPLATE_LANGUAGES
from townhall.municipality.models import Municipality
from townhall.portal.forms import ContactPreferencesForm
from townhall.registry.contact import contact_settings_for
from townhall.registry.models import Person
from townhall.registry.tests.factories import PersonFactory

SOURCE = Path(__file__).resolve().parents[1]
# Two language codes side by side ("nl", "fr"), or a code labelled by hand ("nl": _(...)).
LANGUAGE_LIST = re.compile(
    r'"(?:nl|fr|en|de)"\s*,\s*"(?:nl|fr|en|de)"|"(?:nl|fr|en|de)":\s*_\('
    r'|_\("(?:Dutch|French|English|German)"\)'
)


def codes(choices) -> tuple[str, ...]:
    return tuple(code for code, _name in choices)


def test_no_module_writes_its_own_list_of_languages():
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "languages.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LANGUAGE_LIST.search(line)
    ]
    assert found == []


def test_the_interface_speaks_dutch_french_and_english_dutch_first():
    assert codes(settings.LANGUAGES) == languages.INTERFACE == ("nl", "fr", "en")
    # The project's own default (the tests' fixture switches the setting to English).
    assert project_settings.LANGUAGE_CODE == languages.FALLBACK == "nl"


def test_the_register_holds_german_as_the_national_register_delivers_it():
    assert codes(Person._meta.get_field("language").choices) == languages.REGISTER
    assert "de" in languages.REGISTER
    assert "de" not in languages.INTERFACE
    assert set(POPULATION_LANGUAGES) == set(languages.REGISTER)


def test_messages_and_templates_are_written_in_the_interface_languages_only():
    for model in (Message, TemplateText):
        assert codes(model._meta.get_field("language").choices) == languages.INTERFACE
    assert TEMPLATE_LANGUAGES == languages.INTERFACE


def test_a_german_speaker_gets_the_fallback():
    assert languages.interface_language("de") == "nl"
    assert languages.interface_language("fr") == "fr"


@pytest.mark.django_db
def test_a_resident_chooses_among_the_languages_we_write_in():
    form = ContactPreferencesForm(current=contact_settings_for(PersonFactory(language="nl")))
    assert codes(form.fields["language"].choices) == languages.INTERFACE


@pytest.mark.django_db
def test_german_from_the_register_stays_a_choice_so_that_saving_keeps_it():
    form = ContactPreferencesForm(current=contact_settings_for(PersonFactory(language="de")))
    assert codes(form.fields["language"].choices) == (*languages.INTERFACE, "de")
    assert form.initial["language"] == "de"


def test_a_municipality_offers_interface_languages_only():
    municipality = Municipality(languages=["nl", "de"])
    assert municipality._languages_error() == ("Unknown language codes: de. Known are nl, fr, en.")
    municipality.languages = "nl"
    assert municipality._languages_error() == (
        'Write the languages as a list of codes, for example ["nl", "fr", "en"].'
    )
