"""Where one page's time goes: replay it in one process under cProfile.

    .venv/bin/python bench/pages.py --keep --pages home     # keeps the database and its keys
    .venv/bin/python bench/pages_profile.py /tmp/townhall-bench-pages-xyz --page 'my data'

Reads what ``bench/pages.py --keep`` left in its folder (``bench.json``: the
server's environment, the signed-in cookies, the ids of the pages), sets up
Django with the same production settings and code, and sends the page
``--requests`` times through Django's request handler (no network, no gunicorn)
after one request to warm the caches. Prints the time per request, how much of
it the SQL queries took (counted and timed around every query), the time in
template rendering, and the functions that took the most time.
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

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        profiler.enable()
        for _ in range(options.requests):
            send()
        profiler.disable()
        elapsed = time.perf_counter() - started
    n = options.requests
    stats = pstats.Stats(profiler)
    from django.template.base import Template

    code = Template.render.__code__
    rendering = sum(
        row[3]
        for (filename, line, _function), row in stats.stats.items()
        if filename == code.co_filename and line == code.co_firstlineno
    )
    print(
        f"{elapsed / n * 1000:.2f} ms a request under the profiler; SQL {sql['queries'] / n:.1f} "
        f"queries, {sql['seconds'] / n * 1000:.2f} ms; templates {rendering / n * 1000:.2f} ms "
        "(cumulative time of Template.render)"
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
