"""How long something lasts, in words a resident reads: "15 minutes", "24 hours".

A link's validity or the wait before the next try is kept in seconds; shown as
minutes it can read "1440 minutes". :func:`duration_text` says it in the
largest whole unit, in the active language, with its plural (``ngettext``):
minutes below an hour, hours up to two days (a day's link is "valid for 24
hours", as people say it), days beyond. What does not divide evenly reads as
hours and minutes ("1 hour and 30 minutes"). Never less than a minute.
"""

from django.utils.translation import gettext, ngettext

MINUTE, HOUR, DAY = 60, 3600, 86400


def _minutes(n: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def _hours(n: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def duration_text(seconds: float) -> str:
    """``seconds`` as a resident says it, rounded up to whole minutes."""
    minutes = max(1, -(-int(seconds) // MINUTE))
    total = minutes * MINUTE
    if total >= 2 * DAY and total % DAY == 0:
        return _days(total // DAY)
    if total < HOUR:
        return _minutes(minutes)
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _hours(hours)
    return gettext("%(hours)s and %(minutes)s") % {
        "hours": _hours(hours),
        "minutes": _minutes(rest),
    }
