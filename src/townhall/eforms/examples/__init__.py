"""The example definitions the project ships (docs/forms.md; the demo seeds them)."""

import json
from pathlib import Path

FOLDER = Path(__file__).parent
# slug: (file, title, product slug in the catalogue)
EXAMPLES = {
    "bewonerskaart-parkeren": (
        "resident-parking-card.json",
        "Bewonerskaart parkeren",
        "bewonerskaart-parkeren",
    ),
    "sluikstort-melden": ("illegal-dumping.json", "Sluikstort melden", "sluikstort-melden"),
}


def example(slug: str) -> dict:
    return json.loads((FOLDER / EXAMPLES[slug][0]).read_text())
