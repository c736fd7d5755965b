"""Start the deliveries of publications whose scheduled time has come, and send the
daily and weekly digests that are due; once, or every N seconds (``--every 300``)
until stopped.

In production, run it every few minutes from a timer (systemd, cron); ``run_demo``
starts it with the demo.
"""

from townhall.news.delivery import deliveries_due
from townhall.news.digests import digests_send
from townhall.news.models import Frequency
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Deliver scheduled publications and send the news digests that are due."

    def work(self):
        started = deliveries_due()
        daily = digests_send(frequency=Frequency.DAILY)
        weekly = digests_send(frequency=Frequency.WEEKLY)
        done = started + daily + weekly
        return done, (
            f"Started {started} deliveries; sent {daily} daily and {weekly} weekly digests."
        )
