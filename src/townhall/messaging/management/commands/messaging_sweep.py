"""Run the outbox sweeper once, or every N seconds (``--every 60``) until stopped.

In production, run it from a timer (systemd, cron) or as a small service beside
the workers; ``run_demo`` starts it with the demo.
"""

import signal
import time

from django.core.management.base import BaseCommand

from townhall.messaging.delivery import messages_sweep


class Command(BaseCommand):
    help = "Re-enqueue lost messages and take back those a dead worker left sending."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, every, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            outcome = messages_sweep()
            if any(outcome.values()) or options["verbosity"] > 1:
                self.stdout.write(
                    f"Taken back {outcome['taken_back']}, enqueued again {outcome['requeued']}, "
                    f"broadcasts resumed {outcome['broadcasts']}."
                )
            if not every:
                return
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if stopping:
                return
