"""The committed translation catalogues are complete and compiled.

The compiled .mo files are committed so that `make demo` needs no gettext
tools; this test fails when a .po file was changed without recompiling, or
when a Dutch or French entry is missing.
"""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_catalogue_is_complete_and_compiled(language):
    po = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    mo = polib.mofile(LOCALE / language / "LC_MESSAGES" / "django.mo")
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in mo
        if e.msgid
    }
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
    }
    assert compiled == source, f"{language}: django.mo is stale; run `make messages`"
