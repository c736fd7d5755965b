"""The case-handling benchmark (bench/cases.py) starts and imports without a database.

A benchmark is not a test: this only keeps its scripts from rotting between runs
(its ``--help``, its imports and the generator's pure helpers). The bench itself
needs PostgreSQL and wrk: see bench/README.md.
"""

import random
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture
def bench_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))


@pytest.mark.parametrize("script", ["cases.py", "cases_setup.py"])
def test_help_runs_without_a_database(script):
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_modules_import_without_django_set_up(bench_path):
    import cases
    import cases_setup

    assert cases.GOAL_MS == (50, 150)
    assert cases_setup.copy_text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"


@pytest.mark.parametrize("status", ["received", "in_progress", "waiting", "granted", "done"])
@pytest.mark.parametrize("count", [3, 4, 5, 6])
def test_every_timeline_opens_and_has_its_length(bench_path, status, count):
    import cases_setup

    plan = cases_setup.event_plan(random.Random(count), status, count)

    assert len(plan) == count
    assert plan[0] == "opened"
    if status in ("granted", "done"):
        assert plan[-1] == "status_final"


def test_about_fifteen_percent_of_a_year_is_open(bench_path):
    import cases_setup

    days = [day + 0.5 for day in range(365)]
    share = sum(cases_setup.open_chance(day) for day in days) / len(days)

    assert 0.13 < share < 0.16
