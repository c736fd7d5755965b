"""Remove the subscriptions never confirmed within the confirmation link's lifetime
(7 days), and the addresses left without any; once, or every N seconds
(``--every 3600``) until stopped.

In production, run it daily from a timer (systemd, cron); ``run_demo`` starts it
with the demo.
"""

from townhall.news.subscriptions import subscriptions_purge_pending
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Remove news subscriptions never confirmed within 7 days (data minimisation)."

    def work(self):
        removed = subscriptions_purge_pending()
        return removed, f"Removed {removed} subscriptions never confirmed."
