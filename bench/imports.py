"""Benchmark of the open-data importers against PostgreSQL COPY of the same files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/imports.py
    ... bench/imports.py --rows-scale 0.05     # a quick check at 5 % of the size

1. Generates, streaming to temporary files, 500,000 BeST address rows and a KBO
   full extract of 1,000,000 enterprises with their denominations (one legal
   name each, a commercial name for every third) and registered-office
   addresses (times ``--rows-scale``), in the published formats.
2. Creates the database ``townhall_bench`` on the server of ``DATABASE_URL``
   (dropping a leftover one first) and migrates it. No other database is used.
3. Loads each file with ``COPY ... FROM STDIN (FORMAT csv, HEADER)`` into a bare
   table of text columns: the baseline.
4. Imports the same files with the real importers (``--all``) into the real
   tables, then a KBO monthly update of 50,000 changed enterprises (times
   ``--rows-scale``) after the full file, and prints rows per second for each,
   the ratio to COPY, and the process's peak resident memory after each phase
   (constant memory shows as a peak that does not grow with ``--rows-scale``).
5. As a second baseline, COPYs the rows the importer wrote back into the real
   tables (after deleting them): the cost of those tables' indexes and
   constraints, which no importer can avoid.
6. Drops ``townhall_bench`` (``--keep`` leaves it and the files for a look).
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "townhall_bench"
BEST_ROWS = 500_000
KBO_ENTERPRISES = 1_000_000
KBO_UPDATE_ENTERPRISES = 50_000  # a monthly update: enterprises changed, new or gone
BEST_HEADER = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,"
    "house_number,municipality_id,municipality_name_de,municipality_name_fr,"
    "municipality_name_nl,postcode,postname_fr,postname_nl,street_id,streetname_de,"
    "streetname_fr,streetname_nl,region_code,status"
)
KBO_HEADERS = {
    "enterprise.csv": "EnterpriseNumber,Status,JuridicalSituation,TypeOfEnterprise,"
    "JuridicalForm,JuridicalFormCAC,StartDate",
    "denomination.csv": "EntityNumber,Language,TypeOfDenomination,Denomination",
    "address.csv": "EntityNumber,TypeOfAddress,CountryNL,CountryFR,Zipcode,MunicipalityNL,"
    "MunicipalityFR,StreetNL,StreetFR,HouseNumber,Box,ExtraAddressInfo,DateStrikingOff",
}
STREET_WORDS = [
    "Kerk", "Molen", "Stations", "Brugge", "Kortrijkse", "Meulebeke", "Izegemse", "Beek",
    "Linde", "Kapel", "Veld", "Hoog", "School", "Markt", "Wind", "Ooste", "Weste", "Noord",
    "Zuid", "Sint-Amands", "Abdij", "Bos", "Dorp", "Heide", "Kasteel", "Leie", "Mandel",
]  # fmt: skip
STREET_KINDS = ["straat", "laan", "weg", "dreef", "plein", "steenweg"]
# The rows each importer writes, as (table, condition) in insertion order: COPY real's rows.
WRITTEN = {
    "best": [("registry_address", "register_uri <> ''")],
    "kbo": [
        ("registry_address", "register_uri = ''"),
        ("registry_organisation", "true"),
        ("registry_organisationaddress", "true"),
        ("registry_recordsource", "organisation_id IS NOT NULL"),
    ],
}
# All the rows each importer writes, in insertion order: the register's rows above, the
# streets it makes, and the versions of every row in the register's history (those of the
# run, by their reason). "COPY all" loads these; {run} is the import run's id.
OF_RUN = "history_change_reason LIKE 'import run {run}:%'"
WRITTEN_ALL = {
    "best": [
        ("registry_street", "best_id IS NOT NULL"),
        *WRITTEN["best"],
        ("registry_historicalstreet", OF_RUN),
        ("registry_historicaladdress", OF_RUN),
    ],
    "kbo": [
        ("registry_street", "best_id IS NULL"),
        *WRITTEN["kbo"],
        ("registry_historicalstreet", OF_RUN),
        ("registry_historicaladdress", OF_RUN),
        ("registry_historicalorganisation", OF_RUN),
        ("registry_historicalorganisationaddress", OF_RUN),
    ],
}
PLACES = [(f"3{index:04d}", str(8000 + index * 3), f"Gemeente {index}") for index in range(300)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def streets(rng: random.Random) -> list[str]:
    return [f"{a}{b}" for a in STREET_WORDS for b in STREET_KINDS] + [
        f"{rng.choice(STREET_WORDS)}{rng.choice(STREET_KINDS)} {n}" for n in range(2000)
    ]


def write_best(path: Path, rows: int, rng: random.Random) -> int:
    """Rows grouped by municipality and street, as the published file is."""
    names = streets(rng)
    per_place = -(-rows // len(PLACES))
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(BEST_HEADER + "\n")
        for index in range(rows):
            nis, postcode, place = PLACES[index // per_place]
            street = names[(index // 40) % len(names)]
            status = "retired" if index % 50 == 0 else "current"
            box = str(index % 4) if index % 7 == 0 else ""
            out.write(
                f"{rng.uniform(20000, 260000):.2f},{rng.uniform(150000, 250000):.2f},"
                f"{rng.uniform(50.7, 51.5):.6f},{rng.uniform(2.6, 5.9):.6f},{1_000_000 + index},"
                f"{box},{index % 40 + 1},{nis},,{place},{place},{postcode},{place},{place},"
                f"{index // 40},,,{street},BE-VLG,{status}\n"
            )
    return rows


def enterprise_number(prefix: int) -> str:
    digits = f"{prefix:08d}{(97 - prefix % 97) % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def write_kbo(folder: Path, enterprises: int, rng: random.Random) -> int:
    names = streets(rng)
    folder.mkdir()
    files = {name: open(folder / name, "w", encoding="utf-8", newline="") for name in KBO_HEADERS}  # noqa: SIM115
    rows = 0
    try:
        for name, header in KBO_HEADERS.items():
            files[name].write(",".join(f'"{column}"' for column in header.split(",")) + "\n")
        for index in range(enterprises):
            number = enterprise_number(2_000_000 + index)
            form = "017" if index % 10 == 0 else "610"
            files["enterprise.csv"].write(f'"{number}","AC","000","2","{form}","","01-01-2001"\n')
            files["denomination.csv"].write(f'"{number}","2","001","Onderneming {index}"\n')
            rows += 2
            if index % 3 == 0:
                files["denomination.csv"].write(f'"{number}","2","003","Handelsnaam {index}"\n')
                rows += 1
            _, postcode, place = PLACES[index % len(PLACES)]
            street = names[rng.randrange(len(names))]
            files["address.csv"].write(
                f'"{number}","REGO","","","{postcode}","{place}","{place}","{street}",'
                f'"{street}","{rng.randrange(1, 300)}","","",""\n'
            )
            rows += 1
    finally:
        for stream in files.values():
            stream.close()
    write_meta(folder, number=153, kind="full", snapshot="01-11-2026")
    return rows


def write_meta(folder: Path, *, number: int, kind: str, snapshot: str) -> None:
    (folder / "meta.csv").write_text(
        '"Variable","Value"\n'
        f'"SnapshotDate","{snapshot}"\n"ExtractType","{kind}"\n"ExtractNumber","{number:04d}"\n',
        encoding="utf-8",
    )


UPDATE_HEADERS = {
    **KBO_HEADERS,
    "contact.csv": "EntityNumber,EntityContact,ContactType,Value",
    "activity.csv": "EntityNumber,ActivityGroup,NaceVersion,NaceCode,Classification",
}


def write_kbo_update(folder: Path, changed: int, enterprises: int, rng: random.Random) -> int:
    """The monthly update after :func:`write_kbo`'s extract: ``changed`` enterprises, spread
    over the full file, of which a tenth are new and a twentieth leave the KBO; the others
    get a new name, every second one a new office, and all an e-mail address and two
    activities. Each table's delete file lists the enterprises its insert file holds."""
    names = streets(rng)
    folder.mkdir()
    step = max(enterprises // changed, 1)
    kept = [2_000_000 + index for index in range(0, enterprises, step)][: changed - changed // 10]
    new = [2_000_000 + enterprises + index for index in range(changed // 10)]
    leaving = set(kept[::20])
    files = {}
    for name, header in UPDATE_HEADERS.items():
        table = name.removesuffix(".csv")
        key = "EnterpriseNumber" if table == "enterprise" else "EntityNumber"
        for action, columns in (("delete", key), ("insert", header)):
            stream = open(folder / f"{table}_{action}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
            stream.write(",".join(f'"{column}"' for column in columns.split(",")) + "\n")
            files[table, action] = stream
    rows = 0
    try:
        for prefix in kept + new:
            number = enterprise_number(prefix)
            index = prefix - 2_000_000
            moved = index % 2 == 0 or prefix in new
            for table in ("enterprise", "denomination", "contact", "activity") + (
                ("address",) if moved else ()
            ):
                if prefix not in new:
                    files[table, "delete"].write(f'"{number}"\n')
                    rows += 1
            if prefix in leaving:
                continue
            files["enterprise", "insert"].write(
                f'"{number}","AC","000","2","610","","01-01-2001"\n'
            )
            files["denomination", "insert"].write(f'"{number}","2","001","Nieuwe naam {index}"\n')
            files["contact", "insert"].write(f'"{number}","ENT","EMAIL","info{index}@example.be"\n')
            files["activity", "insert"].write(
                f'"{number}","001","2008","{46000 + index % 900}","MAIN"\n'
                f'"{number}","001","2025","{46000 + index % 900}","MAIN"\n'
            )
            rows += 5
            if moved:
                _, postcode, place = PLACES[rng.randrange(len(PLACES))]
                street = names[rng.randrange(len(names))]
                files["address", "insert"].write(
                    f'"{number}","REGO","","","{postcode}","{place}","{place}","{street}",'
                    f'"{street}","{rng.randrange(1, 300)}","","",""\n'
                )
                rows += 1
    finally:
        for stream in files.values():
            stream.close()
    write_meta(folder, number=154, kind="update", snapshot="01-12-2026")
    return rows


def copy_baseline(connection, path: Path, table: str) -> float:
    """Seconds to COPY the file into a bare table of text columns."""
    with open(path, encoding="utf-8") as stream:
        columns = stream.readline().strip().replace('"', "").split(",")
    with connection.cursor() as cursor:  # autocommit: each statement commits
        cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        cursor.execute(
            f'CREATE TABLE "{table}" ({", ".join(f"c{i} text" for i in range(len(columns)))})'
        )
    sql = f'COPY "{table}" FROM STDIN (FORMAT csv, HEADER true)'
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(sql) as copy, open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            copy.write(chunk)
    return time.perf_counter() - started


def copy_ceiling(connection, workdir: Path, parts: list[tuple[str, str]]) -> float:
    """Seconds to COPY the rows an importer wrote back into the real tables.

    ``parts`` are (table, condition) in insertion order. The rows are dumped,
    deleted (and the tables vacuumed), then loaded again with COPY: what any
    importer must at least spend on those tables' indexes and constraints.
    """
    dumps = copy_ceiling_dump(connection, workdir, parts)
    return sum(copy_ceiling_load(connection, dumps).values())


def copy_ceiling_dump(connection, workdir: Path, parts: list[tuple[str, str]]) -> list:
    """Dump and delete the rows of ``parts`` (see :func:`copy_ceiling`)."""
    from django.db import transaction

    dumps = []
    with connection.cursor() as cursor:
        for table, condition in parts:
            path = workdir / f"{table}.copy"
            select = f"COPY (SELECT * FROM {table} WHERE {condition}) TO STDOUT"
            with open(path, "wb") as out, cursor.copy(select) as copy:
                for data in copy:
                    out.write(data)
            dumps.append((table, condition, path))
        with transaction.atomic():
            for table, condition, _ in reversed(dumps):
                cursor.execute(f"DELETE FROM {table} WHERE {condition}")
        for table, _, _ in dumps:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return dumps


def copy_ceiling_load(connection, dumps: list) -> dict[str, float]:
    """Seconds to COPY the dumped rows back, in one transaction, per table, and the
    commit's (where the foreign keys are checked) as ``"commit"``."""
    from django.db import transaction

    seconds = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table, _, path in dumps:
                started = time.perf_counter()
                with cursor.copy(f"COPY {table} FROM STDIN") as copy, open(path, "rb") as stream:
                    while chunk := stream.read(1 << 20):
                        copy.write(chunk)
                seconds[table] = time.perf_counter() - started
        started = time.perf_counter()
    seconds["commit"] = time.perf_counter() - started
    return seconds


def database_urls(url: str, name: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL must point to PostgreSQL (postgres://...).")
    if not name.startswith(BENCH_DATABASE):
        sys.exit(f"--database must start with {BENCH_DATABASE}: the bench drops it.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows-scale", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help=f"the database to create and drop (its name must start with {BENCH_DATABASE})",
    )
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/bench")
    admin_url, bench_url = database_urls(os.environ["DATABASE_URL"], options.database)

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{options.database}"')
        admin.execute(f'CREATE DATABASE "{options.database}"')
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("TOWNHALL_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    try:
        run(options, workdir)
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{options.database}"')
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            workdir.rmdir()
        else:
            print(f"Kept the database {options.database} and the files in {workdir}.")


def run(options, workdir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from townhall.importers.best import BestImporter
    from townhall.importers.kbo import KboImporter

    rng = random.Random(20261129)
    best_rows = int(BEST_ROWS * options.rows_scale)
    enterprises = int(KBO_ENTERPRISES * options.rows_scale)
    started = time.perf_counter()
    best_file = workdir / "openaddress-bevlg.csv"
    best_rows = write_best(best_file, best_rows, rng)
    kbo_folder = workdir / "kbo"
    kbo_rows = write_kbo(kbo_folder, enterprises, rng)
    print(
        f"Generated {best_rows:,} BeST rows and {kbo_rows:,} KBO rows "
        f"({enterprises:,} enterprises) in {time.perf_counter() - started:.1f} s; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    call_command("migrate", verbosity=0)
    print(f"Migrated {connection.settings_dict['NAME']}; peak RSS {peak_rss_mb():.0f} MB")

    copy_best = copy_baseline(connection, best_file, "bench_copy_best")
    copy_kbo = sum(
        copy_baseline(connection, kbo_folder / name, f"bench_copy_{name[:-4]}")
        for name in KBO_HEADERS
    )

    results = []
    for label, importer, path, rows, copy_seconds, written in (
        (
            "BeST addresses",
            BestImporter,
            best_file,
            best_rows,
            copy_best,
            WRITTEN["best"],
        ),
        (
            "KBO enterprises",
            KboImporter,
            kbo_folder,
            kbo_rows,
            copy_kbo,
            WRITTEN["kbo"],
        ),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        run = importer(path, everything=True, batch_size=options.batch_size).run()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{label}: {run.counts} ; {seconds:.1f} s, of which {cpu:.1f} s CPU of this "
            f"process (both threads) ; peak RSS {peak_rss_mb():.0f} MB"
        )
        key = "best" if importer is BestImporter else "kbo"
        parts = [(table, where.format(run=run.pk)) for table, where in WRITTEN_ALL[key]]
        loaded = copy_ceiling_load(connection, copy_ceiling_dump(connection, workdir, parts))
        # COPY real as issue 24 defines it: the register's rows (and the commit, where
        # their foreign keys are checked); COPY all: every row the run wrote.
        ceiling = sum(loaded[table] for table, _ in written) + loaded["commit"]
        results.append((label, rows, seconds, copy_seconds, ceiling, sum(loaded.values())))
        print(
            f"{label}: COPY real {ceiling:.1f} s, COPY all {sum(loaded.values()):.1f} s ("
            + ", ".join(f"{table} {spent:.1f} s" for table, spent in loaded.items())
            + f"); load average {os.getloadavg()[0]:.1f}"
        )

    print()
    print("rows per second (CSV rows of the input):")
    print(
        f"{'':16} {'rows':>10} {'importer':>10} {'COPY bare':>10} {'ratio':>6} "
        f"{'COPY real':>10} {'ratio':>6} {'COPY all':>10} {'ratio':>6}"
    )
    for label, rows, seconds, copy_seconds, ceiling, complete in results:
        print(
            f"{label:16} {rows:>10,} {rows / seconds:>10,.0f} {rows / copy_seconds:>10,.0f} "
            f"{copy_seconds / seconds:>6.2f} {rows / ceiling:>10,.0f} {ceiling / seconds:>6.2f} "
            f"{rows / complete:>10,.0f} {complete / seconds:>6.2f}"
        )
    print(
        "rows: the CSV rows of the input files, the same rows COPY bare loads (for KBO the "
        "enterprise, denomination and address rows); a ratio is COPY's seconds over the "
        "importer's, so it does not depend on what is counted. COPY bare: the files into "
        "tables of text columns without indexes; COPY real: the importer's own output rows "
        "into the real tables, with their indexes and constraints; COPY all: those and the "
        "streets the import made and the history's versions of all of them."
    )
    kbo = results[1]
    print(f"KBO per enterprise: {enterprises / kbo[2]:,.0f} enterprises per second")
    changed = int(KBO_UPDATE_ENTERPRISES * options.rows_scale)
    update_folder = workdir / "kbo-update"
    update_rows = write_kbo_update(update_folder, changed, enterprises, rng)
    started, cpu = time.perf_counter(), time.process_time()
    update = KboImporter(update_folder, everything=True, batch_size=options.batch_size).run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"KBO monthly update of {changed:,} enterprises ({update_rows:,} rows): "
        f"{update.counts} ; {seconds:.1f} s, of which {cpu:.1f} s CPU; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    print(
        f"KBO update: {changed / seconds:,.0f} enterprises per second, "
        f"{update_rows / seconds:,.0f} rows per second "
        f"(full import: {enterprises / kbo[2]:,.0f} enterprises, "
        f"{kbo[1] / kbo[2]:,.0f} rows per second); goal: under 60 s at full size "
        f"({KBO_UPDATE_ENTERPRISES:,} enterprises), {seconds:.1f} s here"
    )
    print(f"peak RSS of the whole run: {peak_rss_mb():.0f} MB (scale {options.rows_scale})")


if __name__ == "__main__":
    main()
