"""The committed translation catalogues are complete and compiled, and what they
cannot see is checked here too (issue 20, item 5).

1. The compiled .mo files are committed so that `make demo` needs no gettext
   tools; a test fails when a .po file was changed without recompiling, or when a
   Dutch or French entry is missing or fuzzy.
2. French puts a no-break space before ":" (and a thin one before ";", "?", "!"):
   in the French catalogue, and by keeping the colon inside the translated string in
   templates.
3. Django's own strings that its Dutch catalogue lacks (``DJANGO_GAPS``), the
   password rules, the names of the shipped message templates and every label the
   admin shows are translated.

The pages themselves, rendered in Dutch and French, are checked in
``test_one_language_per_page``.
"""

import re
import tomllib
from pathlib import Path

import django
import polib
import pytest
from django.contrib import admin
from django.contrib.auth import password_validation
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import translation
from django.utils.functional import Promise

from townhall.accounts.models import User
from townhall.languages import DJANGO_GAPS
from townhall.messaging.models import MessageTemplate
from townhall.messaging.templates import SEED_DIR, SHIPPED_NAMES

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


# --- French punctuation ------------------------------------------------------------

# A colon, semicolon, question or exclamation mark used as punctuation: followed by a
# space, the end, or a closing quote or bracket (so not "https://", "09:00", "?next=").
PUNCTUATION = re.compile(r"[:;?!](?=\s|$|[»”’)\"])")
NO_BREAK_SPACES = "\u00a0\u202f"


def _french_spacing_problems(text: str) -> list[str]:
    problems = []
    for match in PUNCTUATION.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        if before not in NO_BREAK_SPACES and before not in "?!:":  # "?!" or "?:" once
            problems.append(text[max(0, match.start() - 25) : match.end()])
    return problems


def test_french_puts_a_no_break_space_before_colons_and_marks():
    """French writes "Vous agissez pour : …" with a space that never breaks the line
    before ":" (and a thin one before ";", "?" and "!"); an ordinary space could leave
    the colon alone at the start of a line, and no space at all is wrong."""
    po = polib.pofile(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    problems = []
    for entry in po.translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            problems += [f"{entry.msgid[:40]!r}: …{p}" for p in _french_spacing_problems(text)]
    assert not problems, "\n".join(problems)


TEMPLATES = Path(__file__).resolve().parents[1]
# "{% translate "Subject" %}:" puts the colon outside the translation, where French
# cannot put its space before it: the colon belongs inside the msgid.
PUNCTUATION_OUTSIDE = re.compile(
    r"(\{% *translate +\"[^\"]*\" *%\}|\{% *endblocktranslate *%\})[:;?!]"
)


def test_templates_keep_punctuation_inside_the_translation():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        if "/tests/" not in str(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PUNCTUATION_OUTSIDE.search(line)
    ]
    assert not found, "\n".join(found)


# --- Django's own strings ---------------------------------------------------------------

DJANGO_LOCALE = Path(django.__file__).parent


def _text(gap, language: str) -> str:
    """``gap`` in ``language``; a plural, which reads empty until it has its number, for 10."""
    with translation.override(language):
        return str(gap) or gap % 10


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_django_strings_its_dutch_catalogue_lacks_are_translated(language):
    """The password rule and the admin's table headers read in the page's language."""
    same = [_text(gap, "en") for gap in DJANGO_GAPS if _text(gap, language) == _text(gap, "en")]
    assert not same, f"English in {language}: {same}"


def _django_entries(language: str) -> dict[str, polib.POEntry]:
    """Django's own catalogue entries for ``language``, by their English text (a plural
    with a bare ``%d`` for 10, as :func:`_text` reads it)."""
    entries = {}
    for path in DJANGO_LOCALE.rglob(f"locale/{language}/LC_MESSAGES/django.po"):
        for entry in polib.pofile(path):
            plural = entry.msgid_plural
            bare_number = plural and "%d" in plural and "%(" not in plural
            entries[plural % 10 if bare_number else entry.msgid] = entry
    return entries


def test_the_django_gaps_are_still_gaps():
    """Each string of DJANGO_GAPS is still Django's, word for word, and Django's own Dutch
    catalogue still lacks it. When this fails, Django changed the string (copy the new
    one) or translated it (delete it from DJANGO_GAPS)."""
    english, dutch = _django_entries("en"), _django_entries("nl")
    for gap in DJANGO_GAPS:
        text = _text(gap, "en")
        assert text in english, f"not a string of Django (any more): {text!r}"
        assert text not in dutch or not dutch[text].translated(), f"Django has it now: {text!r}"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_password_rule_reads_in_the_page_language(language):
    """Each configured password validator, broken once: its message and its help text
    are translated (Django 5.2's Dutch catalogue lacks the "too short" message)."""
    user = User(username="an.peeters@example.org", email="an.peeters@example.org")
    passwords = ["kort", "an.peeters@example.org", "password123", "20260101123456"]
    for password in passwords:
        with translation.override("en"):
            english = _password_errors(password, user)
        with translation.override(language):
            translated = _password_errors(password, user)
        assert english, password
        assert not set(english) & set(translated), (password, translated)
    with translation.override("en"):
        english_help = password_validation.password_validators_help_texts()
    with translation.override(language):
        help_texts = password_validation.password_validators_help_texts()
    assert not set(english_help) & set(help_texts), help_texts


def _password_errors(password: str, user) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


# --- Names and labels staff read ------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_shipped_message_template_has_a_translated_name(language):
    names = {
        tomllib.loads(path.read_text(encoding="utf-8"))["name"]
        for path in sorted(SEED_DIR.glob("*.toml"))
    }
    assert names == set(SHIPPED_NAMES), "SHIPPED_NAMES lists the name of every seed file"
    template = MessageTemplate(code="decision", name="Decision on your application")
    with translation.override(language):
        untranslated = [name for name in names if translation.gettext(name) == name]
        assert template.display_name != template.name
        assert str(template) == template.display_name
    assert not untranslated, untranslated
    assert MessageTemplate(name="Eigen naam van de dienst").display_name == (
        "Eigen naam van de dienst"
    )


def _label_is_translatable(name, model, model_admin, form_fields) -> bool:
    """Whether the column or label ``name`` of an admin page comes from a string
    marked for translation (a field's verbose_name, a display's description, a form
    field's label), rather than being made from an attribute's English name."""
    if name == "__str__":
        return True  # labelled with the model's verbose_name, itself checked below
    if isinstance(name, str) and name in form_fields:
        label = form_fields[name].label
        return label is None or isinstance(label, Promise)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        pass
    else:
        return isinstance(field.verbose_name, Promise)
    for owner in (model_admin, model):
        attr = getattr(owner, name, None) if isinstance(name, str) else name
        if attr is None:
            continue
        if isinstance(attr, property):
            attr = attr.fget
        return isinstance(getattr(attr, "short_description", None), Promise)
    return False


def test_every_label_and_column_of_the_admin_is_translatable(rf):
    """No "FULL NAME" or "CREATED AT" on a Dutch page: every label and column header the
    admin shows for a Townhall model (lists, forms, read-only fields, inlines) is
    marked for translation."""
    request = rf.get("/admin/")
    request.user = User(is_staff=True, is_superuser=True, is_active=True)
    untranslatable = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("townhall."):
            continue
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for shown in admins:
            shown_model = shown.model
            form_fields = shown.get_form(request).base_fields if hasattr(shown, "get_form") else {}
            if hasattr(shown, "get_formset"):
                form_fields = shown.get_formset(request).form.base_fields
            names = {
                *shown.get_fields(request),
                *(getattr(shown, "list_display", None) or []),
                *shown.get_readonly_fields(request),
            }
            untranslatable += [
                f"{shown_model._meta.label} {type(shown).__name__}.{name}"
                for name in names
                if not _label_is_translatable(name, shown_model, shown, form_fields)
            ]
            if not isinstance(shown_model._meta.verbose_name, Promise):
                untranslatable.append(f"{shown_model._meta.label} (verbose_name)")
    assert not untranslatable, untranslatable
