"""Where the demo's families come from, and so their nationality and language.

Most households are Flemish; a few per cent have roots elsewhere, roughly as in
a small town in West Flanders (Dutch, French, Polish, Romanian, Moroccan,
Ukrainian and Syrian families, and the odd English one).
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """A family background: how common it is and what it means for nationality and language."""

    name: str
    weight: int  # households per thousand
    nationalities: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...]

    def nationality(self, rng: random.Random) -> str:
        codes, weights = zip(*self.nationalities, strict=True)
        return rng.choices(codes, weights)[0]

    def language(self, rng: random.Random) -> str:
        codes, weights = zip(*self.languages, strict=True)
        return rng.choices(codes, weights)[0]


ORIGINS = [
    Origin("flemish", 903, (("BE", 1),), (("nl", 1),)),
    Origin("french", 30, (("BE", 1), ("FR", 1)), (("fr", 1),)),
    Origin("dutch", 16, (("NL", 6), ("BE", 1)), (("nl", 1),)),
    Origin("polish", 13, (("PL", 1),), (("nl", 1), ("en", 1))),
    Origin("romanian", 11, (("RO", 1),), (("nl", 1), ("en", 1))),
    Origin("moroccan", 10, (("BE", 11), ("MA", 9)), (("nl", 7), ("fr", 3))),
    Origin("ukrainian", 7, (("UA", 1),), (("en", 3), ("nl", 2))),
    Origin("syrian", 5, (("SY", 1),), (("nl", 3), ("en", 2))),
    Origin("english", 5, (("GB", 7), ("IE", 3)), (("en", 1),)),
]
FLEMISH = ORIGINS[0]
# Visitors (no Belgian number) mostly come from just across a border.
VISITOR_ORIGINS = [
    Origin("dutch", 5, (("NL", 1),), (("nl", 1),)),
    Origin("french", 4, (("FR", 1),), (("fr", 1),)),
    Origin("english", 2, (("GB", 1),), (("en", 1),)),
    Origin("polish", 1, (("PL", 1),), (("en", 1),)),
]


def origin_choose(rng: random.Random, origins: list[Origin] = ORIGINS) -> Origin:
    """A family background, drawn by how common it is."""
    return rng.choices(origins, [origin.weight for origin in origins])[0]
