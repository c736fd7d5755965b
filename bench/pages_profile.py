"""Where one page's time goes: replay it in one process under cProfile.

    .venv/bin/python bench/pages.py --keep --pages home     # keeps the database and its keys
    .venv/bin/python bench/pages_profile.py /tmp/townhall-bench-pages-xyz --page 'my data'

Reads what ``bench/pages.py --keep`` left in its folder (``bench.json``: the
server's environment, the signed-in cookies, the ids of the pages), sets up
Django with the same production settings and code, and sends the page
``--requests`` times through Django's request handler (no network, no gunicorn)
after one request to warm the caches. First without the profiler: the time per
request, the CPU time of the process in it, and the SQL queries (counted and
timed around every query; the rest of the SQL's time is the database server's
and the wait). Then under cProfile: the time in template rendering, in the view
(the rest is the middleware and Django's handler), and the functions that took
the most time. The profiler's own cost inflates every Python figure of the
second part (templates most, being many small calls): compare its figures with
each other, and take the first part's for the real time.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kept", help="the folder bench/pages.py --keep printed")
    parser.add_argument("--page", required=True, help="a regular expression over page names")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()
    kept = json.loads((Path(options.kept) / "bench.json").read_text())
    os.environ.update(kept["env"])
    sys.path[:0] = kept["env"]["PYTHONPATH"].split(os.pathsep)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from pages import pages_for

    chosen = re.compile(options.page, re.IGNORECASE)
    page = next((p for p in pages_for(kept["facts"]) if chosen.search(p.name)), None)
    if page is None:
        sys.exit(f"No page matches {options.page!r}")
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=True)
    for name, value in kept["cookies"].get(page.who, {}).items():
        client.cookies[name] = value

    def send():
        if page.method == "POST":
            return client.post(page.path, page.form)
        return client.get(page.path)

    response = send()
    print(f"{page.name}: {page.method} {page.path} -> {response.status_code}")
    sql = {"queries": 0, "seconds": 0.0}
    statements: dict[str, float] = {}

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            took = time.perf_counter() - started
            sql["queries"] += 1
            sql["seconds"] += took
            statements[statement] = statements.get(statement, 0.0) + took

    n = options.requests
    with connection.execute_wrapper(timed):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            send()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"Without the profiler: {elapsed / n * 1000:.2f} ms a request, of which CPU of this "
        f"process {cpu / n * 1000:.2f} ms; SQL {sql['queries'] / n:.1f} queries, "
        f"{sql['seconds'] / n * 1000:.2f} ms (client and server)"
    )
    sql["queries"], sql["seconds"] = 0, 0.0
    statements.clear()
    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        profiler.enable()
        for _ in range(n):
            send()
        profiler.disable()
        elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    from django.template.base import Template
    from django.urls import resolve

    def cumulative(code) -> float:
        return sum(
            row[3]
            for (filename, line, _function), row in stats.stats.items()
            if filename == code.co_filename and line == code.co_firstlineno
        )

    rendering = cumulative(Template.render.__code__)
    view = cumulative(resolve(page.path.split("?")[0]).func.__code__)
    print(
        f"Under the profiler: {elapsed / n * 1000:.2f} ms a request; SQL "
        f"{sql['seconds'] / n * 1000:.2f} ms; templates {rendering / n * 1000:.2f} ms "
        f"(cumulative time of Template.render); the view {view / n * 1000:.2f} ms, the "
        f"middleware and handler around it {(elapsed - view) / n * 1000:.2f} ms"
    )
    print("The slowest statements (ms a request):")
    for statement, seconds in sorted(statements.items(), key=lambda item: -item[1])[:8]:
        print(f"  {seconds / n * 1000:7.2f}  {' '.join(statement.split())[:300]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(options.top)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(options.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
