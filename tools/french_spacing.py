"""Put the spaces French typography asks for before ":", ";", "?" and "!" in a catalogue.

Run from the project root (``make messages`` does, before compiling)::

    .venv/bin/python tools/french_spacing.py src/townhall/locale/fr/LC_MESSAGES/django.po

French writes a space before these marks that never breaks the line: a no-break
space (U+00A0) before ":" and a thin one (U+202F) before ";", "?" and "!". An
ordinary space there, or none, becomes that space, in every translation of the
file; a mark that is not punctuation ("https://", "09:00", "?next=") is left
alone, as is a mark right after another ("?!"). It prints how many translations
it changed. ``src/townhall/tests/test_translations.py`` checks the result.
"""

import re
import sys
from pathlib import Path

import polib

# A mark used as punctuation: followed by a space, the end, or a closing quote.
PUNCTUATION = re.compile(r"[:;?!](?=\s|$|[»”’)\"])")
NO_BREAK = "\u00a0"
THIN_NO_BREAK = "\u202f"


def french_spacing(text: str) -> str:
    """``text`` with a no-break space before each punctuation mark that lacks one."""
    out, last = [], 0
    for match in PUNCTUATION.finditer(text):
        at = match.start()
        before = text[at - 1] if at else ""
        if not before or before in (NO_BREAK, THIN_NO_BREAK) or before in "?!:":
            continue
        space = NO_BREAK if text[at] == ":" else THIN_NO_BREAK
        out.append(text[last : at - 1 if before == " " else at] + space + text[at])
        last = at + 1
    out.append(text[last:])
    return "".join(out)


def catalogue_fix(path: Path) -> int:
    """Fix every translation of the catalogue at ``path``; return how many changed."""
    catalogue = polib.pofile(str(path))
    changed = 0
    for entry in catalogue.translated_entries():
        fixed = french_spacing(entry.msgstr)
        plurals = {n: french_spacing(text) for n, text in entry.msgstr_plural.items()}
        if fixed != entry.msgstr or plurals != entry.msgstr_plural:
            entry.msgstr, entry.msgstr_plural = fixed, plurals
            changed += 1
    if changed:
        catalogue.save(str(path))
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"French spacing: {catalogue_fix(Path(sys.argv[1]))} translations changed")
