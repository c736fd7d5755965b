"""Remove the drafts not changed for 30 days, with their uploads; once, or every N
seconds (``--every 3600``) until stopped.

In production, run it daily from a timer (systemd, cron); ``run_demo`` starts it
with the demo. What it removed is logged by the drafts' uuids.
"""

import signal
import time

from django.core.management.base import BaseCommand

from townhall.eforms.drafts import drafts_purge


class Command(BaseCommand):
    help = "Remove unfinished requests (drafts) not changed for 30 days, with their uploads."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, every, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            removed = drafts_purge()
            if removed or options["verbosity"] > 1:
                self.stdout.write(f"Removed {removed} drafts not changed for 30 days.")
            if not every:
                return
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if stopping:
                return
