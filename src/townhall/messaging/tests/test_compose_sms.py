"""The SMS text made from an announcement's subject and text: whole words, whole
placeholders, at most two parts once the longest names are filled in."""

import tomllib

import pytest

from townhall.messaging.compose import (
    NAME_ROOM,
    SHORTENED,
    SMS_MAX_SEGMENTS,
    AnnouncementText,
    announcement_problems,
    sms_default,
    sms_room,
)
from townhall.messaging.sms import sms_length
from townhall.messaging.templates import (
    PLACEHOLDER,
    SEED_DIR,
    placeholders_in,
    render,
    sample_recipient,
    text_errors,
)
from townhall.registry.preferences import Channel

ROOM = {**{name: "x" * width for name, width in NAME_ROOM.items()}, "municipality": "Ingelmunster"}
SUBJECT = "Wegenwerken in de Kerkstraat"
# The street announcement of the README, as a newcomer types it: a placeholder in
# the signature and no SMS text. Cut as before, its SMS ended in "Gemeente {{ ...".
README_BODY = (
    "Beste bewoner,\n\nVan maandag 3 tot vrijdag 7 maart vernieuwen we de rijweg en de "
    "voetpaden in de Kerkstraat. De straat is dan afgesloten voor alle verkeer. U kunt "
    "uw wagen parkeren op het Marktplein. Afval zet u op de hoek met de Stationsstraat. "
    "Dank u.\n\nGemeente {{ municipality }}"
)


def assert_sound(source: str, sms: str, room: dict) -> None:
    """Whole placeholders, whole words of the source in their order, and at most two
    parts with every placeholder filled with its room."""
    used = sorted(placeholders_in(sms))
    assert text_errors(subject="", body=sms, declared=used, channel=Channel.SMS) == []
    assert placeholders_in(sms) <= placeholders_in(source)
    tight = PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", " ".join(source.split()))
    words = PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", sms).split(" ")
    if sms.endswith(SHORTENED):
        words = words[:-1]
        # The last word may have lost a comma before the " ...".
        assert tight.startswith(" ".join(words[:-1]))
        assert words[-1] in {word.rstrip(",;:-–") for word in tight.split(" ")}
    else:
        assert " ".join(words) == tight
    filled = render(sms, {**{name: "" for name in placeholders_in(sms)}, **room})
    assert sms_length(filled).segments <= SMS_MAX_SEGMENTS


def test_a_short_text_goes_whole_with_its_placeholders():
    sms = sms_default(SUBJECT, "De straat is dicht.\n\nGemeente {{ municipality }}", room=ROOM)

    assert sms == "Wegenwerken in de Kerkstraat: De straat is dicht. Gemeente {{ municipality }}"


def test_the_readme_announcement_goes_whole_with_the_municipality_filled_in():
    # Measured with the name it gets ("Ingelmunster") instead of "{{ municipality }}",
    # the text fits in two parts: the placeholder is neither cut nor dropped.
    sms = sms_default(SUBJECT, README_BODY, room=ROOM)

    assert sms.endswith("Dank u. Gemeente {{ municipality }}")
    assert_sound(f"{SUBJECT}: {README_BODY}", sms, ROOM)


def test_the_readme_announcement_with_a_longer_name_is_cut_after_a_word():
    room = {**ROOM, "municipality": "Sint-Lambrechts-Woluwe"}
    sms = sms_default(SUBJECT, README_BODY, room=room)

    assert sms.endswith(SHORTENED)
    assert "{{" not in sms  # cut before "Gemeente {{ municipality }}", never inside it
    assert_sound(f"{SUBJECT}: {README_BODY}", sms, room)


@pytest.mark.parametrize("filler", range(0, 80, 3))
def test_wherever_the_cut_falls_a_placeholder_stays_whole(filler):
    # Longer and longer texts move the cut over "Gemeente {{ municipality }}" and
    # over the placeholders in the middle, written with and without spaces.
    body = (
        "Beste {{ given_names }}, " + "de straat gaat dicht " * filler + "want {{full_name}} "
        "en {{ family_name }} wonen er. "
        + "Wegenwerken duren lang. " * 6
        + "Gemeente {{ municipality }}"
    )
    sms = sms_default(SUBJECT, body, room=ROOM)

    assert_sound(f"{SUBJECT}: {body}", sms, ROOM)


def test_the_cut_leaves_room_for_the_longest_names():
    body = "{{ full_name }}, " + "de Kerkstraat is afgesloten voor wegenwerken. " * 12
    sms = sms_default(SUBJECT, body, room=ROOM)
    long_name = "Maximiliaan Alexander Van den Broeck-Vandeputte"  # 47 characters

    assert sms_length(render(sms, {"full_name": long_name})).segments <= SMS_MAX_SEGMENTS
    # Measured with the sample's short name, the cut would leave no such room.
    tight = sms_default(SUBJECT, body, room={"full_name": "An Peeters"})
    assert len(tight) > len(sms)
    assert sms_length(render(tight, {"full_name": long_name})).segments > SMS_MAX_SEGMENTS


@pytest.mark.parametrize("repeat", range(60, 70))
def test_a_comma_before_the_cut_goes(repeat):
    sms = sms_default(SUBJECT, "Beste bewoner, " + "straat, " * repeat, room=ROOM)

    assert sms.endswith(" straat ...")


@pytest.mark.parametrize("repeat", range(30, 40))
def test_a_mark_standing_alone_before_the_cut_goes(repeat):
    # French puts a space before a colon: the cut drops the lone mark too.
    sms = sms_default(SUBJECT, "Bonjour, " + "rue fermée : " * repeat, room=ROOM)

    assert sms.endswith(" fermée ...") or sms.endswith(" rue ...")


def test_a_subject_that_ends_in_a_mark_gets_no_colon():
    assert sms_default("Let op!", "Water afgesloten.", room=ROOM) == "Let op! Water afgesloten."


SEEDS = {
    data["code"]: data
    for data in (
        tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(SEED_DIR.glob("*.toml"))
    )
}


@pytest.mark.parametrize(
    ("code", "language"),
    # An SMS-only template (a confirmation code) has no e-mail to make one from.
    [(code, language) for code, data in SEEDS.items() for language in data.get("email", ())],
)
def test_every_demo_template_makes_a_sound_sms_text(code, language):
    """Each seed template's e-mail, as if staff had written it as an announcement
    without an SMS text: sound with its sample values, and with long names too."""
    email = SEEDS[code]["email"][language]
    sample = {**sample_recipient(), **SEEDS[code].get("sample", {})}
    for room in (sample, {**sample, **ROOM}):
        sms = sms_default(email["subject"], email["body"], room=room)
        assert_sound(f"{email['subject']}: {email['body']}", sms, room)
        assert "{{" not in render(sms, room)  # every placeholder left has its value


def test_the_room_is_the_municipality_name_in_the_language_and_space_for_names(db):
    from townhall.municipality.tests.factories import municipality_for_tests

    municipality = municipality_for_tests()
    room = sms_room("fr")

    assert room["municipality"] == municipality.localized_name("fr")
    assert room["full_name"] == "x" * NAME_ROOM["full_name"]


def test_the_made_sms_text_is_checked_with_the_texts(db):
    sound = AnnouncementText("nl", SUBJECT, README_BODY)
    assert announcement_problems([sound]) == {}
    # A wrong placeholder in the text is reported once, at the text, not again at the SMS.
    wrong = AnnouncementText("nl", SUBJECT, "Beste {{ Naam }}, de straat is dicht.")
    assert list(announcement_problems([wrong])) == [("nl", "text")]
    # A written SMS text is checked on its own.
    written = AnnouncementText("nl", SUBJECT, README_BODY, sms="Dicht {{ straat }")
    assert list(announcement_problems([written])) == [("nl", "sms")]
