"""Benchmark of case handling at a million cases: the inbox, the case page, Mijn zaken,
and engine transitions per second, beside hello-world and a bare UPDATE.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cases.py
    ... bench/cases.py --cases 20000 --runs 1              # a quick run, a few minutes
    ... bench/cases.py --database townhall_bench_mine      # its own database, beside another run
    ... bench/cases.py --checkout /tmp/before              # measure another checkout's code

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is
not used) and ``wrk`` (Debian package ``wrk``). It uses the machinery of
``bench/pages.py`` (:mod:`pages_server`, :func:`pages.measure_pages`): the same
production-mode gunicorn, hello-world view, query counter, sign-ins and wrk report.

1. Creates the database ``--database`` (default ``townhall_bench_cases``; it
   refuses one that exists and drops only the one it created, unless
   ``--keep``), migrates it, seeds the demo municipality, grows the register to
   ``--persons`` (default: a fifth of ``--cases``; ``bench/pages_setup.py grow``)
   and writes ``--cases`` cases over a year with COPY (``bench/cases_setup.py
   generate``: about 15 % open with a real engine state, 3 to 6 timeline events
   each, the demo resident the applicant of 1,000); prints how long it took.
2. Resolves the pages' URL names with the checkout's URLs (``backoffice:cases_inbox``,
   ``backoffice:case``, ``portal:my_cases``); a page whose name does not exist
   yet is reported as not measured, with the reason, and the rest is measured.
3. Signs in the demo staff member of ``--department`` (default environment, the
   department with the most cases) and ``burgerzaken`` (for the staff hello, the
   floor of a staff page) with password and second factor, and the demo
   resident (eID, high assurance), as ``bench/pages.py`` does; then measures
   the department's inbox (first page; ``--deep`` pages deep, following its
   ``older`` links; filtered by status, product and overdue; searched by a
   reference and by an applicant's name), a case page and Mijn zaken for the
   resident with 1,000 cases: median and 95th percentile latency under load and
   alone, requests per second, the ratio to hello-world, and whether the goals
   (alone: median under 50 ms, 95th percentile under 150 ms) are met.
4. Transitions per second on ``--processes`` processes (default 2, one per core):
   each asks the applicant of its share of the open cases for a document and
   answers it through ``services.case_task_complete`` and
   ``services.information_answer`` (engine state loaded, task done, engine run,
   state dumped, row saved with ``version + 1``, one transaction each), then
   runs a bare ``UPDATE cases_case SET version = version + 1 WHERE id = %s`` of
   the same rows for as long; prints both rates, the ratio and the goal (at
   least 100 transitions per second).
"""

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from pages import STAFF_HELLO, Page, measure_pages, page_figures
from pages_server import (
    BENCH_DIR,
    Bench,
    Visitor,
    database_create,
    database_drop,
    database_urls,
)

ROOT = BENCH_DIR.parent
DEFAULT_DATABASE = "townhall_bench_cases"
GOAL_MS = (50, 150)  # median and 95th percentile of a page alone
TRANSITIONS_GOAL = 100  # per second, on both cores
# The inbox's filters as the issue names them; the values the inbox is being built with.
FILTERS = {"status": "in_progress", "deadline": "overdue"}
OLDER_LINK = re.compile(r"""href="([^"]*[?&](?:amp;)?older=[^"]*)\"""")


class CasesBench(Bench):
    def cases_step(self, *arguments: str, env: dict | None = None) -> dict:
        command = [self.python, str(BENCH_DIR / "cases_setup.py"), *arguments]
        done = subprocess.run(command, env=env or self.demo_env, capture_output=True, text=True)
        if done.stderr.strip():  # a failed step's traceback too, before raising
            print(done.stderr.strip(), file=sys.stderr)
        done.check_returncode()
        return json.loads(done.stdout)

    def deep_path(self, first: str, visitor: Visitor, depth: int) -> tuple[str, str]:
        """The path ``depth`` pages past ``first``, following each page's ``older`` link;
        or "" and why not."""
        path = first
        for page in range(depth):
            response, content = visitor.request("GET", path)
            if response.status != 200:
                return "", f"page {page + 1} answered {response.status}"
            found = OLDER_LINK.search(content.decode())
            if found is None:
                return "", f"page {page + 1} has no link to older cases"
            path = html.unescape(found.group(1))
            if path.startswith("?"):
                path = first.split("?", 1)[0] + path
        return path, ""


def pages_for(paths: dict, facts: dict, bench: CasesBench, visitors: dict, depth: int):
    """The pages to measure and the reasons of those that are not."""
    staff = facts["staff"]
    pages = [
        Page("hello-world", "baseline", "/bench/hello/"),
        Page("signed-in hello", "baseline", "/bench/hello/signed-in/", "resident"),
        Page(STAFF_HELLO, "baseline", "/backoffice/bench-hello/", "burgerzaken"),
    ]
    missing = {}
    inbox = paths["inbox"].get("path")
    if inbox:
        filtered = {**FILTERS, "product": facts["product"]}
        pages.append(Page("inbox, first page", "staff", inbox, staff))
        deep, why = bench.deep_path(inbox, visitors[staff], depth)
        if deep:
            pages.append(Page(f"inbox, {depth} pages deep", "staff", deep, staff))
        else:
            missing[f"inbox, {depth} pages deep"] = why
        pages += [
            Page("inbox, filtered", "staff", f"{inbox}?{urlencode(filtered)}", staff),
            Page(
                "inbox, reference",
                "staff",
                f"{inbox}?{urlencode({'q': facts['reference']})}",
                staff,
            ),
            Page(
                "inbox, applicant's name",
                "staff",
                f"{inbox}?{urlencode({'q': facts['applicant_name']})}",
                staff,
            ),
        ]
    else:
        missing["inbox (all five)"] = paths["inbox"]["error"]
    # The staff member's own cases newest first (half the department's open ones are
    # theirs), and the department's figures over the cases closed in the last 90 days.
    for key, name, who, query in (
        ("case", "case page", staff, ""),
        ("staff's own", "own cases, newest", staff, "?sort=newest"),
        ("dashboard", "dashboard", staff, ""),
        ("my cases", "Mijn zaken", "resident", ""),
    ):
        if paths[key].get("path"):
            kind = "staff" if who == staff else "resident"
            pages.append(Page(name, kind, paths[key]["path"] + query, who))
        else:
            missing[name] = paths[key]["error"]
    return pages, missing


def transitions(bench: CasesBench, processes: int, seconds: float) -> list[dict]:
    """Run the transition workers at once (a queueing tasks backend, as in production:
    a message is queued, not sent, inside the transaction); their figures."""
    env = {**bench.demo_env, "TOWNHALL_TASKS_BACKEND": "database"}
    command = [bench.python, str(BENCH_DIR / "cases_setup.py"), "transitions"]
    workers = [
        subprocess.Popen(
            [*command, "--worker", str(n), "--workers", str(processes), "--seconds", str(seconds)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate()
        if worker.returncode:
            last = (err.strip().splitlines() or ["no output"])[-1]
            results.append({"error": last})
        else:
            results.append(json.loads(out))
    return results


def report(rows, missing: dict, workers: list[dict], options, facts: dict, made: dict) -> None:
    print()
    print(
        f"Case handling at {made['cases']:,} cases ({made['open']:,} open, {made['events']:,} "
        f"timeline events); the {facts['department']} inbox holds {made['department_open']:,} "
        f"open of {made['department_cases']:,}; gunicorn {options.workers} sync workers, wrk "
        f"{options.connections} connections, {options.runs} runs of {options.duration} s "
        f"(alone: 1 connection, {options.alone_duration} s); medians of the runs"
    )
    header = (
        f"{'page':28} {'SQL':>4} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'alone p50':>9} {'alone p95':>9}  met"
    )
    print(header)
    print("-" * len(header))
    for page, (_status, queries, _size), result in rows:
        f = page_figures(result)
        met = ""
        if page.group != "baseline":
            met = "yes" if f["alone50"] < GOAL_MS[0] and f["alone95"] < GOAL_MS[1] else "NO"
        if f["errors"]:
            met += f" ({f['errors']} errors)"
        print(
            f"{page.name:28} {queries if queries is not None else '?':>4} {f['rate']:>8,.1f} "
            f"{f['ratio']:>6.3f} {f['p50']:>7.1f} {f['p95']:>7.1f} {f['alone50']:>9.1f} "
            f"{f['alone95']:>9.1f}  {met}"
        )
    for name, why in missing.items():
        print(f"{name:28} not measured: {why}")
    print(
        f"Goals: a page alone under {GOAL_MS[0]} ms median and {GOAL_MS[1]} ms at the 95th "
        "percentile. ratio: requests per second over hello-world's in the same run. SQL: the "
        "queries of one request."
    )
    print()
    failed = [w["error"] for w in workers if "error" in w]
    if failed:
        print(f"Transitions not measured: {failed[0]}")
        return
    rate = sum(w["transitions"] / w["seconds"] for w in workers)
    bare = sum(w["updates"] / w["update_seconds"] for w in workers)
    cpu = sum(w["cpu_seconds"] for w in workers) / sum(w["transitions"] for w in workers)
    print(
        f"Transitions on {len(workers)} processes ({sum(w['cases'] for w in workers):,} cases, "
        f"{options.transition_seconds:.0f} s each): {rate:,.1f} per second "
        f"({cpu * 1000:.1f} ms of CPU each in the process); bare UPDATE of the same rows "
        f"{bare:,.1f} per second; ratio {rate / bare:.3f}; goal at least {TRANSITIONS_GOAL} "
        f"per second: {'yes' if rate >= TRANSITIONS_GOAL else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, help="grow the register to this many (cases/5)")
    parser.add_argument("--department", default="environment", help="whose inbox is measured")
    parser.add_argument("--deep", type=int, default=20, help="how many pages deep the deep page")
    parser.add_argument("--checkout", default=str(ROOT), help="the source tree to measure")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per page")
    parser.add_argument("--alone-duration", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2, help="transition processes")
    parser.add_argument("--transition-seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    options = parser.parse_args()
    options.reuse = None
    if options.persons is None:
        options.persons = options.cases // 5
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not (Path(options.checkout) / "src" / "townhall").is_dir():
        sys.exit(f"--checkout {options.checkout} holds no src/townhall")
    admin_url, _ = database_urls(os.environ["DATABASE_URL"], options.database)

    database_create(admin_url, options.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-cases-"))
    bench = CasesBench(options, workdir)
    try:
        facts = bench.build()
        made = bench.cases_step(
            "generate",
            "--cases",
            str(options.cases),
            "--resident",
            str(facts["resident_person"]),
            "--department",
            options.department,
        )
        facts.update(made)
        print(
            f"Generated {made['cases']:,} cases ({made['open']:,} open, {made['overdue_open']:,} "
            f"of them overdue) and {made['events']:,} timeline events in {made['seconds']:.0f} s "
            f"(COPY {made['copy_seconds']:.0f} s, indexes "
            f"{made['indexed_seconds'] - made['copy_seconds']:.0f} s, "
            f"then ANALYZE; foreign-key checks {made['foreign_key_checks']})"
        )
        paths = bench.cases_step("urls", "--case", made["case"])
        bench.start_server()
        visitors = {
            "resident": Visitor(bench.port, {"sessionid": facts["resident_session"]}),
            **{name: bench.staff_sign_in(name) for name in {"burgerzaken", made["staff"]}},
        }
        pages, missing = pages_for(paths, facts, bench, visitors, options.deep)
        rows, probes = measure_pages(bench, pages, visitors)
        for page in pages:
            status = probes[page.name][0]
            if status != page.expect:
                missing[page.name] = f"answered {status}, expected {page.expect}"
        bench.stop_server()
        workers = transitions(bench, options.processes, options.transition_seconds)
        report(rows, missing, workers, options, facts, made)
    finally:
        bench.stop_server()
        if options.keep:
            print(f"Kept the database {options.database} and {workdir}.")
        else:
            database_drop(admin_url, options.database)
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
