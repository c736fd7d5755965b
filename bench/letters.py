"""Benchmark of the paper-letter print batch against one process on a sample.

    .venv/bin/python bench/letters.py                      # 4,800 letters on 2 processes
    .venv/bin/python bench/letters.py --count 800          # a quick check

1. Generates ``count`` one-page letters with made-up names and addresses, three
   in four in Dutch and the rest in French (one per demo household), and one
   letterhead per language; no database is used.
2. Baseline: renders the first ``--baseline-count`` letters (400) with
   ``processes=1``, in this process, into one PDF.
3. Renders all ``count`` letters with ``processes`` (2) into one PDF, and prints
   pages per second, the ratio to the baseline (the speed-up from the pool),
   the elapsed time against the goal of 120 s for 4,800 letters, the size of
   the PDF and the peak resident memory of this process and of a worker.
4. Prints the CPU time per page of both runs (this process and its workers):
   unlike the elapsed time it does not grow when other work shares the cores,
   and CPU time / processes is what the batch takes when every process has a
   core to itself. The load average shows how busy the machine was.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 120
GOAL_LETTERS = 4800
FIRST_NAMES = [
    "Jan", "An", "Pieter", "Els", "Koen", "Sofie", "Wim", "Lotte", "Bart", "Marie",
    "Luc", "Nathalie", "Jean", "Sarah", "Mohamed", "Fatima", "Arne", "Lien", "Dirk", "Inge",
]  # fmt: skip
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Vandenberghe", "D'hondt", "Verstraete",
    "El Amrani", "Desmet", "Vermeulen", "Declercq", "Lemaire",
]  # fmt: skip
STREETS = [
    "Kerkstraat", "Molenstraat", "Stationsstraat", "Brugsesteenweg", "Dorpsplein",
    "Beekstraat", "Lindelaan", "Kapelweg", "Veldstraat", "Schoolstraat", "Marktplein",
]  # fmt: skip
PLACES = [("8760", "Meulebeke"), ("8700", "Tielt"), ("8770", "Ingelmunster"), ("8870", "Izegem")]
TEXT = {
    "nl": (
        "Ophaling grofvuil en aanpassing van de afvalkalender",
        "Vanaf 1 januari verandert de ophaaldag van het restafval in uw straat. De nieuwe "
        "afvalkalender zit bij deze brief en staat ook op de website van de gemeente. U vindt "
        "er ook de data van de ophaling van grofvuil en van papier en karton.\n\n"
        "Grofvuil wordt voortaan op afspraak opgehaald. U maakt een afspraak online of aan het "
        "onthaal van het gemeentehuis, uiterlijk een week op voorhand. Wie geen vervoer heeft, "
        "kan het grofvuil ook kosteloos naar het recyclagepark laten brengen door de "
        "vrijwilligers van de minder mobielen centrale.\n\n"
        "Hebt u vragen? Bel of mail de dienst milieu, of kom langs tijdens de openingsuren.",
    ),
    "fr": (
        "Collecte des encombrants et nouveau calendrier des déchets",
        "À partir du 1er janvier, le jour de collecte des déchets résiduels change dans votre "
        "rue. Le nouveau calendrier est joint à cette lettre et figure aussi sur le site de la "
        "commune, avec les dates de collecte des encombrants et des papiers-cartons.\n\n"
        "Les encombrants sont désormais collectés sur rendez-vous. Vous prenez rendez-vous en "
        "ligne ou à l'accueil de la maison communale, au plus tard une semaine à l'avance.\n\n"
        "Des questions ? Appelez ou écrivez au service environnement, ou passez pendant les "
        "heures d'ouverture.",
    ),
}


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def make_letters(count: int, rng: random.Random) -> list:
    from townhall.messaging.letters import Letter

    letters = []
    for index in range(count):
        language = "fr" if index % 4 == 3 else "nl"
        subject, body = TEXT[language]
        postcode, place = rng.choice(PLACES)
        box = f" bus {rng.randrange(1, 9)}" if index % 7 == 0 else ""
        letters.append(
            Letter(
                reference=f"TH-2026-{index + 1:06d}",
                language=language,
                recipient_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                address_lines=(
                    f"{rng.choice(STREETS)} {rng.randrange(1, 200)}{box}",
                    f"{postcode} {place}",
                ),
                subject=subject,
                body=body,
                date=datetime.date(2026, 12, 1),
            )
        )
    return letters


def letterheads() -> dict:
    from townhall.messaging.letters import Letterhead

    common = {
        "street_line": "Marktplein 1",
        "postcode_line": "8760 Meulebeke",
        "place": "Meulebeke",
        "email": "info@meulebeke.example.org",
        "phone": "+32 51 48 00 00",
        "website": "https://www.meulebeke.example.org",
        "enterprise_number": "0207.451.227",
    }
    return {
        "nl": Letterhead(name="Gemeente Meulebeke", **common),
        "fr": Letterhead(name="Commune de Meulebeke", **common),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (the pool's workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def render(letters, processes: int, path: Path) -> tuple[int, float, float]:
    """(pages, elapsed seconds, CPU seconds of all processes) of one batch."""
    from townhall.messaging.letters import letters_render_pdf

    started, cpu = time.perf_counter(), cpu_seconds()
    pages = letters_render_pdf(
        letters=letters, letterhead_for=letterheads(), path=path, processes=processes
    )
    return pages, time.perf_counter() - started, cpu_seconds() - cpu


def bench_letters(count: int = GOAL_LETTERS, processes: int = 2, baseline_count: int = 400) -> dict:
    """Render ``count`` letters on ``processes`` and a sample on one; return the figures."""
    _django_setup()
    letters = make_letters(count, random.Random(20261201))
    with tempfile.TemporaryDirectory(prefix="townhall-bench-letters-") as workdir:
        sample = letters[: min(baseline_count, count)]
        base_pages, base_seconds, base_cpu = render(sample, 1, Path(workdir) / "baseline.pdf")
        pages, seconds, cpu = render(letters, processes, Path(workdir) / "batch.pdf")
        size = (Path(workdir) / "batch.pdf").stat().st_size
    baseline_rate = base_pages / base_seconds
    rate = pages / seconds
    return {
        "letters": count,
        "processes": processes,
        "pages": pages,
        "seconds": seconds,
        "pages_per_second": rate,
        "baseline_letters": len(sample),
        "baseline_pages_per_second": baseline_rate,
        "ratio": rate / baseline_rate,
        "seconds_for_goal": seconds * GOAL_LETTERS / count,
        "baseline_cpu_ms_per_page": 1000 * base_cpu / base_pages,
        "cpu_ms_per_page": 1000 * cpu / pages,
        # What the batch would take with every process on a core of its own.
        "seconds_for_goal_on_free_cores": cpu / processes * GOAL_LETTERS / pages,
        "goal_seconds": GOAL_SECONDS,
        "pdf_mb": size / 1e6,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_worker_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
        "load_average": os.getloadavg(),
    }


def _django_setup() -> None:
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    os.environ.setdefault("TOWNHALL_VAR_DIR", tempfile.mkdtemp(prefix="townhall-bench-var-"))
    import django

    django.setup()


def report(figures: dict) -> str:
    verdict = "within" if figures["seconds_for_goal"] <= GOAL_SECONDS else "OVER"
    load = ", ".join(f"{value:.1f}" for value in figures["load_average"])
    return "\n".join(
        [
            f"{'':24} {'letters':>8} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'ratio':>6} "
            f"{'CPU ms/page':>12}",
            f"{'baseline, 1 process':24} {figures['baseline_letters']:>8,} "
            f"{'':>6} {'':>8} {figures['baseline_pages_per_second']:>8.1f} {1:>6.2f} "
            f"{figures['baseline_cpu_ms_per_page']:>12.1f}",
            f"{'batch, ' + str(figures['processes']) + ' processes':24} "
            f"{figures['letters']:>8,} {figures['pages']:>6,} {figures['seconds']:>8.1f} "
            f"{figures['pages_per_second']:>8.1f} {figures['ratio']:>6.2f} "
            f"{figures['cpu_ms_per_page']:>12.1f}",
            f"{GOAL_LETTERS:,} letters take {figures['seconds_for_goal']:.0f} s at this rate: "
            f"{verdict} the goal of {GOAL_SECONDS} s; with a free core per process "
            f"(CPU time / processes) {figures['seconds_for_goal_on_free_cores']:.0f} s.",
            f"PDF {figures['pdf_mb']:.1f} MB; peak RSS {figures['peak_rss_mb']:.0f} MB here, "
            f"{figures['peak_rss_worker_mb']:.0f} MB in a worker; load average before the end "
            f"{load}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=GOAL_LETTERS)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--baseline-count", type=int, default=400)
    options = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    print(report(bench_letters(options.count, options.processes, options.baseline_count)))


if __name__ == "__main__":
    main()
