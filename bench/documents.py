"""Benchmark of issued documents: a certificate of residence issued as a resident asking
online gets it, and the 4,800-letter batch, beside WeasyPrint's own floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/documents.py
    ... bench/documents.py --database townhall_bench_mine    # its own database, beside another run
    ... bench/documents.py --documents 100 --letters 800     # a quick check

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is not used).

1. Creates the database ``--database`` (default ``townhall_bench_documents``; it
   refuses one that exists and drops only the one it created, unless ``--keep``),
   migrates it and fills it with the demo seed at a small scale
   (:func:`townhall.demo.services.demo_seed`, seed 8770, ``--scale`` 0.05): the
   demo municipality with its signatory, and its residents. Every file the run
   writes (the demo seal chain, RSA 3072 as ``make demo`` makes it, the issued
   PDFs, the demo mailbox) goes to the run's own folder, removed at the end; the
   chain's one-off cost is not counted.
2. **Floor**: WeasyPrint (through :func:`townhall.pdf.pdf_render`) renders a
   minimal one-line page ``--floor`` times (default 200): pages per second.
3. **Certificate**: ``--documents`` times (default 500) the issuing service
   (:func:`townhall.documents.services.document_issue`, kind
   ``certificate_of_residence``, in Dutch, no actor: what a resident asking online
   gets) issues a certificate for the next resident (in turn over the residents it
   can certify), each in its own ``transaction.atomic()``, as the request's own
   transaction in production: reading the register, the number, rendering, the
   seal (PAdES, the demo chain, no TSA), the row, the commit, and the file written
   after the commit (``on_commit``) are all in the time (one issue before, not
   counted, loads the templates and fonts, as a process's first). Prints per document the
   median and 95th percentile, documents per second, their ratio to the floor,
   where the time goes (rendering, seal, the file's write, the rest) and the
   sealing's share, and the goal: **ready in under 1 s at the 95th percentile**.
   The parts are timed by :class:`Timed`, a wrapper put, for the certificates
   only, around the functions ``document_issue`` calls by name in its module
   (``services._render``, ``services.seal_pdf`` and ``services._file_write``):
   it calls the function unchanged and keeps its time. Each issue must have
   written its file by the time its ``atomic()`` returns; each tenth file is read
   back from the storage, its SHA-256 compared with the row's and checked with
   :func:`townhall.documents.seal.seal_check` (it must be valid; the check's
   time is printed, not counted in the document's).
4. **Print batch**: ``--batch`` certificates (default 500) as one print batch
   (:mod:`townhall.documents.batches`: each document issued and sealed, rendered on
   ``--processes`` processes, joined into one PDF): documents per second, beside the
   floor and beside issuing one at a time.
5. **Letters**: ``--letters`` one-page letters (default 4,800) as one PDF through
   messaging's letter batch (``letters_render_pdf``, ``--processes`` 2), made as
   ``bench/letters.py`` makes them; pages per second, its ratio to the floor, the
   total seconds against the goal of **4,800 letters in under 120 s**, and the
   time to seal the whole batch PDF once.

Exits 1 when a goal is missed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pages_server import database_create, database_drop, database_urls

DEFAULT_DATABASE = "townhall_bench_documents"
GOAL_P95_SECONDS = 1.0
GOAL_LETTER_SECONDS = 120
GOAL_LETTERS = 4800
FLOOR_PAGE = "<html><body><p>Townhall</p></body></html>"
FLOOR_CSS = "@page { size: A4; margin: 2cm }"
SEED = 8770
KIND = "certificate_of_residence"
LANGUAGE = "nl"
CHECK_EVERY = 10
# What document_issue calls by name in its module, timed by :class:`Timed`: the rendering,
# the seal, and the file's write after the commit.
TIMED = ("_render", "seal_pdf", "_file_write")


class Timed:
    """A timing wrapper: calls ``function`` unchanged and keeps how long each call took."""

    def __init__(self, function):
        self.function = function
        self.seconds: list[float] = []

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--floor", type=int, default=200, help="minimal pages for the floor")
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--scale", type=float, default=0.05, help="of the demo seed")
    parser.add_argument("--letters", type=int, default=GOAL_LETTERS)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--batch", type=int, default=500, help="documents of the print batch (0: none)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    admin_url, bench_url = database_urls(os.environ["DATABASE_URL"], options.database)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

    database_create(admin_url, options.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-documents-"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ["TOWNHALL_MODE"] = "demo"
    # Every file the run writes (the issued PDFs too) lands in its own folder.
    os.environ["TOWNHALL_VAR_DIR"] = str(workdir / "var")
    os.environ["MEDIA_ROOT"] = str(workdir / "var" / "media")
    os.environ["TOWNHALL_SEAL_DEMO_DIR"] = str(workdir / "seal-demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    met = False
    try:
        met = run(options, workdir)
    finally:
        if options.keep:
            print(f"Kept the database {options.database}.")
        else:
            from django.db import connections

            connections.close_all()
            database_drop(admin_url, options.database)
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        workdir.rmdir()
    sys.exit(0 if met else 1)


def run(options, workdir: Path) -> bool:
    import django

    django.setup()
    from django.core.management import call_command

    from townhall.demo.services import demo_seed
    from townhall.documents.seal import seal_pdf, sealer_get
    from townhall.pdf import pdf_render

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = demo_seed(seed=SEED, scale=options.scale)
    sealer = sealer_get()  # the demo chain (made by the seed's first document): not counted
    print(
        f"Demo seed {SEED} at scale {options.scale} ({report.persons:,} persons, "
        f"{report.households:,} households) and the demo seal chain for "
        f"{sealer.certificate.subject.native['organization_name']} made in "
        f"{time.perf_counter() - started:.1f} s."
    )
    floor_css = workdir / "floor.css"
    floor_css.write_text(FLOOR_CSS)

    # 2. The floor.
    pdf_render(FLOOR_PAGE, stylesheet=floor_css)  # parses the stylesheet once, as a process does
    started = time.perf_counter()
    for _ in range(options.floor):
        pdf_render(FLOOR_PAGE, stylesheet=floor_css)
    floor_rate = options.floor / (time.perf_counter() - started)

    # 3. Certificates issued; 4. the letter batch, and one seal of the whole batch.
    issued = certificates(options)
    letter_figures = letters(options, workdir, seal_pdf)
    batch_figures = print_batch(options) if options.batch else None

    totals = issued["totals"]
    document_rate = options.documents / sum(totals)
    p95 = percentile(totals, 0.95)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nIssued documents ({options.documents} certificates), load average {load}:")
    print(f"{'':34} {'per second':>11} {'ratio':>6}")
    print(f"{'floor: minimal page (WeasyPrint)':34} {floor_rate:>11.1f} {1:>6.2f}")
    print(
        f"{'certificate: document_issue':34} {document_rate:>11.1f} "
        f"{document_rate / floor_rate:>6.2f}"
    )
    print(
        f"{'letters: batch of ' + format(options.letters, ','):34} "
        f"{letter_figures['pages_per_second']:>11.1f} "
        f"{letter_figures['pages_per_second'] / floor_rate:>6.2f}"
    )
    if batch_figures:
        print(
            f"{'print batch: ' + format(batch_figures['documents'], ',') + ' documents':34} "
            f"{batch_figures['per_second']:>11.1f} {batch_figures['per_second'] / floor_rate:>6.2f}"
        )
    certificates_print(issued)
    if batch_figures:
        print(
            f"Print batch: {batch_figures['documents']:,} certificates issued, sealed and joined "
            f"({batch_figures['pages']:,} pages, {batch_figures['pdf_mb']:.1f} MB) in "
            f"{batch_figures['seconds']:.1f} s on {options.processes} rendering processes: "
            f"{batch_figures['per_second']:.1f} documents a second, "
            f"{batch_figures['per_second'] / document_rate:.2f} of issuing one at a time."
        )
    document_met = p95 < GOAL_P95_SECONDS
    print(
        f"Goal: ready in under {GOAL_P95_SECONDS:.0f} s at the 95th percentile: "
        f"{'met' if document_met else 'MISSED'} ({p95:.2f} s)."
    )
    seconds_for_goal = letter_figures["seconds"] * GOAL_LETTERS / options.letters
    letters_met = seconds_for_goal < GOAL_LETTER_SECONDS
    print(
        f"Letters: {letter_figures['pages']:,} pages in {letter_figures['seconds']:.1f} s on "
        f"{options.processes} processes ({letter_figures['cpu_ms_per_page']:.1f} ms CPU a page); "
        f"{GOAL_LETTERS:,} letters at this rate take {seconds_for_goal:.0f} s: "
        f"{'met' if letters_met else 'MISSED'} (goal {GOAL_LETTER_SECONDS} s); with a free "
        f"core per process (CPU time / processes) {letter_figures['seconds_on_free_cores']:.0f} s. "
        "Sealing the "
        f"batch PDF ({letter_figures['pdf_mb']:.1f} MB) once took "
        f"{letter_figures['seal_seconds']:.2f} s."
    )
    return document_met and letters_met


def certificates_print(issued: dict) -> None:
    """Where the time of an issue goes: rendering, seal, the file, and the rest."""
    totals, renders, seals, writes = (
        issued[key] for key in ("totals", "renders", "seals", "writes")
    )
    rest = [
        total - render - seal - write
        for total, render, seal, write in zip(totals, renders, seals, writes, strict=True)
    ]

    def ms(values, share=None):
        seconds = statistics.median(values) if share is None else percentile(values, share)
        return f"{seconds * 1000:.0f}"

    print(
        f"\nCertificate ({issued['residents']} residents in turn), ms per document: median "
        f"{ms(totals)}, 95th percentile {ms(totals, 0.95)}, slowest {max(totals) * 1000:.0f}; "
        f"medians: render {ms(renders)}, seal {ms(seals)} (95th percentile "
        f"{ms(seals, 0.95)}), the file written after the commit "
        f"{statistics.median(writes) * 1000:.1f}, the rest (the register read, the number, "
        f"the row, the commit, the event) {ms(rest)}."
    )
    checks = issued["checks"]
    print(
        f"Sealing takes {sum(seals) / sum(totals):.0%} of the issue, rendering "
        f"{sum(renders) / sum(totals):.0%}; sealing costs {sum(seals) / sum(renders):.0%} of the "
        f"rendering time. {len(checks)} files read back: SHA-256 as the row's, seal valid; a "
        f"seal check takes {statistics.median(checks) * 1000:.0f} ms (median)."
    )


def residents_certifiable() -> list:
    """The residents a certificate of residence can be issued for (the kind's own rules,
    read before anything is timed), in the order of their ids."""
    from townhall.documents.kinds import NotCertifiable, register
    from townhall.municipality.selectors import municipality_get_active
    from townhall.registry.models import Person

    kind, municipality = register[KIND], municipality_get_active()
    residents = []
    for person in Person.objects.filter(state=Person.State.RESIDENT).order_by("pk"):
        try:
            kind.facts(holder=person, case=None, data={}, municipality=municipality)
        except NotCertifiable:
            continue
        residents.append(person)
    return residents


def certificates(options) -> dict:
    """Issue ``--documents`` certificates of residence, each in its own transaction, as a
    resident's request does; the times of the whole issue and of the functions in TIMED.
    Each tenth file is read back and checked (not counted)."""
    import hashlib

    from django.core.files.storage import default_storage
    from django.db import transaction

    from townhall.documents import services
    from townhall.documents.seal import seal_check

    residents = residents_certifiable()
    if not residents:
        sys.exit("The demo seed has no resident a certificate of residence can be issued for.")
    with transaction.atomic():  # the first issue loads templates and fonts: not counted
        services.document_issue(kind=KIND, holder=residents[0], language=LANGUAGE)
    timers = {name: Timed(getattr(services, name)) for name in TIMED}
    for name, timer in timers.items():
        setattr(services, name, timer)
    totals, checks = [], []
    try:
        for number in range(1, options.documents + 1):
            holder = residents[number % len(residents)]
            started = time.perf_counter()
            with transaction.atomic():  # the request's transaction; the file is written after it
                document, _code = services.document_issue(
                    kind=KIND, holder=holder, language=LANGUAGE
                )
            totals.append(time.perf_counter() - started)
            if len(timers["_file_write"].seconds) != number:
                sys.exit(f"Document {document.number}: no file was written at the commit.")
            if number % CHECK_EVERY == 0:
                document.refresh_from_db()
                with default_storage.open(document.path, "rb") as file:
                    data = file.read()
                if hashlib.sha256(data).hexdigest() != document.sha256:
                    sys.exit(f"Document {document.number}: the file is not the one its row names.")
                checked = time.perf_counter()
                check = seal_check(data)
                checks.append(time.perf_counter() - checked)
                if check.status != "valid":
                    sys.exit(
                        f"Document {document.number}: the seal check says {check.status}: "
                        f"{check.problem}"
                    )
    finally:
        for name, timer in timers.items():
            setattr(services, name, timer.function)
    return {
        "totals": totals,
        "renders": timers["_render"].seconds,
        "seals": timers["seal_pdf"].seconds,
        "writes": timers["_file_write"].seconds,
        "checks": checks,
        "residents": len(residents),
    }


def print_batch(options) -> dict:
    """A print batch (:mod:`townhall.documents.batches`) of ``--batch`` certificates of
    residence, for residents it can certify (in turn, as for the certificates), rendered on
    ``--processes`` processes, sealed one by one and joined into one PDF, as the bulk
    worker does; no staff member asks it (no access-log rows)."""
    from townhall.documents.batches import document_batch_render, document_batch_request
    from townhall.documents.models import DocumentBatch

    residents = residents_certifiable()
    holders = [residents[n % len(residents)].pk for n in range(options.batch)]
    # One batch takes a holder once: beyond the residents, more batches of them.
    batches = [
        document_batch_request(
            kind=KIND, holders=holders[start : start + len(residents)], title="bench", actor=None
        )
        for start in range(0, len(holders), len(residents))
    ]
    started = time.perf_counter()
    for batch in batches:
        document_batch_render(batch.pk, processes=options.processes)
    seconds = time.perf_counter() - started
    done = list(DocumentBatch.objects.filter(pk__in=[b.pk for b in batches]))
    if any(batch.state != DocumentBatch.State.DONE for batch in done):
        raise SystemExit(f"A print batch did not finish: {[b.error for b in done]}")
    documents = sum(batch.issued for batch in done)
    return {
        "documents": documents,
        "pages": sum(batch.pages for batch in done),
        "seconds": seconds,
        "per_second": documents / seconds,
        "pdf_mb": sum(batch.pdf.size for batch in done) / 1e6,
    }


def letters(options, workdir: Path, seal_pdf) -> dict:
    """The letter batch of ``bench/letters.py``, rendered as one PDF, then sealed once."""
    import random

    from letters import cpu_seconds, letterheads, make_letters

    from townhall.messaging.letters import letters_render_pdf

    batch = make_letters(options.letters, random.Random(20261201))
    path = workdir / "letters.pdf"
    started, cpu = time.perf_counter(), cpu_seconds()
    pages = letters_render_pdf(
        letters=batch, letterhead_for=letterheads(), path=path, processes=options.processes
    )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    data = path.read_bytes()
    started = time.perf_counter()
    seal_pdf(data)
    return {
        "pages": pages,
        "seconds": seconds,
        "pages_per_second": pages / seconds,
        "cpu_ms_per_page": 1000 * cpu / pages,
        "seconds_on_free_cores": cpu / options.processes * GOAL_LETTERS / pages,
        "pdf_mb": len(data) / 1e6,
        "seal_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    main()
