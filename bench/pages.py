"""Benchmark of every page a resident or a staff member opens, beside hello-world.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    ... bench/pages.py --persons 1000000              # first grow the register to a million
    ... bench/pages.py --checkout /tmp/before         # measure another checkout's code
    ... bench/pages.py --pages 'person|household'     # only the pages whose name matches

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is
not used) and ``wrk`` (Debian package ``wrk``).

1. Creates the database ``--database`` (default ``townhall_bench_pages``; it
   refuses one that exists, and drops only the one it created, unless
   ``--keep``), migrates it with the checkout's code and seeds the demo
   municipality (about 11,000 persons); with ``--persons N`` grows the register
   to N plausible persons with COPY (``bench/pages_setup.py``).
2. Makes what the pages show: a broadcast to the demo resident's street (with
   its letters in the day's batch) and a mandate; signs the demo resident in
   (eID, high assurance, as the OpenID callback leaves the session: production
   mode has no demo identity provider) and, over HTTP, the demo staff members
   ``burgerzaken`` and ``communicatie`` with password and second factor (the
   code from ``manage.py demo_otp_code``), and gives their purposes.
3. Starts gunicorn (``--workers`` sync workers) in production mode
   (``TOWNHALL_MODE=production``, ``DEBUG`` off, generated keys) on the
   checkout's code, with ``bench/pages_settings.py``: Townhall's settings plus
   the baseline views of ``bench/pages_urls.py`` (hello-world, and the floors
   of a signed-in page: the signed-in and staff hellos, each also in its empty
   layout) and a query counter that answers only to the bench's header. None
   exists in Townhall itself.
4. For every page: one request to check it answers as it should and to count
   its SQL queries; then ``wrk`` with ``--connections`` clients for
   ``--duration`` seconds (requests per second, median and 95th percentile
   latency under load), and with one client (the latency of one request when
   nobody waits: what the list and search goals are about). Hello-world is
   measured at the start and the end of every run; ``--runs`` runs, medians
   printed.
5. Prints each page's figures, its ratio to hello-world, the goal of its group
   and whether it is met, a resident or staff page's ratio to its group's
   floor (the signed-in or the staff hello, in the same run) against the
   proposed goal of that ratio (bench/README.md says why), and the memory of
   each gunicorn worker (resident and proportional set size, after the runs).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from pages_server import (
    BENCH_DIR,
    PURPOSE,
    Bench,
    Visitor,
    database_create,
    database_drop,
    database_urls,
)

ROOT = BENCH_DIR.parent
DEFAULT_DATABASE = "townhall_bench_pages"
SEARCH_NAME = "Vandamme"  # a family name of the demo in every version of it
STAFF = ("burgerzaken", "communicatie")
GOALS = {"anonymous": 0.5, "resident": 0.2, "staff": 0.1}
LIST_GOAL_MS = (50, 150)  # median and 95th percentile of a staff list or search, alone
# The floors of a signed-in page (bench/pages_urls.py): what every resident or staff
# request must do before its own work. A page's "floor" ratio is to its group's floor.
SIGNED_IN_HELLO = "signed-in hello"
STAFF_HELLO = "staff hello"
FLOORS = {"resident": SIGNED_IN_HELLO, "staff": STAFF_HELLO}
# Proposed goals as a ratio to the floor (bench/README.md, "Figures", says why).
FLOOR_GOALS = {"resident": 0.2, "staff": 0.3}


@dataclass
class Page:
    name: str
    group: str  # baseline, anonymous, resident, staff
    path: str
    who: str = ""  # the session it needs: resident, burgerzaken, communicatie
    method: str = "GET"
    form: dict = field(default_factory=dict)
    expect: int = 200
    is_list: bool = False  # a staff list or search: the latency goal applies


def pages_for(facts: dict) -> list[Page]:
    # Staff look at another person than the signed-in resident: the resident's own
    # access log (on My data) stays as long as a resident's is, not a row per request.
    person, broadcast = facts["staff_person"], facts["broadcast"]
    person_number = facts["resident_number"]
    compose = {
        "action": "preview",
        "audience": "street",
        "street": facts["street_id"],
        "topic": "news",
        "subject_nl": "Wegenwerken",
        "body_nl": "Van maandag tot vrijdag is de straat afgesloten.",
    }
    return [
        Page("hello-world", "baseline", "/bench/hello/"),
        Page(SIGNED_IN_HELLO, "baseline", "/bench/hello/signed-in/", "resident"),
        Page("signed-in layout", "baseline", "/bench/hello/signed-in/layout/", "resident"),
        Page(STAFF_HELLO, "baseline", "/backoffice/bench-hello/", "burgerzaken"),
        Page("staff layout", "baseline", "/backoffice/bench-hello/layout/", "burgerzaken"),
        Page("home", "anonymous", "/"),
        Page("sign-in", "anonymous", "/aanmelden/"),
        Page("accessibility statement", "anonymous", "/toegankelijkheid/"),
        Page("my page", "resident", "/mijn/", "resident"),
        Page("my data (Mijn gegevens)", "resident", "/mijn/gegevens/", "resident"),
        Page("contact preferences", "resident", "/mijn/contact/", "resident"),
        Page("mandates", "resident", "/mijn/volmachten/", "resident"),
        Page("my messages (Mijn berichten)", "resident", "/mijn/berichten/", "resident"),
        Page("back-office home", "staff", "/backoffice/", "burgerzaken"),
        Page("messaging overview", "staff", "/backoffice/berichten/", "burgerzaken"),
        Page(
            "compose preview",
            "staff",
            "/backoffice/berichten/nieuw/",
            "communicatie",
            method="POST",
            form=compose,
        ),
        Page(
            "broadcast progress",
            "staff",
            f"/backoffice/berichten/verzending/{broadcast}/",
            "communicatie",
        ),
        Page("message log", "staff", f"/backoffice/berichten/persoon/{person}/", "burgerzaken"),
        Page("letter batches", "staff", "/backoffice/berichten/brieven/", "burgerzaken"),
        Page("person list", "staff", "/admin/registry/person/", "burgerzaken", is_list=True),
        Page(
            "person search (name)",
            "staff",
            f"/admin/registry/person/?{urlencode({'q': SEARCH_NAME})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "person search (street)",
            "staff",
            f"/admin/registry/person/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "person by national number",
            "staff",
            "/admin/registry/person/lookup/",
            "burgerzaken",
            method="POST",
            form={"national_number": person_number, **PURPOSE},
            expect=302,
            is_list=True,
        ),
        Page("person record", "staff", f"/admin/registry/person/{person}/change/", "burgerzaken"),
        Page("household list", "staff", "/admin/registry/household/", "burgerzaken", is_list=True),
        Page(
            "household search (street)",
            "staff",
            f"/admin/registry/household/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page("address list", "staff", "/admin/registry/address/", "burgerzaken", is_list=True),
        Page(
            "address search (street)",
            "staff",
            f"/admin/registry/address/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation list",
            "staff",
            "/admin/registry/organisation/",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation search (name)",
            "staff",
            f"/admin/registry/organisation/?{urlencode({'q': facts['organisation_word']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation by enterprise number",
            "staff",
            f"/admin/registry/organisation/?{urlencode({'q': facts['enterprise_number']})}",
            "burgerzaken",
            is_list=True,
        ),
    ]


def measure(bench: Bench, facts: dict, visitors: dict) -> tuple[list, dict]:
    pages = pages_for(facts)
    if bench.options.pages:
        chosen = re.compile(bench.options.pages, re.IGNORECASE)
        pages = [p for p in pages if p.group == "baseline" or chosen.search(p.name)]

    def before(page: Page) -> None:
        if page.who == "burgerzaken":  # the purposes its pages ask, for half an hour each
            bench.give_purposes(visitors, facts)

    return measure_pages(bench, pages, visitors, before=before)


def measure_pages(bench: Bench, pages: list[Page], visitors: dict, *, before=None):
    """Measure ``pages`` (the first is hello-world) in ``bench.options.runs`` runs.

    Every page is first requested once (its status, SQL queries and size); one that
    does not answer ``expect`` is left out. Then, in each run: hello-world, every
    page under load and alone, hello-world again; each page's requests per second
    over the mean of the run's two hello-worlds (``ratio``) and over its group's
    floor (``floor``, :data:`FLOORS`). ``before(page)`` is called before each
    request of a page (to give the purposes its page asks, say). Returns
    ``(page, probe, result)`` for each measured page, and every page's probe.
    """
    options = bench.options
    hello = pages[0]
    probes = {}
    for page in pages:
        visitor = visitors.get(page.who) or Visitor(bench.port)
        if before:
            before(page)
        status, queries, size = bench.probe(page, visitor)
        probes[page.name] = (status, queries, size)
        if status != page.expect:
            print(f"  {page.name}: answered {status}, expected {page.expect}; left out")
    measured = [p for p in pages if probes[p.name][0] == p.expect]
    results = {page.name: {"load": [], "alone": [], "ratio": [], "floor": []} for page in measured}
    for run in range(1, options.runs + 1):
        hello_rates = []
        for position, page in enumerate([hello, *measured[1:], hello]):
            visitor = visitors.get(page.who) or Visitor(bench.port)
            if before:
                before(page)
            load = bench.wrk(
                page, visitor, connections=options.connections, seconds=options.duration
            )
            if page is hello:
                hello_rates.append(load["rate"])
                results[hello.name]["load"].append(load)
                if position == 0:
                    alone = bench.wrk(page, visitor, connections=1, seconds=options.alone_duration)
                    results[hello.name]["alone"].append(alone)
                continue
            alone = bench.wrk(page, visitor, connections=1, seconds=options.alone_duration)
            results[page.name]["load"].append(load)
            results[page.name]["alone"].append(alone)
        baseline = statistics.mean(hello_rates)
        for page in measured[1:]:
            rate = results[page.name]["load"][-1]["rate"]
            results[page.name]["ratio"].append(rate / baseline)
            floor = results.get(FLOORS.get(page.group, ""))
            if floor:
                results[page.name]["floor"].append(rate / floor["load"][-1]["rate"])
        print(f"  run {run} of {options.runs} done; hello-world {baseline:,.0f} requests/s")
    return [(page, probes[page.name], results[page.name]) for page in measured], probes


def page_figures(result: dict) -> dict:
    """The medians over the runs of one page's result (:func:`measure_pages`), in ms;
    ``nan`` where no run had an answer."""

    def median(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    def ms(rows, key):
        return [None if x[key] is None else x[key] / 1000 for x in rows]

    return {
        "rate": median([x["rate"] for x in result["load"]]),
        "p50": median(ms(result["load"], "p50_us")),
        "p95": median(ms(result["load"], "p95_us")),
        "alone50": median(ms(result["alone"], "p50_us")),
        "alone95": median(ms(result["alone"], "p95_us")),
        "errors": sum(x["status_errors"] + x["socket_errors"] for x in result["load"]),
        "ratio": median(result["ratio"]) if result["ratio"] else 1.0,
        "floor": median(result["floor"]) if result["floor"] else None,
    }


def report(rows: list, memory: list, options, facts: dict) -> None:
    print()
    print(
        f"Pages at {facts['persons']:,} persons; gunicorn {options.workers} sync workers, "
        f"wrk {options.connections} connections, {options.runs} runs of {options.duration} s "
        f"(alone: 1 connection, {options.alone_duration} s); medians of the runs"
    )
    header = (
        f"{'page':36} {'group':9} {'SQL':>4} {'req/s':>8} {'ratio':>6} {'goal':>5} "
        f"{'floor':>6} {'goal':>5} {'p50 ms':>7} {'p95 ms':>7} {'alone p50':>9} "
        f"{'alone p95':>9}  met  floor met"
    )
    print(header)
    print("-" * len(header))
    for page, (_status, queries, _size), result in rows:
        figures = page_figures(result)
        rate, p50, p95 = figures["rate"], figures["p50"], figures["p95"]
        alone50, alone95, errors = figures["alone50"], figures["alone95"], figures["errors"]
        ratio, floor = figures["ratio"], figures["floor"]
        goal = GOALS.get(page.group)
        floor_goal = FLOOR_GOALS.get(page.group)
        met = floor_met = ""
        if goal is not None:
            latency_met = not page.is_list or (
                alone50 < LIST_GOAL_MS[0] and alone95 < LIST_GOAL_MS[1]
            )
            met = "yes" if ratio >= goal and latency_met else "NO"
            if floor_goal is not None and floor is not None:
                floor_met = "yes" if floor >= floor_goal and latency_met else "NO"
        if errors:
            met += f" ({errors} errors)"
        print(
            f"{page.name:36} {page.group:9} {queries if queries is not None else '?':>4} "
            f"{rate:>8,.1f} {ratio:>6.3f} {goal if goal is not None else '':>5} "
            f"{f'{floor:.2f}' if floor is not None else '':>6} "
            f"{floor_goal if floor is not None else '':>5} {p50:>7.1f} {p95:>7.1f} "
            f"{alone50:>9.1f} {alone95:>9.1f}  {met:4} {floor_met}"
        )
    print(
        "Goals: ratio to hello-world (anonymous 0.5, resident 0.2, staff 0.1); a staff list or "
        f"search alone under {LIST_GOAL_MS[0]} ms median and {LIST_GOAL_MS[1]} ms at the 95th "
        "percentile. floor: the ratio to the group's floor in the same run (resident pages to "
        f"the {SIGNED_IN_HELLO}, staff pages to the {STAFF_HELLO}), with its proposed goal "
        f"(resident {FLOOR_GOALS['resident']}, staff {FLOOR_GOALS['staff']}). SQL: the queries "
        "of one request (session read and write included). nan: not one answer within the "
        "run's seconds."
    )
    if memory:
        largest = max(rss for _pid, rss, _pss in memory)
        print(
            "Memory per worker after the runs: "
            + ", ".join(f"RSS {rss:.0f} MB / PSS {pss:.0f} MB" for _pid, rss, pss in memory)
            + f"; goal under 150 MB: {'yes' if largest < 150 else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--persons", type=int, default=0, help="grow the register to this many")
    parser.add_argument("--checkout", default=str(ROOT), help="the source tree to measure")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per page")
    parser.add_argument("--alone-duration", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="", help="a regular expression over the page names")
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    parser.add_argument(
        "--reuse",
        metavar="FOLDER",
        help="measure again the database an earlier --keep run left (its folder); kept after",
    )
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not (Path(options.checkout) / "src" / "townhall").is_dir():
        sys.exit(f"--checkout {options.checkout} holds no src/townhall")
    kept = None
    if options.reuse:
        kept = json.loads((Path(options.reuse) / "bench.json").read_text())
        options.database = urlsplit(kept["env"]["DATABASE_URL"]).path.lstrip("/")
        options.keep = True
    admin_url, _ = database_urls(os.environ["DATABASE_URL"], options.database)

    if kept:
        run(options, Path(options.reuse), kept, admin_url)
        return
    database_create(admin_url, options.database)
    run(options, Path(tempfile.mkdtemp(prefix="townhall-bench-pages-")), None, admin_url)


def run(options, workdir: Path, kept: dict | None, admin_url: str) -> None:

    bench = Bench(options, workdir, kept)
    try:
        facts = bench.build()
        bench.start_server()
        visitors = {
            "resident": Visitor(bench.port, {"sessionid": facts["resident_session"]}),
            **{username: bench.staff_sign_in(username) for username in STAFF},
        }
        if options.keep:
            # What bench/pages_profile.py needs to replay a page on the kept database.
            kept = {
                "env": bench.server_env,
                "facts": facts,
                "cookies": {name: v.cookies for name, v in visitors.items()},
            }
            (workdir / "bench.json").write_text(json.dumps(kept, indent=1))
        rows, _ = measure(bench, facts, visitors)
        memory = bench.worker_memory()
        report(rows, memory, options, facts)
    finally:
        bench.stop_server()
        if options.keep:
            print(f"Kept the database {options.database} and {workdir}.")
        else:
            database_drop(admin_url, options.database)
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
