"""Quiet hours: no SMS wakes a resident at night (unless the message is urgent).

``QUIET_HOURS`` is a (start, end) pair of local wall-clock times in
``TIME_ZONE`` (Europe/Brussels), such as ("21:00", "08:00"), which crosses
midnight. Wall-clock times keep their meaning over a daylight-saving change:
the night of the change is an hour shorter or longer, and still ends at 08:00.
Equal start and end mean no quiet hours. The caller decides which messages
are urgent and may skip them.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from townhall.messaging.sms.configuration import sms_settings


def quiet_hours_end(now: datetime) -> datetime | None:
    """When the quiet hours around ``now`` end (aware, local time), or None outside them."""
    if now.tzinfo is None:
        raise ValueError("quiet_hours_end() needs an aware datetime.")
    options = sms_settings()
    zone = ZoneInfo(options["TIME_ZONE"])
    start, end = (time.fromisoformat(value) for value in options["QUIET_HOURS"])
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start == end:
        return None
    if start < end:
        inside, end_day = start <= clock < end, local.date()
    else:  # crosses midnight
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    # Through UTC and back, so an end inside a spring-forward gap becomes a real time.
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)
