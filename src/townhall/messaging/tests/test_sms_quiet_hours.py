from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from townhall.messaging.sms.quiet_hours import quiet_hours_end

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(text, zone=BRUSSELS):
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.fixture(autouse=True)
def _nights(settings):
    settings.TOWNHALL_SMS = {"QUIET_HOURS": ("21:00", "08:00")}


@pytest.mark.parametrize(
    ("now", "end"),
    [
        ("2025-06-10 20:59:59", None),
        ("2025-06-10 21:00:00", "2025-06-11 08:00:00"),
        ("2025-06-10 23:30:00", "2025-06-11 08:00:00"),
        ("2025-06-11 00:00:00", "2025-06-11 08:00:00"),
        ("2025-06-11 07:59:59", "2025-06-11 08:00:00"),
        ("2025-06-11 08:00:00", None),
        ("2025-06-11 12:00:00", None),
        ("2025-12-31 22:00:00", "2026-01-01 08:00:00"),
    ],
)
def test_quiet_hours_cross_midnight(now, end):
    assert quiet_hours_end(at(now)) == (at(end) if end else None)


def test_the_answer_is_in_brussels_time_whatever_the_zone_of_now():
    # 20:30 UTC is 22:30 in Brussels in summer.
    end = quiet_hours_end(datetime(2025, 6, 10, 20, 30, tzinfo=UTC))

    assert end == at("2025-06-11 08:00:00")
    assert end.tzinfo == BRUSSELS
    assert end.utcoffset().total_seconds() == 2 * 3600


def test_the_night_clocks_go_forward_ends_at_eight_summer_time():
    # 29-30 March 2025: 02:00 CET becomes 03:00 CEST; the night is an hour shorter.
    end = quiet_hours_end(at("2025-03-29 22:00:00"))

    assert end == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)
    assert quiet_hours_end(datetime(2025, 3, 30, 1, 30, tzinfo=UTC)) == end  # 03:30 CEST


def test_the_night_clocks_go_back_ends_at_eight_winter_time():
    # 25-26 October 2025: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    end = quiet_hours_end(at("2025-10-25 23:00:00"))

    assert end == datetime(2025, 10, 26, 7, 0, tzinfo=UTC)
    for fold in (0, 1):
        assert quiet_hours_end(at("2025-10-26 02:30:00").replace(fold=fold)) == end


def test_quiet_hours_within_one_day(settings):
    settings.TOWNHALL_SMS = {"QUIET_HOURS": ("12:00", "13:30")}

    assert quiet_hours_end(at("2025-06-10 12:15:00")) == at("2025-06-10 13:30:00")
    assert quiet_hours_end(at("2025-06-10 13:30:00")) is None
    assert quiet_hours_end(at("2025-06-10 23:00:00")) is None


def test_an_end_in_the_spring_forward_gap_becomes_a_real_time(settings):
    settings.TOWNHALL_SMS = {"QUIET_HOURS": ("21:00", "02:30")}

    end = quiet_hours_end(at("2025-03-29 23:00:00"))

    assert end == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 03:30 CEST, the hour skipped


def test_equal_times_mean_no_quiet_hours(settings):
    settings.TOWNHALL_SMS = {"QUIET_HOURS": ("00:00", "00:00")}

    assert quiet_hours_end(at("2025-06-10 03:00:00")) is None


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        quiet_hours_end(datetime(2025, 6, 10, 23, 0))
