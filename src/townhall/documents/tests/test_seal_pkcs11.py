"""The seal's key on a PKCS#11 token, tested against SoftHSM (Debian's softhsm2).

Each test gets its own token directory and configuration (SOFTHSM2_CONF), a
token initialised with ``softhsm2-util --init-token`` and the seal's key
imported with ``softhsm2-util --import`` (PKCS#8 PEM), as an administrator
would load a key into a hardware module."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from townhall.documents.seal import (
    SealUnavailable,
    seal_check,
    seal_pdf,
    sealer_forget,
    sealer_problem,
)
from townhall.documents.sealer import outside_event_loop
from townhall.documents.tests.pki import chain_make

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SOFTHSM = shutil.which("softhsm2-util")
PIN = "271828"
pytestmark = pytest.mark.skipif(
    SOFTHSM is None or not MODULE.exists(),
    reason="softhsm2-util is not installed (apt-get install softhsm2): the PKCS#11 seal "
    "is tested against SoftHSM",
)


def softhsm(*arguments: str, env: dict) -> str:
    done = subprocess.run(
        [SOFTHSM, *arguments], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A SoftHSM token "townhall-seal" holding the seal key of a fresh chain.

    One for the module: SoftHSM reads its configuration once per process, when the
    PKCS#11 library is first initialised."""
    directory = tmp_path_factory.mktemp("softhsm")
    tokens = directory / "tokens"
    tokens.mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {"SOFTHSM2_CONF": str(conf), "PATH": "/usr/bin:/bin"}
    chain = chain_make(directory / "chain", organisation="Gemeente Hardware")
    softhsm(
        "--init-token", "--free", "--label", "townhall-seal", "--pin", PIN, "--so-pin", "314159",
        env=env,
    )  # fmt: skip
    softhsm(
        "--import", str(chain.key_file), "--token", "townhall-seal", "--label", "seal-key",
        "--id", "01", "--pin", PIN,
        env=env,
    )  # fmt: skip
    return chain


@pytest.fixture(autouse=True)
def _fresh_sessions():
    """Each test opens the token itself (and logs in with its own PIN)."""
    sealer_forget()
    yield
    sealer_forget()


def pkcs11_settings(chain, **more) -> dict:
    given = {
        "KEY_FILE": "",
        "PKCS11_MODULE": str(MODULE),
        "PKCS11_TOKEN": "townhall-seal",
        "PKCS11_KEY_LABEL": "seal-key",
        "PKCS11_PIN": PIN,
    }
    return chain.settings(**{**given, **more})


def test_a_pdf_is_sealed_through_the_token_and_pyhanko_validates_it(token, settings, page_pdf):
    settings.TOWNHALL_SEAL = pkcs11_settings(token)
    assert sealer_problem() is None

    sealed = seal_pdf(page_pdf)

    reader = PdfFileReader(io.BytesIO(sealed))
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(token.chain_file))])
    status = outside_event_loop(validate_pdf_signature, reader.embedded_signatures[0], context)
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Gemeente Hardware"
    check = seal_check(sealed)
    assert check.status == "valid", check.problem
    assert check.signer == "Gemeente Hardware"


def test_the_certificate_can_live_on_the_token_too(token, settings, page_pdf):
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    library = pkcs11.lib(str(MODULE))
    with library.get_token(token_label="townhall-seal").open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "seal-cert",
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: token.cert.subject.public_bytes(),
                Attribute.VALUE: token.cert.public_bytes(_der()),
            }
        )
    settings.TOWNHALL_SEAL = pkcs11_settings(token, CERT_FILE="", PKCS11_CERT_LABEL="seal-cert")

    check = seal_check(seal_pdf(page_pdf))

    assert check.status == "valid", check.problem
    assert check.signer == "Gemeente Hardware"


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def test_a_wrong_pin_is_named(token, settings):
    settings.TOWNHALL_SEAL = pkcs11_settings(token, PKCS11_PIN="000000")

    assert "refused TOWNHALL_SEAL_PKCS11_PIN" in sealer_problem()
    with pytest.raises(SealUnavailable, match="refused TOWNHALL_SEAL_PKCS11_PIN"):
        seal_pdf(b"%PDF-1.7")


def test_an_unknown_token_is_named(token, settings):
    settings.TOWNHALL_SEAL = pkcs11_settings(token, PKCS11_TOKEN="no-such-token")

    assert "token 'no-such-token' cannot be opened" in sealer_problem()


def test_an_unknown_key_label_is_named(token, settings):
    settings.TOWNHALL_SEAL = pkcs11_settings(token, PKCS11_KEY_LABEL="no-such-key")

    assert "has no usable key 'no-such-key'" in sealer_problem()


def test_a_key_on_the_token_that_does_not_match_the_certificate_is_named(token, settings, tmp_path):
    other = chain_make(tmp_path / "other")
    settings.TOWNHALL_SEAL = pkcs11_settings(token, CERT_FILE=str(other.cert_file))

    assert "does not match its certificate" in sealer_problem()


def test_a_missing_module_is_named(token, settings, tmp_path):
    settings.TOWNHALL_SEAL = pkcs11_settings(token, PKCS11_MODULE=str(tmp_path / "libnone.so"))

    assert "TOWNHALL_SEAL_PKCS11_MODULE" in sealer_problem()
    assert "does not exist" in sealer_problem()
