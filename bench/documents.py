"""Benchmark of issued documents: render and seal a certificate, and the 4,800-letter batch,
beside WeasyPrint's own floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/documents.py
    ... bench/documents.py --database townhall_bench_mine    # its own database, beside another run
    ... bench/documents.py --documents 100 --letters 800     # a quick check

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is not used).

1. Creates the database ``--database`` (default ``townhall_bench_documents``; it
   refuses one that exists and drops only the one it created, unless ``--keep``),
   migrates it and makes the demo municipality, whose name the demo seal carries.
   The demo seal chain (RSA 3072, as ``make demo`` makes it) is made in the run's
   own folder, so its one-off cost is not counted.
2. **Floor**: WeasyPrint (through :func:`townhall.pdf.pdf_render`) renders a
   minimal one-line page ``--floor`` times (default 200): pages per second.
3. **Certificate**: ``--documents`` times (default 500) a one-page certificate of
   residence is rendered and sealed (:func:`townhall.documents.seal.seal_pdf`,
   PAdES, the demo chain; no TSA). The documents app's issuing service
   (``townhall.documents.services.document_issue``) is not on main yet: the
   document measured here is a representative one, with the project's renderer,
   the municipality's letterhead, a table of the holder's data, a QR code of a
   verification URL (segno) and the signatory, as the issued one will have. Prints
   per document the median and 95th percentile (render + seal), documents per
   second, its ratio to the floor, the share of sealing in the rendering time,
   and the goal: **ready in under 1 s at the 95th percentile**. Each tenth
   document is checked with :func:`townhall.documents.seal.seal_check` (it must
   be valid; the check's time is printed, not counted in the document's).
4. **Letters**: ``--letters`` one-page letters (default 4,800) as one PDF through
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
CERTIFICATE_CSS = """
@page { size: A4; margin: 18mm 20mm 22mm 20mm;
        @bottom-center { content: "Document " string(number) " · pagina " counter(page);
                         font-size: 8pt; color: #555 } }
body { font-family: "Liberation Sans", sans-serif; font-size: 10.5pt; line-height: 1.4 }
header { border-bottom: 2pt solid #1d4f91; padding-bottom: 4mm; margin-bottom: 10mm }
header .name { font-size: 16pt; font-weight: bold; color: #1d4f91 }
h1 { font-size: 15pt; margin: 0 0 6mm; string-set: number attr(data-number) }
table { border-collapse: collapse; width: 100%; margin: 4mm 0 8mm }
th { text-align: left; width: 40%; font-weight: normal; color: #444 }
th, td { padding: 1.5mm 2mm; border-bottom: 0.5pt solid #ccc }
.verify { display: flex; gap: 6mm; align-items: center; margin-top: 12mm; font-size: 9pt }
.verify img { width: 28mm; height: 28mm }
.signatory { margin-top: 10mm }
"""


def certificate_html(municipality, number: int, qr_data_uri: str) -> str:
    """A certificate of residence (attest van woonst) of one page, in Dutch."""
    from django.utils.html import escape

    holder = ("Jan", "Peeters", "Kerkstraat 12", "8770 Ingelmunster", "30.07.1985")
    rows = "".join(
        f"<tr><th>{label}</th><td>{escape(value)}</td></tr>"
        for label, value in zip(
            ("Voornaam", "Naam", "Adres", "Gemeente", "Geboortedatum"), holder, strict=True
        )
    )
    return f"""<html lang="nl"><body>
<header><div class="name">Gemeente {escape(municipality.name)}</div>
<div>{escape(municipality.street)} {escape(municipality.house_number)},
{escape(municipality.postcode)} {escape(municipality.name)} · {escape(municipality.email)}
· {escape(municipality.phone)}</div></header>
<h1 data-number="ATT-2026-{number:06d}">Attest van woonst</h1>
<p>De burgemeester van de gemeente {escape(municipality.name)} verklaart op grond van het
bevolkingsregister dat de hierna vermelde persoon op de datum van dit attest ingeschreven is
op het volgende adres:</p>
<table>{rows}</table>
<p>Dit attest wordt afgegeven voor administratieve doeleinden. Het is elektronisch gezegeld en
zonder handtekening geldig.</p>
<div class="signatory">Namens de burgemeester,<br>de ambtenaar van de burgerlijke stand</div>
<div class="verify"><img src="{qr_data_uri}" alt="">
<div>Controleer dit attest op https://www.{municipality.name.lower()}.be/controle met de code
in de QR-code. Documentnummer ATT-2026-{number:06d}.</div></div>
</body></html>"""


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").png_data_uri(scale=4)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--floor", type=int, default=200, help="minimal pages for the floor")
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--letters", type=int, default=GOAL_LETTERS)
    parser.add_argument("--processes", type=int, default=2)
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
    os.environ.setdefault("TOWNHALL_VAR_DIR", str(workdir / "var"))
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

    from townhall.demo.municipality import municipality_create
    from townhall.documents.seal import seal_check, seal_pdf, sealer_get
    from townhall.pdf import pdf_render
    from townhall.registry.tests.factories import enterprise_number

    call_command("migrate", verbosity=0)
    municipality, _departments = municipality_create(enterprise_number=enterprise_number(2074361))
    started = time.perf_counter()
    sealer = sealer_get()  # makes the demo chain: once per installation, not per document
    print(
        f"Demo seal chain for {sealer.certificate.subject.native['organization_name']} made and "
        f"loaded in {time.perf_counter() - started:.1f} s."
    )
    floor_css = workdir / "floor.css"
    floor_css.write_text(FLOOR_CSS)
    certificate_css = workdir / "certificate.css"
    certificate_css.write_text(CERTIFICATE_CSS)

    # 2. The floor.
    pdf_render(FLOOR_PAGE, stylesheet=floor_css)  # parses the stylesheet once, as a process does
    started = time.perf_counter()
    for _ in range(options.floor):
        pdf_render(FLOOR_PAGE, stylesheet=floor_css)
    floor_rate = options.floor / (time.perf_counter() - started)

    # 3. Render and seal the certificate.
    seal_pdf(
        pdf_render(certificate_html(municipality, 0, qr_data_uri("x")), stylesheet=certificate_css)
    )
    renders, seals, totals, checks = [], [], [], []
    for number in range(1, options.documents + 1):
        started = time.perf_counter()
        html = certificate_html(
            municipality, number, qr_data_uri(f"https://townhall.example.org/v/{number:032x}")
        )
        pdf = pdf_render(html, stylesheet=certificate_css)
        rendered = time.perf_counter()
        sealed = seal_pdf(pdf)
        done = time.perf_counter()
        renders.append(rendered - started)
        seals.append(done - rendered)
        totals.append(done - started)
        if number % 10 == 0:
            check = seal_check(sealed)
            checks.append(time.perf_counter() - done)
            if check.status != "valid":
                sys.exit(f"Document {number}: the seal check says {check.status}: {check.problem}")
    document_rate = options.documents / sum(totals)
    p95 = percentile(totals, 0.95)

    # 4. The letter batch, and one seal of the whole batch.
    letter_figures = letters(options, workdir, seal_pdf)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nIssued documents ({options.documents} certificates), load average {load}:")
    print(f"{'':34} {'per second':>11} {'ratio':>6}")
    print(f"{'floor: minimal page (WeasyPrint)':34} {floor_rate:>11.1f} {1:>6.2f}")
    print(
        f"{'certificate: render + seal':34} {document_rate:>11.1f} "
        f"{document_rate / floor_rate:>6.2f}"
    )
    print(
        f"{'letters: batch of ' + format(options.letters, ','):34} "
        f"{letter_figures['pages_per_second']:>11.1f} "
        f"{letter_figures['pages_per_second'] / floor_rate:>6.2f}"
    )
    print(
        f"\nCertificate, ms per document: median {statistics.median(totals) * 1000:.0f}, "
        f"95th percentile {p95 * 1000:.0f}, slowest {max(totals) * 1000:.0f} "
        f"(render median {statistics.median(renders) * 1000:.0f}, seal median "
        f"{statistics.median(seals) * 1000:.0f}, seal 95th percentile "
        f"{percentile(seals, 0.95) * 1000:.0f})."
    )
    print(
        f"Sealing costs {sum(seals) / sum(renders):.0%} of the rendering time "
        f"({sum(seals) / sum(totals):.0%} of the document's). A seal check takes "
        f"{statistics.median(checks) * 1000:.0f} ms (median of {len(checks)})."
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
