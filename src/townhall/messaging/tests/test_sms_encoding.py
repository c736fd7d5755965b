import dataclasses

import pytest

from townhall.messaging.sms.encoding import GSM7_BASIC, GSM7_EXTENSION, SmsLength, sms_length


def test_the_tables_have_the_size_of_3gpp_ts_23_038():
    assert len(GSM7_BASIC) == 127  # 128 codes, less the escape
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


def test_empty_text_is_one_segment_of_nothing():
    assert sms_length("") == SmsLength("GSM-7", 0, 1, 160, 160)


def test_the_result_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        sms_length("hallo").units = 1


@pytest.mark.parametrize(
    ("size", "segments", "per_segment", "remaining"),
    [
        (1, 1, 160, 159),
        (160, 1, 160, 0),
        (161, 2, 153, 145),
        (306, 2, 153, 0),
        (307, 3, 153, 152),
        (459, 3, 153, 0),
    ],
)
def test_gsm7_boundaries(size, segments, per_segment, remaining):
    length = sms_length("a" * size)
    assert (length.encoding, length.units) == ("GSM-7", size)
    assert (length.segments, length.per_segment, length.remaining) == (
        segments,
        per_segment,
        remaining,
    )


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_an_extension_character_costs_two_septets(char):
    length = sms_length(f"a{char}b")
    assert (length.encoding, length.units) == ("GSM-7", 4)


def test_euro_signs_fill_a_single_sms_at_eighty():
    assert sms_length("€" * 80) == SmsLength("GSM-7", 160, 1, 160, 0)
    assert sms_length("a" * 159 + "€").segments == 2  # 161 septets


def test_an_escape_pair_is_never_split_over_two_segments():
    # 306 septets would fit two segments exactly, but the first € falls on the
    # boundary (152 + 2 > 153) and moves whole: segment 1 keeps 152 septets.
    text = "a" * 152 + "€" * 77
    length = sms_length(text)
    assert length.units == 306
    assert length.segments == 3
    assert length.remaining == 153 - 2


def test_an_escape_pair_that_fits_stays():
    length = sms_length("a" * 151 + "€" + "b" * 153)
    assert (length.units, length.segments, length.remaining) == (306, 2, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Uw afspraak op het gemeentehuis is bevestigd.",
        "é è à ù ì ò É Ä Ö Ü ä ö ü ñ Ñ Ç Å å Ø ø Æ æ ß",
        "Votre rendez-vous à la maison communale: 10h, salle 2 (€ 5,00) [ok] {x} ~^|\\",
        "¡¿@£$¥§¤_\r\n",
    ],
)
def test_dutch_and_french_in_the_gsm_alphabet_stay_gsm7(text):
    assert sms_length(text).encoding == "GSM-7"


@pytest.mark.parametrize(
    "text",
    [
        "ça va",  # the small ç is not in the alphabet; only Ç is
        "crêpe",
        "Noël",
        "â",
        "î",
        "ô",
        "û",
        "ï",
        "l’hôtel de ville",  # a typographic apostrophe, as pasted from a word processor
        "10\u00a0h",  # a no-break space
        "Goeiemorgen 👋",
    ],
)
def test_any_other_character_switches_to_ucs2(text):
    assert sms_length(text).encoding == "UCS-2"


def test_ucs2_boundaries():
    assert sms_length("ê" * 70) == SmsLength("UCS-2", 70, 1, 70, 0)
    assert sms_length("ê" * 71) == SmsLength("UCS-2", 71, 2, 67, 63)
    assert sms_length("ê" * 134) == SmsLength("UCS-2", 134, 2, 67, 0)


def test_an_emoji_counts_two_utf16_units():
    assert sms_length("👍").units == 2
    assert sms_length("ê" * 68 + "👍") == SmsLength("UCS-2", 70, 1, 70, 0)


def test_a_surrogate_pair_is_never_split_over_two_segments():
    # 134 units would fit two segments, but the emoji straddles the boundary.
    length = sms_length("ê" * 66 + "👍" + "ê" * 66)
    assert length.units == 134
    assert length.segments == 3
    assert length.remaining == 66


def test_a_gsm7_text_counts_ucs2_as_soon_as_one_character_needs_it():
    length = sms_length("a" * 100 + "ë")
    assert (length.encoding, length.units, length.segments) == ("UCS-2", 101, 2)
