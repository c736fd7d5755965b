"""``manage.py seed_demo`` (or ``python -m townhall seed-demo``): fill the demo database.

``make demo`` runs it with ``--if-empty`` on every start, so a seeded database
is left alone. Production settings turn the feature off, and then the command
refuses to run.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from townhall.demo.print_batches import demo_print_batch_create
from townhall.demo.services import (
    DEFAULT_SEED,
    DemoSeedRefused,
    demo_seed,
    registry_has_persons,
)
from townhall.demo.staff import demo_sign_ins


class Command(BaseCommand):
    help = "Fill an empty database with the synthetic demo municipality (Ingelmunster)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and say so) when the register already holds persons",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the full size of about 11,000 persons (default 1.0)",
        )
        parser.add_argument(
            "--print-sign-ins",
            action="store_true",
            help="only print the demo staff sign-ins",
        )

    def handle(self, *args, if_empty, seed, scale, print_sign_ins, **options):
        if not settings.DEMO_FEATURES.get("seed_demo"):
            raise CommandError(
                "The demo seed is turned off (DEMO_FEATURES['seed_demo'] is false, as in "
                "production mode); it only runs in the demo. Set TOWNHALL_DEMO_SEED=true "
                "on a demo installation to allow it."
            )
        if print_sign_ins:
            self._print_sign_ins()
            return
        if if_empty and registry_has_persons():
            self.stdout.write("The register already holds persons; the demo seed left it alone.")
            return
        started = time.perf_counter()
        try:
            report = demo_seed(seed=seed, scale=scale)
        except DemoSeedRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        # After the seed's transaction: the bulk worker makes the print batch, chunk by chunk.
        printed = demo_print_batch_create()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo municipality seeded (seed {seed}, scale {scale}):")
        )
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  print batch for the bulk worker: {printed} documents")
        self.stdout.write(f"  elapsed: {elapsed:.1f} s")
        self._print_sign_ins()

    def _print_sign_ins(self):
        self.stdout.write("Demo staff sign-ins (username / password, department):")
        for sign_in in demo_sign_ins():
            self.stdout.write(f"  {sign_in}")
