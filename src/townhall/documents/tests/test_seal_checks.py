"""Production refuses to start without a seal that works: each reason, by name,
through Django's system checks (documents.E001) and a real ``check`` command."""

import datetime
import os
import subprocess
import sys

import pytest
from django.core.checks import Tags, run_checks

from townhall.documents.seal import sealer_forget, sealer_problem
from townhall.documents.tests.pki import DAY, NOW, chain_make, pem_key

STRONG_KEY = "Seal-tests-k3J9x8Qz_v2LmN7pR4tW1yB6cE0fH5gA9sD3uI8oP2aZ7xC4vB1n"
ENCRYPTION_KEY = "9JcAGBha9MG5SCXgIqgRsQME4gbaZ9bNyhaBwuPaJGE="


def production_like(settings):
    """The test process's settings in production mode (only the seal's check is looked at)."""
    settings.MODE = "production"
    settings.DEBUG = False


@pytest.fixture(autouse=True)
def _load_again():
    sealer_forget()
    yield
    sealer_forget()


def seal_errors() -> list[str]:
    return [e.msg for e in run_checks(tags=[Tags.security]) if e.id == "documents.E001"]


def test_production_without_a_seal_refuses(settings):
    production_like(settings)
    settings.TOWNHALL_SEAL = {**settings.TOWNHALL_SEAL, "KEY_FILE": "", "CERT_FILE": ""}

    errors = seal_errors()

    assert len(errors) == 1
    assert errors[0].startswith("No seal is configured: set TOWNHALL_SEAL_KEY_FILE")


def test_production_with_a_working_seal_starts(settings, chain):
    production_like(settings)
    settings.TOWNHALL_SEAL = chain.settings()

    assert seal_errors() == []


def test_the_demo_chain_does_not_count_in_production(settings, chain):
    production_like(settings)
    settings.TOWNHALL_SEAL = chain.settings(KEY_FILE="", CERT_FILE="", CHAIN_FILE="")

    assert seal_errors()[0].startswith("No seal is configured")


def test_demo_mode_starts_with_its_demo_chain():
    assert sealer_problem() is None
    assert [e for e in run_checks() if e.id.startswith("documents.")] == []


def test_check_deploy_in_demo_mode_says_production_would_refuse_the_demo_chain():
    deploy = [e.msg for e in run_checks(include_deployment_checks=True) if e.id == "documents.E001"]
    assert deploy[0].startswith("No seal is configured")


def test_a_missing_key_file_is_named(settings, chain, tmp_path):
    settings.TOWNHALL_SEAL = chain.settings(KEY_FILE=str(tmp_path / "gone.pem"))

    assert sealer_problem() == f"TOWNHALL_SEAL_KEY_FILE: {tmp_path / 'gone.pem'} does not exist."


def test_a_key_file_that_cannot_be_read_is_named(settings, chain, tmp_path):
    settings.TOWNHALL_SEAL = chain.settings(KEY_FILE=str(tmp_path))  # a folder

    assert "cannot be read" in sealer_problem()


def test_a_key_file_that_is_not_a_key_is_named(settings, chain, tmp_path):
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nbm9uc2Vuc2U=\n")
    (tmp_path / "key.pem").chmod(0o600)
    settings.TOWNHALL_SEAL = chain.settings(KEY_FILE=str(tmp_path / "key.pem"))

    assert sealer_problem() == (
        f"TOWNHALL_SEAL_KEY_FILE: {tmp_path / 'key.pem'} is not a private key (PEM or DER)."
    )


def test_a_key_file_every_user_can_read_is_refused(settings, tmp_path):
    chain = chain_make(tmp_path)
    chain.key_file.chmod(0o644)
    settings.TOWNHALL_SEAL = chain.settings()

    assert "can be read by every user of the machine (mode 644): chmod 600 it" in sealer_problem()


def test_an_encrypted_key_needs_its_passphrase(settings, tmp_path):
    chain = chain_make(tmp_path)
    chain.key_file.write_bytes(pem_key(chain.key, passphrase=b"geheim wachtwoord"))

    settings.TOWNHALL_SEAL = chain.settings()
    assert "is encrypted: set TOWNHALL_SEAL_KEY_PASSPHRASE" in sealer_problem()
    settings.TOWNHALL_SEAL = chain.settings(KEY_PASSPHRASE="fout")
    assert "or TOWNHALL_SEAL_KEY_PASSPHRASE is wrong" in sealer_problem()
    settings.TOWNHALL_SEAL = chain.settings(KEY_PASSPHRASE="geheim wachtwoord")
    assert sealer_problem() is None


def test_a_key_that_does_not_match_the_certificate_is_named(settings, chain, tmp_path):
    other = chain_make(tmp_path / "other")
    settings.TOWNHALL_SEAL = chain.settings(KEY_FILE=str(other.key_file))

    assert sealer_problem().startswith("The seal's key does not match its certificate")


def test_an_expired_certificate_is_named(settings, tmp_path):
    expired = chain_make(tmp_path, not_before=NOW - 400 * DAY, not_after=NOW - DAY)
    settings.TOWNHALL_SEAL = expired.settings()

    problem = sealer_problem()

    assert f"expired on {(NOW - DAY):%Y-%m-%d}" in problem
    assert "install its renewal" in problem


def test_a_certificate_not_valid_yet_is_named(settings, tmp_path):
    later = NOW + datetime.timedelta(days=3)
    early = chain_make(tmp_path, not_before=later, not_after=later + 365 * DAY)
    settings.TOWNHALL_SEAL = early.settings()

    assert f"is not valid yet: from {later:%Y-%m-%d %H:%M} UTC" in sealer_problem()


def test_a_chain_file_that_is_not_certificates_is_named(settings, chain, tmp_path):
    (tmp_path / "chain.pem").write_text("geen certificaten")
    settings.TOWNHALL_SEAL = chain.settings(CHAIN_FILE=str(tmp_path / "chain.pem"))

    assert "TOWNHALL_SEAL_CHAIN_FILE" in sealer_problem()
    assert "holds no readable certificate" in sealer_problem()


def test_a_key_file_and_a_token_at_once_are_refused(settings, chain):
    settings.TOWNHALL_SEAL = chain.settings(PKCS11_MODULE="/usr/lib/softhsm/libsofthsm2.so")

    assert "either a file or on a token, not both" in sealer_problem()


def test_a_tsa_address_that_is_not_http_is_refused(settings, chain):
    settings.TOWNHALL_SEAL = chain.settings(TSA_URL="file:///etc/passwd")

    assert sealer_problem().startswith("TOWNHALL_SEAL_TSA_URL must be an http:// or https://")


def test_the_check_command_refuses_production_without_a_seal(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNHALL_", "DJANGO_"))}
    env.update(
        TOWNHALL_MODE="production",
        TOWNHALL_VAR_DIR=str(tmp_path),
        SECRET_KEY=STRONG_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="townhall.example.org",
        TOWNHALL_NATIONAL_NUMBER_HASH_KEY=STRONG_KEY[::-1],
        TOWNHALL_FIELD_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        TOWNHALL_PUBLIC_URL="https://townhall.example.org",
        TOWNHALL_SEAL_KEY_FILE=str(tmp_path / "seal-key.pem"),
        TOWNHALL_SEAL_CERT_FILE=str(tmp_path / "seal-cert.pem"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "townhall", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert "documents.E001" in done.stderr
    assert f"TOWNHALL_SEAL_KEY_FILE: {tmp_path / 'seal-key.pem'} does not exist." in done.stderr
    assert "Traceback" not in done.stderr
