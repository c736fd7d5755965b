"""Run the demo: the web server and the task worker together, stopped together.

``make demo`` calls this after migrating and seeding. Ctrl-C (or SIGTERM)
stops both processes; when one of them dies, the other is stopped too, so a
half-running demo never lingers.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server and the database task worker of the demo together."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")

    def handle(self, *args, addr, **options):
        if not settings.DEMO_MODE:
            raise CommandError("run_demo is for the demo mode only; use gunicorn in production.")
        manage = [sys.executable, "-m", "townhall"]
        # Links in messages (unsubscribe) point at this demo.
        env = {**os.environ}
        env.setdefault("TOWNHALL_PUBLIC_URL", f"http://{addr}")
        worker = [*manage, "db_worker", "--interval", "0.5", "--no-reload", "--queue-name"]
        # Our own interpreter with an argument list and no shell: --addr stays one argument.
        # Personal messages and bulk work have their own worker, so a broadcast never
        # delays a decision; the sweeper takes back what a stopped worker left.
        processes = {
            "web server": subprocess.Popen(  # noqa: S603
                [*manage, "runserver", addr, "--noreload"], env=env
            ),
            "task worker": subprocess.Popen([*worker, "default,urgent"], env=env),  # noqa: S603
            "bulk worker": subprocess.Popen([*worker, "bulk"], env=env),  # noqa: S603
            "message sweeper": subprocess.Popen(  # noqa: S603
                [*manage, "messaging_sweep", "--every", "60"], env=env
            ),
            # The workflows' timers (a reminder after a week without an answer).
            "case timers": subprocess.Popen(  # noqa: S603
                [*manage, "case_timers", "--every", "60"], env=env
            ),
            # Unfinished requests not changed for 30 days go, checked every hour.
            "draft sweeper": subprocess.Popen(  # noqa: S603
                [*manage, "purge_drafts", "--every", "3600"], env=env
            ),
            # News subscriptions never confirmed within the link's 7 days go.
            "subscription sweeper": subprocess.Popen(  # noqa: S603
                [*manage, "purge_pending_subscriptions", "--every", "3600"], env=env
            ),
            # Scheduled publications go out at their time; daily and weekly digests.
            "news deliveries": subprocess.Popen(  # noqa: S603
                [*manage, "news_deliveries", "--every", "300"], env=env
            ),
            # Course places offered from a waiting list and not confirmed in time
            # go to the next person waiting.
            "course offers": subprocess.Popen(  # noqa: S603
                [*manage, "course_offers", "--every", "300"], env=env
            ),
            # The files of issued documents past their retention go (the rows stay).
            "document retention": subprocess.Popen(  # noqa: S603
                [*manage, "purge_documents", "--every", "3600"], env=env
            ),
        }
        time.sleep(1.5)  # let the server's own start-up lines pass first
        self._print_banner(addr)
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        # Also SIGINT explicitly: a process started in the background may inherit
        # an ignored SIGINT, and Ctrl-C must still stop both children.
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        exit_code = 0
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"The {name} stopped (exit code {process.returncode}).")
                        exit_code = process.returncode or 1
                        stopping = True
                time.sleep(0.3)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(processes)
        if exit_code:
            raise SystemExit(exit_code)

    def _stop(self, processes):
        self.stdout.write("\nStopping the web server, the task workers and the sweeper…")
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")

    def _print_banner(self, addr):
        from townhall.demo.staff import demo_sign_ins

        line = "=" * 64
        self.stdout.write(line)
        self.stdout.write(f"  Townhall demo: http://{addr}/")
        self.stdout.write(f"  Back office:   http://{addr}/backoffice/ (staff sign in here)")
        self.stdout.write(f"  Admin:         http://{addr}/admin/")
        self.stdout.write("  Demo staff sign-ins (username / password, department):")
        for sign_in in demo_sign_ins():
            self.stdout.write(f"    {sign_in}")
        self.stdout.write("  Second factor for staff: the current code of a demo staff member is")
        self.stdout.write("    .venv/bin/python -m townhall demo-otp-code <username>")
        self.stdout.write(f"  Residents: sign in at http://{addr}/aanmelden/ (demo personas)")
        self.stdout.write(f"  E-mail sent by the demo: http://{addr}/demo/mailbox/")
        self.stdout.write(f"  Text messages sent by the demo: http://{addr}/demo/sms/")
        self.stdout.write(f"  Messages to residents (staff): http://{addr}/backoffice/berichten/")
        street = _resident_street()
        if street:
            self.stdout.write(f"    the demo resident lives in {street}: send a message there")
        self.stdout.write("  Press Ctrl-C to stop the web server, the workers and the sweeper.")
        self.stdout.write(line)


def _resident_street() -> str:
    """The street of the "resident" demo persona, to try a street message on."""
    if not settings.DEMO_FEATURES.get("identity_provider"):
        return ""
    from django.utils import timezone

    from townhall.demo_idp.personas import PERSONAS_BY_SLUG

    person = PERSONAS_BY_SLUG["resident"].find(timezone.localdate())
    return person.domicile.street_name if person and person.domicile_id else ""
