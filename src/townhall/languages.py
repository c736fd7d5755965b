"""The languages of Townhall, each list written once.

1. :data:`INTERFACE`: the languages of the pages and of every message, letter
   and template the municipality writes. Dutch first: it is the language of a
   Flemish municipality and the fallback (:data:`FALLBACK`); French and English
   are a courtesy. ``settings.LANGUAGES`` is built from it, and so are the
   languages a municipality may offer, the message templates, the letters and
   the announcement form.
2. :data:`REGISTER`: what a person's language can be in the register. The
   national register knows Belgium's three official languages (nl, fr, de), so
   the population register may deliver German; a resident may also choose
   English for our messages. German is therefore a register language but not an
   interface language: the municipality writes no German, and a German-speaking
   resident gets Dutch (:data:`FALLBACK`) until they choose another language.
3. :data:`OFFICIAL`: Belgium's official languages, in which the address register
   (BeST) names streets and municipalities.
4. :data:`NAMES` labels every code of these lists, translated.
5. :data:`DJANGO_GAPS`: Django's own strings that the Dutch catalogue of the
   Django we pin lacks (the password rule, the admin's table headers), so a
   Dutch page would show them in English. Listed here, ``make messages`` puts
   them in Townhall's catalogue, which Django reads before its own
   (``LOCALE_PATHS``). ``tests/test_translations.py`` says when Django's
   catalogue has them again, or when Django changes one of them.

This module sits outside the apps so that settings and every app can use it; it
imports nothing of Townhall.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

FALLBACK = "nl"
INTERFACE = ("nl", "fr", "en")
REGISTER = (*INTERFACE, "de")
OFFICIAL = ("nl", "fr", "de")
NAMES = {"nl": _("Dutch"), "fr": _("French"), "en": _("English"), "de": _("German")}
# Word for word as Django writes them (Django 5.2).
DJANGO_GAPS = (
    ngettext_lazy(  # django.contrib.auth.password_validation.MinimumLengthValidator
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    # django.contrib.admin
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Error:"),
    _("Forgotten your login credentials?"),
    _("In case you’ve forgotten, you are:"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    # django.forms.models.ModelChoiceField (a choice that is not in the list)
    _("%(model)s instance with %(field)s %(value)r is not a valid choice."),
)


def language_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a model or form field, in the order given."""
    return [(code, NAMES[code]) for code in codes]


def interface_language(code: str) -> str:
    """``code`` when the municipality writes in it, else the fallback (Dutch)."""
    return code if code in INTERFACE else FALLBACK
