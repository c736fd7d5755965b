"""Benchmark of the online counter: product page, catalogue search, a prefilled form step
and a submit, with 100,000 stored submissions, beside hello-world.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/counter.py
    ... bench/counter.py --submissions 10000 --runs 1     # a quick look
    ... bench/counter.py --database townhall_bench_mine   # its own database, beside another run

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is
not used) and ``wrk`` (Debian package ``wrk``). It uses the machinery of
``bench/pages.py`` (:mod:`pages_server`): the same production-mode gunicorn,
hello-world view, query counter and wrk report.

1. Creates the database ``--database`` (default ``townhall_bench_counter``; it
   refuses one that exists and drops only the one it created, unless
   ``--keep``), migrates it, seeds the demo municipality (its catalogue and
   forms included), stores ``--submissions`` submissions (default 100,000;
   ``bench/counter_setup.py``), publishes a form of ten prefilled fields, and
   makes ``--drafts`` anonymous visitors each with a complete draft of the
   illegal-dumping report.
2. Measures, in every run, hello-world at the start and the end and in
   between: the product page of the resident parking card (anonymous), the
   catalogue search for "gezin" (anonymous), the first step of the ten-field
   form for the signed-in demo resident (ten values read from the register with
   their sources), and the submit: the check step's POST of the dumping report,
   each request another visitor's draft (a wrk Lua script walks the session
   keys), which makes a submission with its reference and leads to the
   confirmation page (302).
3. Prints requests per second, median and 95th percentile latency under load
   (``--connections`` clients) and alone (one client), the ratio to
   hello-world, and whether the goals are met: product page at least 0.5 of
   hello-world, form step at least 0.3, submit at least 0.2, the catalogue
   search under 20 ms median alone. It checks that every submit made a
   submission (a draft handed in twice would only be redirected).

Saving a 100-field form definition is measured by ``bench/form_save.py``.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from pages import Page
from pages_server import (
    BENCH_DIR,
    Bench,
    Visitor,
    database_create,
    database_drop,
    database_urls,
    wrk_figures,
)

ROOT = BENCH_DIR.parent
DEFAULT_DATABASE = "townhall_bench_counter"
GOALS = {"product page": 0.5, "form step (10 prefilled)": 0.3}
SUBMIT_GOAL = 0.2
SEARCH_GOAL_MS = 20
SUBMIT_PATH = "/loket/formulier/sluikstort-melden/stap/3/"
SUBMIT_SCRIPT = r"""
local keys = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do keys[#keys + 1] = line end
local csrf = os.getenv("BENCH_CSRF")
local body = "csrfmiddlewaretoken=" .. csrf
local i = tonumber(os.getenv("BENCH_OFFSET"))
request = function()
  i = i + 1
  local headers = {
    ["Cookie"] = "sessionid=" .. keys[i] .. "; csrftoken=" .. csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", nil, headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-JSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, " ..
    "\"status_errors\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


class CounterBench(Bench):
    def counter_step(self, *arguments: str) -> dict:
        command = [self.python, str(BENCH_DIR / "counter_setup.py"), *arguments]
        done = subprocess.run(
            command, env=self.demo_env, check=True, capture_output=True, text=True
        )
        if done.stderr.strip():
            print(done.stderr.strip(), file=sys.stderr)
        return json.loads(done.stdout)

    def submissions_made(self) -> int:
        script = (
            "import django; django.setup()\n"
            "from townhall.eforms.models import Submission\n"
            "print(Submission.objects.count())\n"
        )
        done = subprocess.run(
            [self.python, "-c", script],
            env=self.demo_env,
            check=True,
            capture_output=True,
            text=True,
        )
        return int(done.stdout)

    def wrk_submit(self, *, keys: Path, offset: int, connections: int, seconds: float) -> dict:
        script = self.workdir / "submit.lua"
        if not script.exists():
            script.write_text(SUBMIT_SCRIPT)
        csrf = "b" * 32  # any 32 characters: the cookie and the form carry the same secret
        env = {
            **os.environ,
            "BENCH_SESSIONS": str(keys),
            "BENCH_CSRF": csrf,
            "BENCH_OFFSET": str(offset),
        }
        command = [
            "wrk",
            "--threads",
            "1",  # one Lua state: each request takes the next visitor
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "60s",
            "--script",
            str(script),
            f"http://127.0.0.1:{self.port}{SUBMIT_PATH}",
        ]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        figures = wrk_figures(done.stdout)
        self.drain()
        return figures


def measure(bench: CounterBench, resident: Visitor, keys: Path, drafts: int) -> dict:
    options = bench.options
    pages = [
        Page("hello-world", "baseline", "/bench/hello/"),
        # What every signed-in page pays before its own work (bench/pages_urls.py).
        Page("signed-in hello", "baseline", "/bench/hello/signed-in/", "resident"),
        Page("signed-in layout", "baseline", "/bench/hello/signed-in/layout/", "resident"),
        Page("product page", "anonymous", "/catalogus/bewonersparkeerkaart/"),
        Page("catalogue search", "anonymous", f"/catalogus/zoeken/?{urlencode({'q': 'gezin'})}"),
        Page(
            "form step (10 prefilled)",
            "resident",
            "/loket/formulier/bench-tien-velden/stap/1/",
            "resident",
        ),
    ]
    for page in pages:
        visitor = resident if page.who else Visitor(bench.port)
        status, queries, _size = bench.probe(page, visitor)
        if status != page.expect:
            sys.exit(f"{page.name} answered {status}, expected {page.expect}")
        print(f"  {page.name}: {queries} SQL queries")
    names = [p.name for p in pages] + ["submit"]
    results = {name: {"load": [], "alone": [], "ratio": []} for name in names}
    offset = 0
    for run in range(1, options.runs + 1):
        hello_rates = []
        for page in [*pages, pages[0]]:
            visitor = resident if page.who else Visitor(bench.port)
            load = bench.wrk(
                page, visitor, connections=options.connections, seconds=options.duration
            )
            alone = bench.wrk(page, visitor, connections=1, seconds=options.alone_duration)
            if page is pages[0]:
                hello_rates.append(load["rate"])
            results[page.name]["load"].append(load)
            results[page.name]["alone"].append(alone)
            if page.name == "product page":  # the submit between the other pages
                before = bench.submissions_made()
                for connections, seconds, kind in (
                    (options.connections, options.duration, "load"),
                    (1, options.alone_duration, "alone"),
                ):
                    figures = bench.wrk_submit(
                        keys=keys, offset=offset, connections=connections, seconds=seconds
                    )
                    offset += figures["requests"] + connections
                    if offset >= drafts:
                        sys.exit("The submits used every prepared draft: raise --drafts.")
                    results["submit"][kind].append(figures)
                made = bench.submissions_made() - before
                sent = sum(results["submit"][k][-1]["requests"] for k in ("load", "alone"))
                if made < sent:
                    print(f"  run {run}: {sent} submits answered, {made} submissions made")
        baseline = statistics.mean(hello_rates)
        floor = results["signed-in hello"]["load"][-1]["rate"]
        for name in names[1:]:
            rate = results[name]["load"][-1]["rate"]
            results[name]["ratio"].append(rate / baseline)
            results[name].setdefault("floor", []).append(rate / floor)
        print(f"  run {run} of {options.runs} done; hello-world {baseline:,.0f} requests/s")
    return results


def report(results: dict, options, stored: int) -> None:
    def median(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    def ms(rows, key):
        return [None if row[key] is None else row[key] / 1000 for row in rows]

    print()
    print(
        f"Online counter with {stored:,} stored submissions; gunicorn {options.workers} sync "
        f"workers, wrk {options.connections} connections, {options.runs} runs of "
        f"{options.duration} s (alone: 1 connection, {options.alone_duration} s); medians"
    )
    header = (
        f"{'page':28} {'req/s':>8} {'ratio':>6} {'goal':>6} {'floor':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'alone p50':>9} {'alone p95':>9}  met"
    )
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        rate = median([x["rate"] for x in result["load"]])
        ratio = median(result["ratio"]) if result["ratio"] else 1.0
        alone50 = median(ms(result["alone"], "p50_us"))
        goal = SUBMIT_GOAL if name == "submit" else GOALS.get(name)
        met = "" if goal is None else ("yes" if ratio >= goal else "NO")
        if name == "catalogue search":  # the goal for the search is its latency
            met = "yes" if alone50 < SEARCH_GOAL_MS else "NO"
        floor = median(result.get("floor", [])) if name != "hello-world" else float("nan")
        errors = sum(x["status_errors"] + x["socket_errors"] for x in result["load"])
        if errors:
            met += f" ({errors} errors)"
        print(
            f"{name:28} {rate:>8,.1f} {ratio:>6.3f} {goal or '':>6} {floor:>6.3f} "
            f"{median(ms(result['load'], 'p50_us')):>7.1f} "
            f"{median(ms(result['load'], 'p95_us')):>7.1f} {alone50:>9.1f} "
            f"{median(ms(result['alone'], 'p95_us')):>9.1f}  {met}"
        )
    print(
        "Goals: ratio to hello-world; product page 0.5, form step 0.3, submit 0.2; the "
        f"catalogue search alone under {SEARCH_GOAL_MS} ms median. floor: requests per "
        "second over the signed-in hello's in the same run (what a signed-in request pays "
        "before its own work)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--drafts", type=int, default=30_000)
    parser.add_argument("--checkout", default=str(ROOT), help="the source tree to measure")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per page")
    parser.add_argument("--alone-duration", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    options = parser.parse_args()
    options.persons = 0
    options.reuse = None
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    admin_url, _ = database_urls(os.environ["DATABASE_URL"], options.database)

    database_create(admin_url, options.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-counter-"))
    bench = CounterBench(options, workdir)
    try:
        facts = bench.build()
        stored = bench.counter_step("submissions", "--count", str(options.submissions))
        print(f"Stored {stored['submissions']:,} submissions")
        bench.counter_step("form")
        keys = workdir / "sessions.txt"
        bench.counter_step("drafts", "--count", str(options.drafts), "--out", str(keys))
        bench.start_server()
        resident = Visitor(bench.port, {"sessionid": facts["resident_session"]})
        results = measure(bench, resident, keys, options.drafts)
        report(results, options, stored["submissions"])
    finally:
        bench.stop_server()
        if options.keep:
            print(f"Kept the database {options.database} and {workdir}.")
        else:
            database_drop(admin_url, options.database)
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
