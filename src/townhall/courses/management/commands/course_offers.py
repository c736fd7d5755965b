"""Expire the offered course places not confirmed before their deadline, offering
each to the next person on the session's waiting list; once, or every N seconds
(``--every 300``) until stopped.

In production, run it every few minutes from a timer (systemd, cron); ``run_demo``
starts it with the demo.
"""

from townhall.courses.services import offers_expire
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Expire unconfirmed offers of course places and offer them to the next one waiting."

    def work(self):
        expired = offers_expire()
        return expired, f"Expired {expired} unconfirmed offers of a course place."
