"""Production mode refuses unsafe settings; the demo defaults start."""

import os
import subprocess
import sys

import pytest

from townhall.conf import production_problems

STRONG_KEY = "k3J9-x8Qz_v2LmN7pR4tW1yB6cE0fH5gA9sD3uI8oP2aZ7xC4vB1nM6qW0eR5tY"


def good_production_settings(**overrides):
    settings = {
        "MODE": "production",
        "SECRET_KEY": STRONG_KEY,
        "DEMO_SECRET_KEY": "demo",
        "NATIONAL_NUMBER_HASH_KEY": STRONG_KEY[::-1],
        "DEBUG": False,
        "ALLOWED_HOSTS": ["townhall.example.org"],
        "DEMO_FEATURES": {"seed_demo": False},
        "TOWNHALL_PUBLIC_URL": "https://townhall.example.org",
    }
    return {**settings, **overrides}


def test_good_production_settings_pass():
    assert production_problems(good_production_settings()) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "demo"}, "SECRET_KEY is weak"),
        ({"DEBUG": True}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS is empty"),
        ({"DEMO_FEATURES": {"seed_demo": True}}, "demo-only feature 'seed_demo'"),
        ({"NATIONAL_NUMBER_HASH_KEY": "demo"}, "TOWNHALL_NATIONAL_NUMBER_HASH_KEY"),
        ({"TOWNHALL_PUBLIC_URL": "http://127.0.0.1:8000"}, "TOWNHALL_PUBLIC_URL"),
        ({"DEMO_FEATURES": {"sms_capture": True}}, "demo-only feature 'sms_capture'"),
        ({"EMAIL_BACKEND": "anymail.backends.test.EmailBackend"}, "ANYMAIL_ESP"),
    ],
)
def test_each_unsafe_setting_is_named(overrides, expected):
    problems = production_problems(good_production_settings(**overrides))
    assert len(problems) == 1
    assert expected in problems[0]


def _run_check(**env):
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNHALL_", "DJANGO_"))}
    clean_env.pop("SECRET_KEY", None)
    clean_env.pop("DEBUG", None)
    clean_env.pop("ALLOWED_HOSTS", None)
    return subprocess.run(
        [sys.executable, "-m", "townhall", "check"],
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_to_start_with_demo_defaults():
    completed = _run_check(TOWNHALL_MODE="production")
    assert completed.returncode == 2
    assert "refuses to start in production mode" in completed.stderr
    assert "SECRET_KEY is missing" in completed.stderr
    assert "ALLOWED_HOSTS is empty" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_production_mode_refuses_debug_and_demo_features():
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        DEBUG="true",
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_DEMO_SEED="true",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY[::-1],
    )
    assert completed.returncode == 2
    assert "DEBUG is on" in completed.stderr
    assert "seed_demo" in completed.stderr


def test_production_mode_starts_with_safe_settings():
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY[::-1],
        TOWNHALL_PUBLIC_URL="https://townhall.example.org",
    )
    assert completed.returncode == 0, completed.stderr


def test_unknown_mode_is_refused():
    completed = _run_check(TOWNHALL_MODE="staging")
    assert completed.returncode == 2
    assert "TOWNHALL_MODE='staging' is unknown" in completed.stderr


def test_production_mode_refuses_the_demo_identity_provider_and_mailbox():
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY[::-1],
        TOWNHALL_DEMO_IDP="true",
        OIDC_PRESET="demo",
        TOWNHALL_EMAIL_BACKEND="demo-mailbox",
    )
    assert completed.returncode == 2
    assert "identity_provider" in completed.stderr
    assert "OIDC_PRESET=demo" in completed.stderr
    assert "mailbox" in completed.stderr
