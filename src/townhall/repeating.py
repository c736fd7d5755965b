"""A management command that does its work once, or every N seconds until stopped.

``--every 60`` repeats the work every minute; SIGTERM (systemd's stop, ``run_demo``'s
Ctrl-C) ends it after the round in progress, without starting another. A subclass
says what one round does in :meth:`RepeatingCommand.work`: how much it did and the
line to print, which is printed when it did something or at ``-v 2``.
"""

import signal
import time

from django.core.management.base import BaseCommand

# How often a waiting command looks whether it was asked to stop.
POLL_SECONDS = 0.2


class RepeatingCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def work(self) -> tuple[int, str]:
        """One round: how much it did, and what to print about it."""
        raise NotImplementedError

    def handle(self, *args, every, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            done, line = self.work()
            if done or options["verbosity"] > 1:
                self.stdout.write(line)
            if not every or stopping:
                return
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
            if stopping:
                return
