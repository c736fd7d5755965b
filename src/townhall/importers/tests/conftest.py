from pathlib import Path

import pytest

from townhall.municipality.models import Municipality, Postcode

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def municipality(db):
    """Ingelmunster as the active municipality: NIS code 36007, postcode 8770."""
    municipality = Municipality.objects.create(
        name="Ingelmunster",
        nis_code="36007",
        is_active=True,
        street="Bruggestraat",
        house_number="1",
        postcode="8770",
        email="info@ingelmunster.test",
        phone="+3251337400",
        languages=["nl", "fr", "en"],
    )
    Postcode.objects.create(municipality=municipality, code="8770", place_name="Ingelmunster")
    return municipality


@pytest.fixture
def best_file():
    return SAMPLES / "openaddress-bevlg.csv"


@pytest.fixture
def kbo_folder(tmp_path):
    """A copy of the KBO sample folder, so a test may change or add files."""
    folder = tmp_path / "KboOpenData_0153_2026_11_Full"
    folder.mkdir()
    for sample in (SAMPLES / "kbo").iterdir():
        (folder / sample.name).write_bytes(sample.read_bytes())
    return folder
