"""Where an importer's Python time goes: one import in one thread under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/imports_profile.py best --rows-scale 0.1 --database townhall_bench_mine
    ... bench/imports_profile.py kbo --rows-scale 0.05

Generates the file(s) ``bench/imports.py`` generates (the same rows at the same
``--rows-scale``), creates and migrates the database ``--database`` (its name
must start with ``townhall_bench``; dropped again at the end), and imports them
with ``--all`` once, with the batches committed in the reading thread
(``pipeline=False``) so that cProfile sees all of the import's Python work:
reading and checking the rows and the batches' SQL. ``--serial`` times the same
without the profiler, and adds the CPU time of the PostgreSQL backend (read from
``/proc``, so for a server on this machine): with one connection doing all the
work, the process's and the backend's CPU are what the import costs, a figure
that a shared machine's load changes far less than the seconds. ``--no-profile``
times it as the bench does, with the second thread. After a full import, COPY
real is measured as the bench does, with its backend's CPU. Prints the wall and CPU
time, then the functions sorted by their own time and by their cumulative time.
The profiler slows many small calls most: compare its figures with each other,
and take ``bench/imports.py``'s for the real speed.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

import imports as bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("importer", choices=["best", "kbo", "kbo-update"])
    parser.add_argument("--rows-scale", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="time it without cProfile, with the batches committed by a second thread as "
        "bench/imports.py and the commands run it",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="time it without cProfile, committing in the reading thread: the CPU of the "
        "process and of its PostgreSQL backend are then the whole import's work",
    )
    parser.add_argument("--database", default=bench.BENCH_DATABASE + "_profile")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    admin_url, bench_url = bench.database_urls(os.environ["DATABASE_URL"], options.database)

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{options.database}"')
        admin.execute(f'CREATE DATABASE "{options.database}"')
    workdir = Path(tempfile.mkdtemp(prefix="townhall-profile-"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("TOWNHALL_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    try:
        run(options, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{options.database}"')
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        workdir.rmdir()


def backend_cpu(connection) -> float:
    """CPU seconds of the PostgreSQL backend serving ``connection`` (a local server)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")  # not on this machine
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(options, workdir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from townhall.importers.best import BestImporter
    from townhall.importers.kbo import KboImporter

    rng = random.Random(20261129)
    enterprises = int(bench.KBO_ENTERPRISES * options.rows_scale)
    if options.importer == "best":
        path = workdir / "openaddress-bevlg.csv"
        rows = bench.write_best(path, int(bench.BEST_ROWS * options.rows_scale), rng)
        importer = BestImporter
    else:
        path = workdir / "kbo"
        rows = bench.write_kbo(path, enterprises, rng)
        importer = KboImporter
    call_command("migrate", verbosity=0)
    if options.importer == "kbo-update":
        importer(path, everything=True, batch_size=options.batch_size).run()
        path = workdir / "kbo-update"
        changed = int(bench.KBO_UPDATE_ENTERPRISES * options.rows_scale)
        rows = bench.write_kbo_update(path, changed, enterprises, rng)
    pipeline = options.no_profile and not options.serial
    profile = None if options.no_profile or options.serial else cProfile.Profile()
    server = backend_cpu(connection)
    started, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    result = importer(path, everything=True, batch_size=options.batch_size, pipeline=pipeline).run()
    if profile is not None:
        profile.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{options.importer}: {rows:,} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s)")
    print(f"CPU of this process {cpu:.2f} s ({cpu / rows * 1e6:.1f} µs a row); {result.counts}")
    if not pipeline:  # one connection did it all: its server process's CPU is the import's
        server = backend_cpu(connection) - server
        print(f"CPU of its PostgreSQL backend {server:.2f} s ({server / rows * 1e6:.1f} µs a row)")
    if options.importer != "kbo-update":
        dumps = bench.copy_ceiling_dump(connection, workdir, bench.WRITTEN[options.importer])
        server = backend_cpu(connection)
        ceiling = sum(bench.copy_ceiling_load(connection, dumps).values())
        server = backend_cpu(connection) - server
        print(
            f"COPY real: {ceiling:.2f} s ({rows / ceiling:,.0f} rows/s, "
            f"ratio {ceiling / seconds:.2f}), of which {server:.2f} s CPU of its PostgreSQL backend"
        )
    if profile is None:
        return
    for order in ("tottime", "cumtime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(options.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
