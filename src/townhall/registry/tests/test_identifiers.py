"""Belgian identifiers: national register, bis and enterprise numbers, vCodes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from townhall.registry.identifiers import (
    BIS,
    NATIONAL_REGISTER,
    format_enterprise_number,
    parse_enterprise_number,
    parse_person_number,
    parse_vcode,
)
from townhall.registry.tests.factories import (
    BIS_SEX_KNOWN,
    BIS_SEX_UNKNOWN,
    enterprise_number,
    person_number,
)


def error_of(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message_dict


def assert_readable(messages: list[str]) -> None:
    """One sentence a person can act on, not a code or an exception name."""
    assert len(messages) == 1
    message = messages[0]
    assert message[0].isupper()
    assert message.endswith(".")
    assert " " in message
    assert "Invalid" not in message
    assert "Error" not in message


# --- National register numbers ------------------------------------------------


def test_published_example_of_1985():
    parsed = parse_person_number("85073003328")
    assert parsed.kind == NATIONAL_REGISTER
    assert parsed.birth_date == datetime.date(1985, 7, 30)
    assert parsed.sex == "m"
    assert parsed.formatted == "85.07.30-033.28"


def test_published_example_of_2017_checks_with_the_2_in_front():
    parsed = parse_person_number("17073003384")
    assert parsed.birth_date == datetime.date(2017, 7, 30)
    assert parsed.birth_year == 2017


def test_check_digits_without_the_2_do_not_make_a_2017_number():
    # 55 is the check without the prefix: valid only as someone born in 1917.
    parsed = parse_person_number("17073003355")
    assert parsed.birth_year == 1917
    assert parsed.birth_date != datetime.date(2017, 7, 30)


def test_wrong_check_digits_are_plain_for_a_resident():
    errors = error_of(parse_person_number, "85073003329")
    assert errors == {
        "national_number": [
            "This national register number is not right. Check it on the identity card."
        ]
    }


def test_wrong_check_digits_tell_staff_the_rule():
    errors = error_of(parse_person_number, "85073003329", for_staff=True)
    assert list(errors) == ["national_number"]
    message = errors["national_number"][0]
    assert message.startswith("This national register number is not right.")
    assert "check digits" in message
    assert "2000" in message
    assert_readable(errors["national_number"])


@pytest.mark.parametrize(
    ("year", "expected_check_base"),
    [(1999, "991231001"), (2000, "2001231001")],
)
def test_people_born_in_1999_and_2000_each_get_their_century(year, expected_check_base):
    number = person_number(year, 12, 31, 1)
    assert number[-2:] == f"{97 - int(expected_check_base) % 97:02d}"
    parsed = parse_person_number(number)
    assert parsed.birth_date == datetime.date(year, 12, 31)
    assert parsed.sex == "m"


def test_a_1999_number_is_not_read_as_2099_nor_a_2000_number_as_1900():
    number_1999 = person_number(1999, 1, 1, 2)
    number_2000 = person_number(2000, 1, 1, 2)
    assert parse_person_number(number_1999).birth_year == 1999
    assert parse_person_number(number_2000).birth_year == 2000
    assert parse_person_number(number_2000).sex == "f"
    # The 2000 digits with the 1900 check are someone born in 1900.
    first_nine = number_2000[:9]
    as_1900 = f"{first_nine}{97 - int(first_nine) % 97:02d}"
    assert parse_person_number(as_1900).birth_year == 1900


def test_unknown_day_is_accepted():
    parsed = parse_person_number(person_number(1960, 5, 0, 11))
    assert (parsed.birth_year, parsed.birth_month, parsed.birth_day) == (1960, 5, None)
    assert parsed.birth_date is None


def test_unknown_month_and_day_are_accepted():
    parsed = parse_person_number(person_number(1960, 0, 0, 11))
    assert (parsed.birth_year, parsed.birth_month, parsed.birth_day) == (1960, None, None)


@pytest.mark.parametrize(("month", "day"), [(2, 31), (2, 30), (4, 31), (13, 1), (12, 32)], ids=str)
def test_impossible_birth_dates_are_rejected(month, day):
    errors = error_of(parse_person_number, person_number(1985, month, day, 33))
    assert list(errors) == ["national_number"]
    assert_readable(errors["national_number"])
    assert "YYMMDD" not in errors["national_number"][0]  # the detail is for staff
    staff = error_of(parse_person_number, person_number(1985, month, day, 33), for_staff=True)
    assert "birth date" in staff["national_number"][0]


def test_29_february_only_in_a_leap_year():
    assert parse_person_number(person_number(2004, 2, 29, 5)).birth_date == datetime.date(
        2004, 2, 29
    )
    assert (
        "does not exist"
        in error_of(parse_person_number, person_number(2003, 2, 29, 5), for_staff=True)[
            "national_number"
        ][0]
    )


@freeze_time("2026-06-15")
def test_a_birth_date_in_the_future_is_rejected():
    # A fixed mid-year day: on 31 December tomorrow's number would read as a 1900s birth.
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    number = person_number(tomorrow.year, tomorrow.month, tomorrow.day, 1)
    assert "future" in error_of(parse_person_number, number, for_staff=True)["national_number"][0]
    assert "not right" in error_of(parse_person_number, number)["national_number"][0]


@pytest.mark.parametrize("value", ["8507300332", "850730033288", ""])
def test_wrong_length_is_rejected(value):
    errors = error_of(parse_person_number, value)
    assert list(errors) == ["national_number"]
    assert "11 digits" in errors["national_number"][0]


@pytest.mark.parametrize("value", ["8507300332A", "ABCDEFGHIJK", "85073003328x"])
def test_letters_are_rejected(value):
    errors = error_of(parse_person_number, value)
    assert "only digits" in errors["national_number"][0]
    assert_readable(errors["national_number"])


@pytest.mark.parametrize("value", ["85.07.30-033.28", " 85 07 30 033 28 ", "850730-03328"])
def test_written_forms_are_accepted(value):
    assert parse_person_number(value).number == "85073003328"


def test_the_error_names_the_field_asked_for():
    assert list(error_of(parse_person_number, "1", field="egov_nrn")) == ["egov_nrn"]


# --- Bis numbers --------------------------------------------------------------


def test_bis_number_with_sex_unknown():
    parsed = parse_person_number(person_number(1985, 7, 30, 33, month_offset=BIS_SEX_UNKNOWN))
    assert parsed.kind == BIS
    assert parsed.birth_date == datetime.date(1985, 7, 30)
    assert parsed.sex is None


def test_bis_number_with_sex_known():
    parsed = parse_person_number(person_number(1985, 7, 30, 34, month_offset=BIS_SEX_KNOWN))
    assert parsed.kind == BIS
    assert parsed.birth_date == datetime.date(1985, 7, 30)
    assert parsed.sex == "f"


def test_bis_number_born_after_2000():
    parsed = parse_person_number(person_number(2010, 3, 4, 35, month_offset=BIS_SEX_KNOWN))
    assert parsed.birth_date == datetime.date(2010, 3, 4)
    assert parsed.sex == "m"


def test_bis_number_with_unknown_month():
    parsed = parse_person_number(person_number(1970, 0, 0, 35, month_offset=BIS_SEX_UNKNOWN))
    assert parsed.kind == BIS
    assert (parsed.birth_year, parsed.birth_month) == (1970, None)


@pytest.mark.parametrize("month_offset", [BIS_SEX_UNKNOWN, BIS_SEX_KNOWN])
def test_bis_number_with_wrong_check_digits_is_rejected(month_offset):
    number = person_number(1985, 7, 30, 33, month_offset=month_offset)
    wrong = number[:9] + f"{(int(number[9:]) % 97) + 1:02d}"
    errors = error_of(parse_person_number, wrong, for_staff=True)
    assert "check digits" in errors["national_number"][0]


@pytest.mark.parametrize("month", [13, 33, 53, 60])
def test_bis_month_out_of_range_is_rejected(month):
    errors = error_of(parse_person_number, person_number(1985, month, 1, 33), for_staff=True)
    assert list(errors) == ["national_number"]
    assert "birth date" in errors["national_number"][0]


def test_bis_number_on_31_february_is_rejected():
    number = person_number(1985, 2, 31, 33, month_offset=BIS_SEX_KNOWN)
    errors = error_of(parse_person_number, number, for_staff=True)
    assert "does not exist" in errors["national_number"][0]


# --- Enterprise numbers (KBO/BCE) ----------------------------------------------


def test_enterprise_number_valid():
    assert parse_enterprise_number("0403019261") == "0403019261"


@pytest.mark.parametrize(
    "value", ["0403.019.261", "0403 019 261", "BE0403019261", "BE 0403.019.261"]
)
def test_enterprise_number_written_forms(value):
    assert parse_enterprise_number(value) == "0403019261"


def test_enterprise_number_legacy_nine_digits():
    assert parse_enterprise_number("403019261") == "0403019261"
    assert parse_enterprise_number("403.019.261") == "0403019261"


def test_enterprise_number_wrong_check_digits():
    errors = error_of(parse_enterprise_number, "0403019262")
    assert list(errors) == ["enterprise_number"]
    assert "97" in errors["enterprise_number"][0]
    assert_readable(errors["enterprise_number"])


def test_enterprise_number_starting_with_2_is_rejected():
    # Valid modulo 97, but enterprise numbers start with 0 or 1.
    number = enterprise_number(20_000_000)
    assert number.startswith("2")
    errors = error_of(parse_enterprise_number, number)
    assert "starts with 0 or 1" in errors["enterprise_number"][0]


@pytest.mark.parametrize("value", ["04030192", "04030192611", ""])
def test_enterprise_number_wrong_length(value):
    assert "10 digits" in error_of(parse_enterprise_number, value)["enterprise_number"][0]


def test_enterprise_number_letters():
    errors = error_of(parse_enterprise_number, "04030192AB")
    assert list(errors) == ["enterprise_number"]
    assert_readable(errors["enterprise_number"])


def test_enterprise_number_format():
    assert format_enterprise_number("0403019261") == "0403.019.261"


# --- vCodes (association register) ----------------------------------------------


@pytest.mark.parametrize("value", ["V0001060", "v0001060", " V0001060 "])
def test_vcode_valid(value):
    assert parse_vcode(value) == "V0001060"


@pytest.mark.parametrize("value", ["V000106", "V00010600", "W0001060", "0001060", "VABCDEFG", ""])
def test_vcode_invalid(value):
    errors = error_of(parse_vcode, value)
    assert list(errors) == ["vcode"]
    assert "V0001060" in errors["vcode"][0]
    assert_readable(errors["vcode"])
