"""A seal with a time-stamping authority: RFC 3161 timestamp and the revocation
data embedded in the same revision (PAdES B-LT), against a local fake TSA and
CRL server reached over HTTP."""

import io

import pytest
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel

from townhall.documents.seal import SealUnavailable, seal_check, seal_pdf
from townhall.documents.sealer import outside_event_loop
from townhall.documents.tests.fake_tsa import FakeAuthority
from townhall.documents.tests.pki import chain_make, crl_make, tsa_extensions


@pytest.fixture
def authority(tmp_path):
    """A chain whose certificates name the fake's CRL, its TSA, and the CRL served."""
    with FakeAuthority() as fake:
        crl_url = f"{fake.url}/root.crl"
        chain = chain_make(tmp_path / "chain", organisation="Gemeente Tijd", crl_url=crl_url)
        tsa_key, tsa_cert = chain.issue(
            "Townhall test TSA",
            extensions=(*tsa_extensions(), _crl_point(crl_url)),
        )
        fake.tsa_from(tsa_key, tsa_cert, chain.root)
        fake.crl = crl_make(chain)
        fake.chain = chain
        fake.tsa_cert = tsa_cert
        yield fake


def _crl_point(url: str):
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
    )


def test_a_seal_gets_a_timestamp_and_its_revocation_data_in_one_revision(
    authority, settings, page_pdf
):
    settings.TOWNHALL_SEAL = authority.chain.settings(TSA_URL=f"{authority.url}/tsa")

    sealed = seal_pdf(page_pdf)

    assert "POST /tsa" in authority.requests
    assert "GET /root.crl" in authority.requests
    reader = PdfFileReader(io.BytesIO(sealed))
    signature = reader.embedded_signatures[0]
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) >= 1
    # B-LT: validation needs nothing but the file, revocation checks required.
    offline = dss.as_validation_context(
        {
            "trust_roots": [_asn1(authority.chain.root)],
            "allow_fetching": False,
            "revocation_mode": "require",
        }
    )
    status = outside_event_loop(validate_pdf_signature, signature, offline)
    assert status.bottom_line
    assert (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )  # the DSS is in the seal's revision
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert status.timestamp_validity.signing_cert.subject.native["common_name"] == (
        "Townhall test TSA"
    )

    check = seal_check(sealed)
    assert check.status == "valid", check.problem
    assert check.timestamped is True
    assert check.signed_at == status.timestamp_validity.timestamp
    assert check.signer == "Gemeente Tijd"


def test_a_timestamp_by_an_authority_we_do_not_trust_is_named(
    authority, settings, page_pdf, tmp_path
):
    stranger = chain_make(tmp_path / "stranger")
    tsa_key, tsa_cert = stranger.issue("Stranger TSA", extensions=tsa_extensions())
    authority.tsa_from(tsa_key, tsa_cert, stranger.root)
    # Without revocation URLs in the way: the seal's own chain is plain here.
    plain = chain_make(tmp_path / "plain", organisation="Gemeente Tijd")
    settings.TOWNHALL_SEAL = plain.settings(
        TSA_URL=f"{authority.url}/tsa", TRUST_FILE=str(stranger.chain_file)
    )
    sealed = seal_pdf(page_pdf)
    settings.TOWNHALL_SEAL = plain.settings()

    check = seal_check(sealed)

    assert check.status == "untrusted"
    assert check.timestamped is True
    assert "timestamp is by an authority we do not trust" in check.problem


def test_a_tsa_that_does_not_answer_stops_the_seal(authority, settings, page_pdf):
    settings.TOWNHALL_SEAL = authority.chain.settings(TSA_URL=f"{authority.url}/no-tsa-here")

    with pytest.raises(SealUnavailable, match="The seal could not be made"):
        seal_pdf(page_pdf)


def test_a_crl_that_cannot_be_fetched_stops_the_seal(authority, settings, page_pdf):
    authority.crl = b""  # the CRL server answers 404
    settings.TOWNHALL_SEAL = authority.chain.settings(TSA_URL=f"{authority.url}/tsa")

    with pytest.raises(SealUnavailable, match="The seal could not be made"):
        seal_pdf(page_pdf)


def test_a_revoked_seal_certificate_stops_the_seal(authority, settings, page_pdf):
    authority.crl = crl_make(authority.chain, revoked=(authority.chain.cert,))
    settings.TOWNHALL_SEAL = authority.chain.settings(TSA_URL=f"{authority.url}/tsa")

    with pytest.raises(SealUnavailable, match="The seal could not be made"):
        seal_pdf(page_pdf)


def _asn1(certificate):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
