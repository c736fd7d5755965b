"""Benchmark of course registration under load (issue #26): 200 registrations at once
for a session of 12 places with a waiting list, from two processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/courses.py
    ... bench/courses.py --registrations 1000 --capacity 30 --threads 16
    ... bench/courses.py --database townhall_bench_courses_mine   # beside another run

1. Creates its own database (``--database``, default ``townhall_bench_courses``; the
   name must start with ``townhall_bench``; it refuses one that exists and drops only
   the one it made, ``--keep`` keeps it), migrates it and writes the municipality,
   the shipped message templates, one course with one session of ``--capacity``
   places, and ``--registrations`` people: half in the register (half of them with
   an e-mail address, the others get a letter), half known only by a name and a
   mobile number (an SMS).
2. Starts ``--processes`` processes (default 2), each with ``--threads`` threads,
   released together at one moment; each registers its share of the people through
   ``services.waiting_list_join`` (a place, or the waiting list when full), one
   transaction each, on its own connection, and then cancels its confirmed
   registrations by their codes (``--no-cancel`` skips that), which offers each
   freed place to the first person waiting, while the other process may still be
   registering.
3. The baseline: the same processes and threads run as many bare transactions
   that lock the session's row and update it (the floor of anything that changes
   one session's places, which are serialised on that row).
4. Prints the registrations per second (all registrations over the time from the
   release to the last one done) and their ratio to the baseline, and checks the
   database: places held (confirmed or offered) against the capacity and the
   session's counter, over-booked places and lost registrations (an attempt
   without its row, or refused for anything but a full session), both of which
   must be 0; the exit status is 1 otherwise.

Messages are queued in the outbox only (the database task backend, no worker):
the run measures registration, not delivery.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT / "src"))

from pages_server import _fernet_key, database_create, database_drop, database_urls  # noqa: E402


def data_create(args) -> dict:
    """The session and the people to register; their keys for the workers."""
    import datetime

    from django.utils import timezone

    from townhall.courses.models import Course, Session
    from townhall.messaging.templates import templates_load
    from townhall.municipality.tests.factories import municipality_for_tests
    from townhall.registry.models import Person

    municipality_for_tests()
    templates_load()
    course = Course.objects.create(
        code="bench",
        title="Werken met uw eID en kaartlezer",
        description="Benchmark.",
        level=Course.Level.BEGINNER,
    )
    starts = timezone.now() + datetime.timedelta(days=7)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Bibliotheek",
        capacity=args.capacity,
    )
    in_register = args.registrations // 2
    persons = Person.objects.bulk_create(
        Person(
            given_names=f"Deelnemer{n}",
            family_name="Bench",
            email=f"p{n}@example.org" if n % 2 else "",
            language="nl",
        )
        for n in range(in_register)
    )
    people = [{"person": p.pk} for p in persons]
    people += [
        {"given_names": f"Beller{n}", "family_name": "Bench", "phone": f"+3247{n:07d}"}
        for n in range(args.registrations - in_register)
    ]
    return {"session": session.pk, "people": people}


def worker(args) -> None:
    """One process's share: register at the release time, then cancel what got a place."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connections, transaction

    from townhall.courses import services
    from townhall.courses.models import Session
    from townhall.registry.models import Person

    share = json.loads(Path(args.share).read_text())
    session = Session.objects.get(pk=share["session"])
    persons = Person.objects.in_bulk([p["person"] for p in share["people"] if "person" in p])
    connections.close_all()
    lock = threading.Lock()
    result = {"done": 0, "confirmed": 0, "waiting": 0, "refused": [], "cancelled": 0}
    codes = []
    ends = []

    def register(fields):
        if "person" in fields:
            fields = {"person": persons[fields["person"]]}
        try:
            with transaction.atomic(durable=True):
                made = services.waiting_list_join(session=session, channel="desk", **fields)
        except ValidationError as error:
            with lock:
                result["refused"].append(str(error.messages))
        else:
            with lock:
                result["done"] += 1
                result[made.registration.state] += 1
                if made.registration.state == "confirmed":
                    codes.append(made.code)
        finally:
            ends.append(time.time())
            connections.close_all()

    def cancel(code):
        try:
            with transaction.atomic(durable=True):
                services.registration_cancel_by_code(code=code)
        except ValidationError as error:
            with lock:
                result["refused"].append(str(error.messages))
        else:
            with lock:
                result["cancelled"] += 1
        finally:
            connections.close_all()

    def bare(_fields):
        # The floor: one transaction that locks the session's row and updates it.
        try:
            with transaction.atomic(durable=True), connections["default"].cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM courses_session WHERE id = %s FOR UPDATE", [session.pk]
                )
                cursor.execute(
                    "UPDATE courses_session SET updated_at = now() WHERE id = %s", [session.pk]
                )
        finally:
            ends.append(time.time())
            connections.close_all()

    time.sleep(max(0.0, args.release - time.time()))
    result["first"] = time.time()
    if args.baseline:
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(bare, share["people"]))
        result["last"] = max(ends)
        print("BENCH-JSON " + json.dumps(result), flush=True)
        return
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(register, share["people"]))
    result["last"] = max(ends) if ends else time.time()
    if not args.no_cancel:
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(cancel, codes))
    print("BENCH-JSON " + json.dumps(result), flush=True)


def figures_check(session_pk: int, attempts: int, results: list[dict]) -> dict:
    from django.db.models import Count

    from townhall.courses.models import SEAT_STATES, Registration, Session

    session = Session.objects.get(pk=session_pk)
    states = dict(
        Registration.objects.filter(session=session)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    held = sum(states.get(state, 0) for state in SEAT_STATES)
    rows = sum(states.values())
    done = sum(r["done"] for r in results)
    refused = [m for r in results for m in r["refused"]]
    return {
        "states": states,
        "held": held,
        "counter": session.seats_taken,
        "capacity": session.capacity,
        "over_booked": max(0, held - session.capacity) + abs(held - session.seats_taken),
        # Every attempt is a different person: each must have its row.
        "lost": (attempts - rows) + len(refused) + abs(done - rows),
        "refused": refused,
    }


def processes_run(args, data, env, workdir, *, baseline=False) -> list[dict]:
    """Start the worker processes, released together; what each reported."""
    release = time.time() + 3.0  # the processes' start-up (django.setup) first
    processes = []
    for index in range(args.processes):
        share = workdir / f"share-{index}.json"
        people = data["people"][index :: args.processes]
        share.write_text(json.dumps({"session": data["session"], "people": people}))
        command = [sys.executable, __file__, "--worker", "--share", str(share),
                   "--release", str(release), "--threads", str(args.threads)]  # fmt: skip
        if args.no_cancel:
            command.append("--no-cancel")
        if baseline:
            command.append("--baseline")
        processes.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    results = []
    for process in processes:
        out, _err = process.communicate()
        line = next((x for x in out.splitlines() if x.startswith("BENCH-JSON ")), None)
        if process.returncode or line is None:
            raise SystemExit(f"A worker failed (exit {process.returncode}).")
        results.append(json.loads(line.removeprefix("BENCH-JSON ")))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=12)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument("--no-cancel", action="store_true", help="register only")
    parser.add_argument("--database", default="townhall_bench_courses")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--share", help=argparse.SUPPRESS)
    parser.add_argument("--release", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    if not args.database.startswith("townhall_bench"):
        raise SystemExit("--database: the name starts with townhall_bench.")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (its database is not used).")
    admin_url, database_url = database_urls(os.environ["DATABASE_URL"], args.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-courses-"))
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "TOWNHALL_NATIONAL_NUMBER_HASH_KEY": secrets.token_urlsafe(48),
        "TOWNHALL_FIELD_ENCRYPTION_KEYS": _fernet_key(),
        "DATABASE_URL": database_url,
        "TOWNHALL_TASKS_BACKEND": "database",
        "TOWNHALL_VAR_DIR": str(workdir / "var"),
        "TOWNHALL_DEMO_SEED": "false",
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "townhall.settings",
    }
    os.environ.update(env)
    database_create(admin_url, args.database)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        data = data_create(args)
        connections.close_all()
        results = processes_run(args, data, env, workdir)
        baseline = processes_run(args, data, env, workdir, baseline=True)
        figures = figures_check(data["session"], args.registrations, results)
        connections.close_all()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(admin_url, args.database)
    seconds = max(r["last"] for r in results) - min(r["first"] for r in results)
    done = sum(r["done"] for r in results)
    print(
        f"\nCourses benchmark: {args.registrations} registrations at once for a session of "
        f"{args.capacity} places, {args.processes} processes of {args.threads} threads"
    )
    rate = done / seconds
    floor = args.registrations / (
        max(r["last"] for r in baseline) - min(r["first"] for r in baseline)
    )
    print(f"  registrations per second: {rate:8.1f}  ({done} in {seconds:.2f} s)")
    print(f"  baseline, bare locked UPDATEs of the session's row: {floor:8.1f} /s")
    print(f"  registrations / baseline: {rate / floor:8.2f}")
    print(f"  confirmed at once {sum(r['confirmed'] for r in results)}, "
          f"on the waiting list {sum(r['waiting'] for r in results)}")  # fmt: skip
    if not args.no_cancel:
        print(f"  cancelled by code afterwards {sum(r['cancelled'] for r in results)}, "
              "each place offered to the next one waiting")  # fmt: skip
    print(f"  states at the end: {figures['states']}")
    print(f"  places held {figures['held']} of {figures['capacity']} "
          f"(the session's counter says {figures['counter']})")  # fmt: skip
    print(f"  over-booked places: {figures['over_booked']}")
    print(f"  lost registrations: {figures['lost']}")
    for message in figures["refused"][:5]:
        print(f"  refused: {message}")
    if figures["over_booked"] or figures["lost"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
