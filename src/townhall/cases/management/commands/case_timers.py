"""Fire the workflow timers that are due (reminders, deadlines), once or every N seconds.

In production, run it as a small service beside the workers (``--every 60``) or from
a timer; ``run_demo`` starts it with the demo.
"""

import signal
import time

from django.core.management.base import BaseCommand

from townhall.cases.services import case_timers_run


class Command(BaseCommand):
    help = "Fire the timers of the workflows that are due (reminders, deadlines)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, every, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            moved = case_timers_run()
            if moved or options["verbosity"] > 1:
                self.stdout.write(f"Timers fired on {moved} case(s).")
            if not every:
                return
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if stopping:
                return
