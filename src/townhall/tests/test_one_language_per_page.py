"""One language per page: every resident and staff page, rendered in Dutch and in French,
holds no English text of Townhall's catalogue or of Django's (issue 20, item 5).

1. What counts as English (:func:`english_texts`): each msgid of Townhall's catalogue
   and of Django's own whose translation in the page's language reads differently;
   and each of Django's msgids of two words or more that the language's catalogue
   lacks while the other language has it (a gap in Django's catalogue, which
   ``townhall.languages.DJANGO_GAPS`` fills). A text that is the translation of
   another msgid is never English ("kind" is the Dutch for "child").
2. A page is read as its text nodes and readable attributes (title, alt, aria-label,
   placeholder, a button's value), leaving out scripts, styles and what is marked as
   another language (the language switcher names each language in that language).
3. A text node that is one of those msgids fails, compared without case, spacing or
   a trailing colon; so does any stretch of four words or more of one (the part
   between two placeholders or tags) anywhere in the page's text. Short msgids
   ("Name") are therefore only caught as a whole node, never inside a sentence.
4. The pages: the demo register (small scale) and its resident persona, signed in with
   eID, following every link of their pages: as themselves, acting for the demo senior
   who gave them a mandate, acting for the chair persona's association, and in an
   assisted session started at the counter; the pages before signing in, and forms
   sent back with errors (a password that is too short); and every staff page of
   :data:`~townhall.tests.test_staff_url_matrix.TABLE` of Townhall's own apps and the
   back office, as the administrator. The admin pages of other apps (sign-in lockouts,
   second factors, the identity provider, tasks) are technical tools in their
   makers' words.

Data are data: a purpose a staff member typed in Dutch stays Dutch on a French page.
"""

import datetime
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from townhall.accounts.models import Mandate, User
from townhall.accounts.services import mandate_grant, resident_account_for_person
from townhall.accounts.tests.residents import sign_in
from townhall.cases.services import case_open_for_submission, case_reply_add, case_task_complete
from townhall.demo.services import demo_seed
from townhall.demo_idp.personas import PERSONAS_BY_SLUG
from townhall.eforms.models import Submission
from townhall.eforms.selectors import form_version_current
from townhall.messaging.models import Broadcast
from townhall.registry.corrections import CorrectionRequest, correction_request_create
from townhall.registry.models import Representative
from townhall.tests.test_staff_url_matrix import TABLE, _open, _samples, _signed_in, url_for

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "fr"]
LOCALE = Path(__file__).resolve().parents[1] / "locale"
DJANGO_DIR = Path(django.__file__).parent
LONG = 4  # words: a stretch this long of an English msgid is found inside a sentence
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\{[^}]*\}\}|\{\w*\}|<[^>]+>")
SKIPPED = {"script", "style", "template", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
READABLE = ("title", "alt", "aria-label", "placeholder")


# --- 1. What counts as English ---------------------------------------------------------


def normalised(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()
    return text.rstrip(":").strip()


def _catalogue_entries() -> Iterable[tuple[str, polib.POEntry]]:
    """(origin, entry) for Townhall's catalogue and Django's own (its English catalogues
    list every msgid, translated or not)."""
    for entry in polib.pofile(LOCALE / "nl" / "LC_MESSAGES" / "django.po"):
        yield "townhall", entry
    django_apps = [
        Path(config.path) for config in apps.get_app_configs() if config.name.startswith("django.")
    ]
    for folder in [DJANGO_DIR / "conf", *django_apps]:
        path = folder / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if path.exists():
            for entry in polib.pofile(path):
                yield "django", entry


def _reads(entry: polib.POEntry, language: str) -> list[tuple[str, str]]:
    """(msgid, the text a page in ``language`` shows for it) for each of its forms."""
    with translation.override(language):
        if entry.msgid_plural:
            return [
                (entry.msgid, translation.ngettext(entry.msgid, entry.msgid_plural, 1)),
                (entry.msgid_plural, translation.ngettext(entry.msgid, entry.msgid_plural, 5)),
            ]
        if entry.msgctxt:
            return [(entry.msgid, translation.pgettext(entry.msgctxt, entry.msgid))]
        return [(entry.msgid, translation.gettext(entry.msgid))]


def english_texts(language: str) -> tuple[set[str], list[str]]:
    """The English texts that must not be on a page in ``language``: whole texts, and the
    stretches of :data:`LONG` words or more to look for inside the page's text."""
    other = next(code for code in LANGUAGES if code != language)
    english, own = set(), set()
    for origin, entry in _catalogue_entries():
        for (msgid, shown), (_msgid, shown_other) in zip(
            _reads(entry, language), _reads(entry, other), strict=True
        ):
            translated = normalised(shown) != normalised(msgid)
            if translated:
                own.add(normalised(shown))
            if not re.search(r"[A-Za-z]", msgid):
                continue
            gap = (
                origin == "django"
                and not translated
                and len(msgid.split()) >= 2
                and normalised(shown_other) != normalised(msgid)
            )
            if translated or gap:
                english.add(msgid)
    whole, stretches = set(), set()
    for msgid in english:
        parts = [normalised(part) for part in PLACEHOLDER_OR_TAG.split(msgid)]
        if len(parts) == 1:
            whole.add(parts[0])
        stretches.update(part for part in parts if len(part.split()) >= LONG)
    return whole - own, sorted(stretches - own)


@pytest.fixture(scope="module")
def english():
    return {language: english_texts(language) for language in LANGUAGES}


# --- 2. Reading a page ---------------------------------------------------------------------


class PageText(HTMLParser):
    """The text nodes and readable attributes of a page, in the page's language only."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, whether its content is read)
        self.nodes: list[str] = []

    def _reading(self) -> bool:
        return not self.stack or self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").split("-")[0]
        reading = self._reading() and tag not in SKIPPED and lang in ("", self.language)
        if reading:
            self.nodes += [attrs[name] for name in READABLE if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.nodes.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, reading))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self._reading() and data.strip():
            self.nodes.append(data)


def english_on(html: str, language: str, english: tuple[set[str], list[str]]) -> list[str]:
    whole, stretches = english
    reader = PageText(language)
    reader.feed(html)
    nodes = [normalised(node) for node in reader.nodes]
    text = " ".join(nodes)
    found = {node for node in nodes if node in whole}
    found.update(stretch for stretch in stretches if stretch in text)
    return sorted(found)


class Walk:
    """The pages read so far and the English found on them."""

    def __init__(self, language: str, english):
        self.language = language
        self.english = english[language]
        self.problems: list[str] = []
        self.read = 0

    def check(self, what: str, response) -> None:
        assert response.status_code < 500, (what, response.status_code)
        # Error pages and forms sent back (400) are pages too; redirects are not.
        html_page = "text/html" in response.get("Content-Type", "") and response.content
        if response.status_code in (301, 302, 303, 304) or not html_page:
            return  # a redirect, a file, or an empty answer (405 to a GET of an action)
        self.read += 1
        html = response.content.decode()
        assert f'lang="{self.language}"' in html[:500], f"{what}: not a page in {self.language}"
        found = english_on(html, self.language, self.english)
        if found:
            self.problems.append(f"{self.language} {what}: {found}")


def browser(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# --- 3. Resident pages -------------------------------------------------------------------

# Not followed: sign-out and ending a session (actions), the JSON download (checked for
# its file name below), the identity provider and the staff side (walked on their own).
NOT_FOLLOWED = (
    "/afmelden/",
    "/aanmelden/eid/",
    "/mijn/gegevens/download/",
    "/demo-idp/",
    "/admin/",
    "/backoffice/",
    "/medewerker/",
    "/i18n/",
    "/static/",
    "/media/",
    "/branding.css",
)
MOST_PAGES = 80


def follow_links(client: Client, walk: Walk, start: list[str], label: str) -> None:
    """GET ``start`` and every page of the site its pages link to (or redirect to)."""
    seen, queue = set(), list(start)
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        walk.check(f"{label} {url}", response)
        links = []
        if response.status_code in (301, 302) and response.get("Location"):
            links = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            links = re.findall(r'<a\b[^>]*\bhref="([^"#]+)', response.content.decode())
        for link in links:
            parts = urlsplit(urljoin(url, link.replace("&amp;", "&")))
            if parts.netloc not in ("", "testserver") or parts.path.startswith(NOT_FOLLOWED):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture
def demo(db):
    """The demo register at a small scale, its personas, and a few things they did."""
    demo_seed(seed=8770, scale=0.05)
    today = timezone.localdate()
    personas = {slug: PERSONAS_BY_SLUG[slug].find(today) for slug in ("resident", "chair")}
    resident = personas["resident"]
    senior = PERSONAS_BY_SLUG["senior"].find(today)
    user = resident_account_for_person(person=resident)
    mandate_grant(
        grantor=senior,
        grantee=resident,
        scope=Mandate.Scope.ALL,
        valid_until=today + datetime.timedelta(days=200),
        actor=resident_account_for_person(person=senior),
    )
    with translation.override("nl"):  # as the resident reported it, on a Dutch page
        correction_request_create(
            person=resident, item_key="family_name", remark="Met een hoofdletter", reported_by=user
        )
    chair = resident_account_for_person(person=personas["chair"])
    case = _case_waiting(user)
    return {"resident": resident, "user": user, "senior": senior, "chair": chair, "case": case}


def _case_waiting(user):
    """A request of the resident's for a parking card, its case waiting for their answer
    to a question and with a message of theirs: Mijn zaken, the case's page and its forms."""
    submission = Submission(
        reference="TH-2026-000077",
        version=form_version_current(slug="bewonerskaart-parkeren"),
        language="nl",
        user=user,
        subject_person=user.person,
    )
    submission.set_answers({"values": {"number_plate": "1-ABC-234"}, "known": {}})
    submission.save()
    case = case_open_for_submission(submission_id=submission.pk)
    case = case_task_complete(
        case=case,
        version=case.version,
        task_id="review",
        value="ask",
        text="Een kopie van het inschrijvingsbewijs van de wagen.",
        actor=None,
    )
    case_reply_add(case=case, text="Ik stuur het morgen.", user=user)
    return case


def _acting(client: Client, choice: str) -> None:
    response = client.post(reverse("accounts:acting_choose"), {"acting": choice})
    assert response.status_code == 302


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_resident_page_is_in_one_language(demo, english, language):
    walk = Walk(language, english)
    start = [
        reverse("portal:home"),
        reverse("portal:my_page"),
        reverse("accounts:mandates"),
        reverse("portal:my_cases"),
        reverse("portal:my_case", args=[demo["case"].uuid]),
    ]

    client = browser(language)
    sign_in(client, demo["user"])
    follow_links(client, walk, start, "resident")
    # A request kept to finish later: the kept page, its resume link, My page's list
    # and the removal it asks first; a link that does not work.
    kept = client.post(reverse("eforms:step", args=["bewonerskaart-parkeren", 1]), {"later": "1"})
    resume = re.search(
        r'href="https?://[^/"]+(/loket/verder/[^"]+)"',
        client.get(kept["Location"]).content.decode(),
    )
    follow_links(
        client,
        walk,
        [kept["Location"], resume.group(1), reverse("eforms:resume", args=["x" * 43])],
        "resident, a request kept for later",
    )

    mandate = Mandate.objects.get(grantor=demo["senior"], grantee=demo["resident"])
    _acting(client, f"mandate:{mandate.pk}")
    follow_links(client, walk, start, "acting for a grantor")

    chair = browser(language)
    sign_in(chair, demo["chair"])
    representation = Representative.objects.filter(person=demo["chair"].person).first()
    _acting(chair, f"representation:{representation.pk}")
    follow_links(chair, walk, start, "acting for an association")

    counter = _signed_in(User.objects.get(username="burgerzaken"))
    counter.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    started = counter.post(
        reverse("backoffice:assisted_start"),
        {
            "national_number": demo["senior"].reveal_national_number(),
            "document": "eid_card",
            "identity_checked": "on",
        },
    )
    assert started.status_code == 302, started.content.decode()[:2000]
    follow_links(counter, walk, start, "in an assisted session")

    assert walk.read > 20, f"only {walk.read} resident pages read"
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_before_signing_in_and_forms_sent_back_are_in_one_language(demo, english, language):
    walk = Walk(language, english)
    client = browser(language)
    start = [
        reverse("portal:home"),
        reverse("accounts:sign_in"),
        reverse("news_subscriptions:subscribe_email"),
    ]
    follow_links(client, walk, start, "anonymous")
    sent_back = {
        "news by e-mail to an address that is none": client.post(
            reverse("news_subscriptions:subscribe_email"),
            {"email": "jana(at)example", "audiences": ["residents"], "consent": "on"},
        ),
        "alerts by SMS to a fixed line": client.post(
            reverse("news_subscriptions:subscribe_sms"),
            {"mobile": "051 31 12 34", "all_topics": "on", "consent": "on"},
        ),
        "a too short password": client.post(
            reverse("accounts:register"),
            {
                "given_name": "Jana",
                "family_name": "Desmet",
                "email": "jana.desmet@example.org",
                "password": "kort",
            },
        ),
        "a numeric password": client.post(
            reverse("accounts:register"),
            {
                "given_name": "Jana",
                "family_name": "Desmet",
                "email": "jana.desmet@example.org",
                "password": "20260101123456",
            },
        ),
        "a wrong password": client.post(
            reverse("accounts:email_sign_in"),
            {"email": "jana.desmet@example.org", "password": "niet-juist-1234", "sign_in": ""},
        ),
    }
    for what, response in sent_back.items():
        assert response.status_code in (200, 400), what
        assert response.context["form"].errors, what  # the page shows what was wrong
        walk.check(what, response)
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_my_data_download_is_named_in_the_page_language(demo, language):
    client = browser(language)
    sign_in(client, demo["user"])
    response = client.get(reverse("portal:my_data_download"))
    assert response.status_code == 200
    stem = {"nl": "mijn-gegevens", "fr": "mes-donnees"}[language]
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{stem}-{today}.jsonld"'


# --- 4. Staff pages -------------------------------------------------------------------------

# Pages that are no page to read: JSON, JavaScript, redirects, POST-only actions.
NOT_PAGES = {
    "admin:jsi18n",
    "admin:autocomplete",
    "admin:view_on_site",
    "admin:logout",
    "staff:sign_out",
    "staff:assisted_end",
}


def _townhall_admin_prefixes() -> tuple[str, ...]:
    return tuple(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for model in admin.site._registry
        if model.__module__.startswith("townhall.")
    )


def staff_pages() -> list[str]:
    """The keys of the matrix's table that are pages of Townhall's own."""
    townhall_models = _townhall_admin_prefixes()
    own = (
        "backoffice:",
        "staff:",
        "admin:index",
        "admin:app_list",
        "admin:password_change",
        "admin:auth_group_",  # the roles, with Townhall's labels for the permissions
    )
    return [
        key
        for key, rule in TABLE.items()
        if not rule.skip
        and key not in NOT_PAGES
        and (key.startswith(own) or key.startswith(townhall_models))
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_staff_page_is_in_one_language(english, language):
    samples, users = _samples()
    # Data as staff and residents would have written them on Dutch pages.
    CorrectionRequest.objects.update(item_label="Achternaam", remark="Tikfout in de naam")
    Broadcast.objects.update(selection_label="Iedereen in de Kerkstraat")
    walk = Walk(language, english)
    client = _signed_in(users["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = staff_pages()
    assert len(pages) > 40, pages
    for key in pages:
        rule = TABLE[key]
        response = _open(
            client, url_for(key, rule, samples), rule.query(samples) if rule.query else {}
        )
        walk.check(key, response)
    sent_back = {
        "a too short new password": client.post(
            reverse("admin:password_change"),
            {"old_password": "x", "new_password1": "kort", "new_password2": "kort"},
        ),
        "a national number that is not one": client.post(
            reverse("backoffice:assisted_start"),
            {"national_number": "12345678901", "document": "eid_card", "identity_checked": "on"},
        ),
    }
    for what, response in sent_back.items():
        assert response.status_code in (200, 400), what
        assert response.context["form"].errors, what  # the page shows what was wrong
        walk.check(what, response)
    assert walk.read > 40, f"only {walk.read} staff pages read"
    assert not walk.problems, "\n".join(walk.problems)


# --- The check itself ---------------------------------------------------------------------


def test_the_check_finds_english_and_leaves_other_languages_alone(english):
    page = (
        '<html lang="nl"><head><title>Mijn gegevens</title></head><body>'
        "<p>Zoeken</p><p>Model name</p>"
        '<button lang="en">English</button><p>kind</p>'
        "<p>Vul dit in. This item is not part of your data. Dank u.</p>"
        "<script>var x = 'Model name';</script></body></html>"
    )
    found = english_on(page, "nl", english["nl"])
    assert "model name" in found  # a gap of Django's Dutch catalogue, filled by Townhall
    assert "this item is not part of your data." in found  # inside a sentence
    assert "english" not in found  # marked as English: the language switcher
    assert "kind" not in found  # Dutch for child
    assert english_on(page.replace("Model name", "Modelnaam"), "nl", english["nl"]) == [
        "this item is not part of your data."
    ]
