"""The example definitions the project ships (docs/forms.md; the demo seeds them)."""

import json
from pathlib import Path

FOLDER = Path(__file__).parent
# slug: (file, title, product slug in the catalogue)
EXAMPLES = {
    "bewonerskaart-parkeren": (
        "resident-parking-card.json",
        "Bewonerskaart parkeren",
        "bewonersparkeerkaart",
    ),
    "sluikstort-melden": ("illegal-dumping.json", "Sluikstort melden", "melding-sluikstort"),
    "bewijs-van-woonst": (
        "certificate-of-residence.json",
        "Bewijs van woonst",
        "bewijs-van-woonst",
    ),
}


def example(slug: str) -> dict:
    return json.loads((FOLDER / EXAMPLES[slug][0]).read_text())
