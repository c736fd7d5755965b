"""Run the demo: the web server and the task worker together, stopped together.

``make demo`` calls this after migrating and seeding. Ctrl-C (or SIGTERM)
stops both processes; when one of them dies, the other is stopped too, so a
half-running demo never lingers.
"""

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
        # Our own interpreter with an argument list and no shell: --addr stays one argument.
        processes = {
            "web server": subprocess.Popen([*manage, "runserver", addr, "--noreload"]),  # noqa: S603
            "task worker": subprocess.Popen(  # noqa: S603
                [*manage, "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload"]
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
        self.stdout.write("\nStopping the web server and the task worker…")
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
        self.stdout.write(f"  Admin:         http://{addr}/admin/")
        self.stdout.write("  Demo staff sign-ins (username / password, department):")
        for sign_in in demo_sign_ins():
            self.stdout.write(f"    {sign_in}")
        self.stdout.write("  Second factor for staff: the current code of a demo staff member is")
        self.stdout.write("    .venv/bin/python -m townhall demo-otp-code <username>")
        self.stdout.write(f"  Residents: sign in at http://{addr}/aanmelden/ (demo personas)")
        self.stdout.write(f"  E-mail sent by the demo: http://{addr}/demo/mailbox/")
        self.stdout.write("  Press Ctrl-C to stop the web server and the task worker.")
        self.stdout.write(line)
