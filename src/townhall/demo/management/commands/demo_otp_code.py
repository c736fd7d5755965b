"""Print a demo staff member's current second-factor code (demo mode only).

Demo staff have an authenticator app set up with a known secret; this prints
what the app would show, for newcomers who do not want to install one.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.demo.staff import demo_totp_key


class Command(BaseCommand):
    help = "Print the current second-factor (TOTP) code of a demo staff member."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEMO_FEATURES.get("seed_demo"):
            raise CommandError("demo_otp_code works only in the demo.")
        device = TOTPDevice.objects.filter(
            user__username=username, key=demo_totp_key(username), confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username!r} is not a demo staff member with a demo code.")
        # The same computation the device verifies against, for the current time step.
        from django_otp.oath import TOTP

        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
