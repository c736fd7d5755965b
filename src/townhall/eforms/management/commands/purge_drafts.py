"""Remove the drafts not changed for 30 days, with their uploads; once, or every N
seconds (``--every 3600``) until stopped.

In production, run it daily from a timer (systemd, cron); ``run_demo`` starts it
with the demo. What it removed is logged by the drafts' uuids.
"""

from townhall.eforms.drafts import drafts_purge
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Remove unfinished requests (drafts) not changed for 30 days, with their uploads."

    def work(self):
        removed = drafts_purge()
        return removed, f"Removed {removed} drafts not changed for 30 days."
