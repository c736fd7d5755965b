"""Production mode refuses unsafe settings; the demo defaults start."""

import os
import subprocess
import sys

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from townhall.conf import key_derived_from_secret, production_problems

STRONG_KEY = "k3J9-x8Qz_v2LmN7pR4tW1yB6cE0fH5gA9sD3uI8oP2aZ7xC4vB1nM6qW0eR5tY"
ENCRYPTION_KEY = "9JcAGBha9MG5SCXgIqgRsQME4gbaZ9bNyhaBwuPaJGE="
OLD_ENCRYPTION_KEY = "I8gnnZQY3mTxyew-lur_BeHWrifUS5qSd0CkENnSSMM="
DEMO_KEY = "demo-only-insecure-key-do-not-use-in-production-0123456789"


def good_production_settings(**overrides):
    settings = {
        "MODE": "production",
        "SECRET_KEY": STRONG_KEY,
        "DEMO_SECRET_KEY": "demo",
        "NATIONAL_NUMBER_HASH_KEY": STRONG_KEY[::-1],
        "FIELD_ENCRYPTION_KEYS": [ENCRYPTION_KEY, OLD_ENCRYPTION_KEY],
        "DEBUG": False,
        "ALLOWED_HOSTS": ["townhall.example.org"],
        "DEMO_FEATURES": {"seed_demo": False},
        "TOWNHALL_PUBLIC_URL": "https://townhall.example.org",
        "OIDC": {"PRESET": "fas", "CLIENT_SECRET": "issued-by-the-provider"},
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
        # The keys that protect national numbers (issue 17, defect 4).
        ({"NATIONAL_NUMBER_HASH_KEY": ""}, "TOWNHALL_NATIONAL_NUMBER_HASH_KEY is missing"),
        ({"NATIONAL_NUMBER_HASH_KEY": STRONG_KEY}, "equals SECRET_KEY"),
        (
            {
                "SECRET_KEY_FALLBACKS": ["an-old-signing-key-" * 3],
                "NATIONAL_NUMBER_HASH_KEY": "an-old-signing-key-" * 3,
            },
            "equals SECRET_KEY",
        ),
        ({"NATIONAL_NUMBER_HASH_KEY": "short-hash-key"}, "HASH_KEY is weak"),
        ({"NATIONAL_NUMBER_HASH_KEY": "ab" * 20}, "HASH_KEY is weak"),
        ({"FIELD_ENCRYPTION_KEYS": []}, "TOWNHALL_FIELD_ENCRYPTION_KEYS is empty"),
        ({"FIELD_ENCRYPTION_KEYS": [ENCRYPTION_KEY, "not-a-key"]}, "key 2 is not a Fernet key"),
        (
            {"FIELD_ENCRYPTION_KEYS": [ENCRYPTION_KEY], "NATIONAL_NUMBER_HASH_KEY": ENCRYPTION_KEY},
            "key 1 equals SECRET_KEY or the hash key",
        ),
        ({"FIELD_ENCRYPTION_KEYS": [key_derived_from_secret("demo")]}, "key 1 is the demo key"),
        (
            {"OIDC": {"PRESET": "fas", "CLIENT_SECRET": "townhall-demo-client-secret"}},
            "OIDC_CLIENT_SECRET",
        ),
        ({"OIDC": {"PRESET": "acmidm", "CLIENT_SECRET": ""}}, "OIDC_CLIENT_SECRET"),
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
        TOWNHALL_FIELD_ENCRYPTION_KEYS=ENCRYPTION_KEY,
    )
    assert completed.returncode == 2
    assert "DEBUG is on" in completed.stderr
    assert "seed_demo" in completed.stderr


def test_production_mode_starts_with_safe_settings(tmp_path):
    from townhall.documents.tests.pki import chain_make

    seal = chain_make(tmp_path)  # production refuses to start without a seal
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY[::-1],
        TOWNHALL_FIELD_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        TOWNHALL_PUBLIC_URL="https://townhall.example.org",
        TOWNHALL_SEAL_KEY_FILE=str(seal.key_file),
        TOWNHALL_SEAL_CERT_FILE=str(seal.cert_file),
        TOWNHALL_SEAL_CHAIN_FILE=str(seal.chain_file),
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
        TOWNHALL_FIELD_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        TOWNHALL_DEMO_IDP="true",
        OIDC_PRESET="demo",
        TOWNHALL_EMAIL_BACKEND="demo-mailbox",
    )
    assert completed.returncode == 2
    assert "identity_provider" in completed.stderr
    assert "OIDC_PRESET=demo" in completed.stderr
    assert "mailbox" in completed.stderr


def test_production_mode_refuses_the_hash_key_equal_to_secret_key_and_no_encryption_key():
    # The defaults before issue 17: the hash key fell back to SECRET_KEY, and the
    # encryption key was derived from it, and production started.
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_PUBLIC_URL="https://townhall.example.org",
    )
    assert completed.returncode == 2
    assert "TOWNHALL_NATIONAL_NUMBER_HASH_KEY is missing" in completed.stderr
    assert "TOWNHALL_FIELD_ENCRYPTION_KEYS is empty" in completed.stderr
    completed = _run_check(
        TOWNHALL_MODE="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_PUBLIC_URL="https://townhall.example.org",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY,
        TOWNHALL_FIELD_ENCRYPTION_KEYS=ENCRYPTION_KEY,
    )
    assert completed.returncode == 2
    assert "equals SECRET_KEY" in completed.stderr


def production_like(settings, **overrides):
    """Settings of the running test process turned into production ones, key by key."""
    for name, value in good_production_settings(**overrides).items():
        setattr(settings, name, value)
    settings.DEMO_SECRET_KEY = DEMO_KEY


def test_check_deploy_reports_unsafe_keys_in_production(settings):
    production_like(settings, NATIONAL_NUMBER_HASH_KEY=STRONG_KEY, FIELD_ENCRYPTION_KEYS=[])
    with pytest.raises(SystemCheckError) as caught:
        call_command("check", "--deploy")
    assert "equals SECRET_KEY" in str(caught.value)
    assert "TOWNHALL_FIELD_ENCRYPTION_KEYS is empty" in str(caught.value)


def test_the_checks_run_without_deploy_in_production_mode(settings):
    # runserver, migrate and every command that runs the checks stop too, also when a
    # settings module overrode a key after townhall.settings had checked it.
    production_like(settings, NATIONAL_NUMBER_HASH_KEY=STRONG_KEY)
    errors = [e for e in run_checks(tags=[Tags.security]) if e.id.startswith("townhall.")]
    assert [e.id for e in errors] == ["townhall.E001"]
    assert "equals SECRET_KEY" in errors[0].msg


def test_the_checks_pass_with_safe_production_settings(settings):
    production_like(settings)
    townhall_errors = [
        e for e in run_checks(include_deployment_checks=True) if e.id.startswith("townhall.")
    ]
    assert townhall_errors == []


def test_check_deploy_in_demo_mode_names_what_production_would_refuse(settings):
    settings.MODE = "demo"
    settings.NATIONAL_NUMBER_HASH_KEY = settings.SECRET_KEY
    deploy = [
        e.msg for e in run_checks(include_deployment_checks=True) if e.id.startswith("townhall.")
    ]
    assert any("equals SECRET_KEY" in message or "demo key" in message for message in deploy)
    # Without --deploy the demo starts as before.
    assert [e for e in run_checks() if e.id.startswith("townhall.")] == []


def test_templates_are_compiled_once_per_process():
    from django.template import engines

    [(loader, wrapped)] = engines["django"].engine.loaders
    assert loader == "django.template.loaders.cached.Loader"
    assert "django.template.loaders.app_directories.Loader" in wrapped


def test_database_connections_persist_with_health_checks():
    from django.conf import settings

    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
