"""The demo's seal chain: made once on first use, named after the municipality,
marked as demo, its key readable by its owner only, one chain for two processes."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from townhall.documents.seal import seal_check, seal_pdf
from townhall.documents.seal_demo import DEMO_ROOT_NAME, demo_chain
from townhall.municipality.tests.factories import municipality_for_tests

SRC = Path(__file__).resolve().parents[3]


def organisation_of(path: Path) -> str:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value


@pytest.mark.django_db
def test_the_first_seal_in_demo_mode_makes_a_chain_named_after_the_municipality(
    tmp_path, settings, page_pdf
):
    municipality = municipality_for_tests()
    settings.TOWNHALL_SEAL = {**settings.TOWNHALL_SEAL, "DEMO_DIR": str(tmp_path / "demo")}

    check = seal_check(seal_pdf(page_pdf))

    chain = demo_chain(tmp_path / "demo")
    assert organisation_of(chain.cert_file) == f"Gemeente {municipality.name} (DEMO)"
    root = x509.load_pem_x509_certificate(chain.root_file.read_bytes())
    assert root.subject.rfc4514_string().startswith(f"O=Townhall (DEMO),CN={DEMO_ROOT_NAME}")
    assert check.status == "valid", check.problem
    assert check.signer == f"Gemeente {municipality.name} (DEMO)"


def test_the_chain_is_made_once_and_its_key_is_readable_by_its_owner_only(tmp_path):
    first = demo_chain(tmp_path, organisation="Gemeente Eerst (DEMO)")
    made = {path: path.read_bytes() for path in (first.key_file, first.cert_file, first.root_file)}

    again = demo_chain(tmp_path, organisation="Gemeente Later (DEMO)")

    assert again == first
    assert {path: path.read_bytes() for path in made} == made
    assert organisation_of(again.cert_file) == "Gemeente Eerst (DEMO)"
    assert stat.S_IMODE(os.stat(first.key_file).st_mode) == 0o600
    assert not list(tmp_path.glob("*.partial"))


def test_the_key_matches_the_certificate(tmp_path):
    chain = demo_chain(tmp_path)
    key = serialization.load_pem_private_key(chain.key_file.read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate(chain.cert_file.read_bytes())

    assert key.public_key().public_numbers() == cert.public_key().public_numbers()


def test_two_processes_starting_together_make_one_chain(tmp_path):
    script = (
        "import sys\n"
        "from townhall.documents.seal_demo import demo_chain\n"
        "chain = demo_chain(sys.argv[1], organisation=sys.argv[2])\n"
        "sys.stdout.write(chain.cert_file.read_text())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path), f"Gemeente Proces {n} (DEMO)"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]

    assert all(process.returncode == 0 for process in processes)
    assert outputs[0] == outputs[1]  # both use the one chain, whichever made it
    assert outputs[0] == (tmp_path / "seal-cert.pem").read_text()
    key = serialization.load_pem_private_key((tmp_path / "seal-key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((tmp_path / "seal-cert.pem").read_bytes())
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
