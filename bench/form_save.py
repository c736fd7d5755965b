"""Benchmark of saving a form definition of 100 fields in the back office, beside one of 1 field.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/form_save.py
    ... bench/form_save.py --database townhall_bench_mine   # its own database, beside another run
    ... bench/form_save.py --fields 300 --saves 5            # another size, fewer saves

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is not used).

1. Creates the database ``--database`` (default ``townhall_bench_form_save``; it refuses
   one that exists, and drops only the one it created, unless ``--keep``), migrates it
   and makes the demo municipality and its staff (the communication department edits
   the forms), signed in with the second factor in Django's test client.
2. Builds two definitions: ``--fields`` fields (default 100) of every field type over
   ten steps, with variables, a chain of rules that set them (so the rules must be
   ordered) and rules that show hidden fields; and the baseline, one field.
3. Saves each ``--saves`` times (default 10) through the editor's POST
   (``/backoffice/formulieren/<pk>/bewerken/``, ``action=save``: the JSON parsed, checked
   against the schema and for meaning, the rules ordered, the version inserted), then
   opens the page the save leads to (the new version, its outline and its difference
   from the one before), as a staff member's browser does. Each save is timed from
   the POST to the end of that page, and its SQL queries are counted.
4. Prints the median and the slowest save of each, the ratio of the big one to the
   baseline, the queries of each (the same number for both: none per field), and
   whether the goal (under one second) is met. Exits 1 when it is not.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pages_server import database_create, database_drop, database_urls

DEFAULT_DATABASE = "townhall_bench_form_save"
GOAL_SECONDS = 1.0
TYPES = [
    "text", "long_text", "number", "date", "email", "phone", "choice", "multiple_choice",
    "yes_no", "address", "national_number", "enterprise_number", "iban", "file", "consent",
    "group",
]  # fmt: skip
STEPS = 10


def field_spec(number: int, prefill: list[str]) -> dict:
    kind = TYPES[number % len(TYPES)]
    spec = {
        "key": f"f{number:03d}",
        "type": kind,
        "label": {"nl": f"Vraag {number}", "fr": f"Question {number}", "en": f"Question {number}"},
        "hint": {"nl": "Een korte uitleg."},
    }
    if kind in ("choice", "multiple_choice"):
        spec["choices"] = [{"value": v, "label": {"nl": v.upper()}} for v in ("a", "b", "c")]
    if kind == "group":
        spec["fields"] = [
            {"key": "name", "type": "text", "label": {"nl": "Naam"}},
            {"key": "born", "type": "date", "label": {"nl": "Geboren"}},
        ]
    if kind == "text" and prefill:
        spec["prefill"] = prefill[number % len(prefill)]
    if number % 7 == 3:
        spec["hidden"] = True
    if number % 5 == 0:
        spec["required"] = True
    return spec


def definition(fields: int, prefill: list[str]) -> dict:
    specs = [field_spec(number, prefill) for number in range(fields)]
    per_step = -(-fields // STEPS)
    steps = [
        {"key": f"step_{s}", "title": {"nl": f"Stap {s + 1}"}, "fields": specs[at : at + per_step]}
        for s, at in enumerate(range(0, fields, per_step))
    ]
    steps.append({"key": "check", "title": {"nl": "Controleren"}, "check": True, "fields": []})
    content = {"title": {"nl": f"Formulier van {fields} velden"}, "steps": steps}
    if fields < 10:
        return content
    yes_no = [s["key"] for s in specs if s["type"] == "yes_no"]
    hidden = [s["key"] for s in specs if s.get("hidden")]
    variables = [{"key": f"v{n}", "initial": 0} for n in range(10)]
    # A chain written last-first, so that ordering has work to do: v9 <- v8 <- ... <- v0.
    chain = [
        {
            "key": f"chain_{n}",
            "if": {">=": [{"var": f"v{n - 1}"}, 0]},
            "then": [
                {"action": "set", "variable": f"v{n}", "value": {"+": [{"var": f"v{n - 1}"}, 1]}}
            ],
        }
        for n in range(9, 0, -1)
    ]
    shows = [
        {
            "key": f"show_{n}",
            "if": {"===": [{"var": yes_no[n % len(yes_no)]}, True]},
            "then": [{"action": "show", "field": key}, {"action": "require", "field": key}],
        }
        for n, key in enumerate(hidden)
    ]
    return {**content, "variables": variables, "rules": chain + shows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--fields", type=int, default=100)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    admin_url, bench_url = database_urls(os.environ["DATABASE_URL"], options.database)

    database_create(admin_url, options.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-form-save-"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("TOWNHALL_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    met = False
    try:
        met = run(options)
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


def run(options) -> bool:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from townhall.demo.municipality import municipality_create
    from townhall.demo.staff import staff_create
    from townhall.eforms.editing import definition_text
    from townhall.eforms.services import form_definition_create
    from townhall.registry.models import Person
    from townhall.registry.prefill import known_attribute_names
    from townhall.registry.tests.factories import enterprise_number

    setup_test_environment()  # the test client's host, as in the tests
    call_command("migrate", verbosity=0)
    _municipality, departments = municipality_create(enterprise_number=enterprise_number(2074361))
    staff = staff_create(departments=departments)["communicatie"]
    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=staff).persistent_id
    session.save()
    prefill = [name for name in known_attribute_names(Person) if ":" not in name][:3]

    results = {}
    for label, fields in (("1 field (baseline)", 1), (f"{options.fields} fields", options.fields)):
        form = form_definition_create(slug=f"bench-{fields}", title=f"Bench {fields}")
        text = definition_text(definition(fields, prefill))
        url = reverse("backoffice:form_edit", args=[form.pk])
        times, queries = [], []
        for _save in range(options.saves + 1):  # the first warms up
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.post(url, {"definition": text, "action": "save"})
                if response.status_code != 302:
                    sys.exit(f"{label}: the save answered {response.status_code}, not a redirect.")
                page = client.get(response["Location"])
                if page.status_code != 200:
                    sys.exit(f"{label}: the version page answered {page.status_code}.")
            times.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
        results[label] = (times[1:], queries[-1], len(text))

    print(
        f"Saving a form definition through the back office ({options.saves} saves each, "
        f"{connection.vendor}):"
    )
    baseline = statistics.median(results["1 field (baseline)"][0])
    for label, (times, count, size) in results.items():
        median = statistics.median(times)
        print(
            f"  {label:<20} median {median * 1000:7.1f} ms   slowest {max(times) * 1000:7.1f} ms"
            f"   {median / baseline:5.1f}x baseline   {count} queries   {size:,} characters"
        )
    big = statistics.median(results[f"{options.fields} fields"][0])
    met = big < GOAL_SECONDS
    print(
        f"Goal: under {GOAL_SECONDS:.0f} s for {options.fields} fields: "
        + ("met." if met else "NOT met.")
    )
    return met


if __name__ == "__main__":
    main()
