"""Nothing a visitor sends may cause a server error: a property-based walk of every URL.

1. Every URL pattern of the URL configuration is listed (``get_resolver()``,
   recursively: the admin's generated pages, the back office, the resident
   portal, the staff sign-in, the demo pages and the webhooks).
2. Path parameters are filled with the key of a real object (for an admin page,
   an object of its model) or with a hostile value the pattern still accepts:
   a huge or negative number, a long or odd string.
3. Each page is first fetched plainly, once per visitor, to learn the names of
   its form fields (with their values) and of the query parameters its own
   links use (list filters, ordering, paging, the date hierarchy).
4. Hypothesis then sends hostile values (huge and negative numbers, NUL bytes,
   very long strings, unicode, SQL and HTML fragments, malformed dates, lists)
   for those names and for the admin's own (``o``, ``p``, ``q``, ``e``,
   ``_selected_action``, ``action``, ``select_across``, ``<field>__year`` and
   other ``__`` lookups), by GET and by POST, as an anonymous visitor, a
   resident, a verified superuser and a verified member of the citizens'
   affairs role. No answer may be a 5xx.

The test client does not check CSRF tokens, so the forms are really exercised.
The eID sign-in is left without an identity provider (no network): its
designed answer, the sign-in failure page with 503 "not available", is the one
5xx allowed (:func:`is_server_error`).
Left out, for staff only: the Redis queue dashboard (``/admin/django_rq/``).
Its pages act on the Redis server itself (empty a queue, requeue every failed
job), which lives outside the test database and is shared by every process on
the machine; anonymous visitors and residents still walk it (they are refused
before any of its code runs).
"""

import datetime
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from townhall.accounts.models import User
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.second_factor import has_totp_device
from townhall.accounts.tests.staff import (
    resident_account,
    sign_in_resident,
    sign_in_verified,
    staff_user,
)
from townhall.accounts.tests.test_url_walk import regex_sample
from townhall.catalog.services import product_create
from townhall.eforms.services import form_examples_load
from townhall.messaging.models import Message
from townhall.messaging.services import message_send
from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.models import HouseholdMembership
from townhall.registry.services import (
    household_add_member,
    household_create,
    organisation_create,
)
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY_LEFT_OUT = ("/admin/django_rq/",)

HUGE = "9" * 40
HOSTILE_STRINGS = [
    HUGE,
    "-" + HUGE,
    "-1",
    "0",
    "1e309",
    "NaN",
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 20_000,
    "' OR 1=1 --",
    '"; DROP TABLE registry_person; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% now 'Y' %}",
    "%(name)s %s {0}",
    "../../../../etc/passwd",
    "2020-13-45",
    "31/02/2020",
    "9999-99-99T99:99",
    "0000-00-00",
    "ℌ𝔢𝔩𝔩𝔬 ﷽ 👩‍👩‍👧 İı",
    "\u202ereversed",
    "https://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "a" * 300 + "@" + "b" * 300 + ".be",
]
# Query parameters of the admin and of list pages, whatever a page links to itself.
GENERIC_KEYS = [
    "o",
    "p",
    "q",
    "e",
    "all",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "_selected_action",
    "action",
    "index",
    "select_across",
    "post",
    "next",
    "page",
    "created_at__year",
    "created_at__month",
    "created_at__day",
    "created_at__gte",
    "id__gt",
    "pk__in",
    "id__exact",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "purpose",
    "language",
]

hostile_value = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(max_size=40),
    st.dates().map(datetime.date.isoformat),
)
hostile_field = st.one_of(hostile_value, st.lists(hostile_value, min_size=2, max_size=3))


# --- The pages and what they ask ---------------------------------------------


def _route_fill(route: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m: values[m.group(1)], route)


def url_patterns(resolver=None):
    """Every leaf pattern as (parts, pattern): the parts are (route text,
    its converters by parameter name) from the root down."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern) and pattern.converters:
            parts = [(str(pattern), pattern.converters)]
        else:
            parts = [(regex_sample(pattern.regex.pattern), {})]
        if isinstance(entry, URLResolver):
            for inner_parts, leaf in url_patterns(entry):
                yield parts + inner_parts, leaf
        elif isinstance(entry, URLPattern):
            yield parts, entry


def admin_models_by_prefix() -> dict[str, type]:
    return {
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/": model
        for model in admin.site._registry
    }


def path_values(converter, real_key: str | None) -> list[str]:
    """Values a parameter with this converter is tried with: a real key first
    (for a UUID, a real message's)."""
    name = type(converter).__name__
    real = [real_key] if real_key else []
    if name == "IntConverter":
        return [*(k for k in real if k.isdigit()), "1", "0", HUGE]
    if name == "UUIDConverter":
        message = Message.objects.order_by("pk").first()
        known = [str(message.uuid)] if message else []
        return [*known, "00000000-0000-0000-0000-000000000000"]
    if name == "SlugConverter":
        return [*(k for k in real if re.fullmatch(r"[-a-zA-Z0-9_]+", k)), "a", "x" * 500]
    values = [*real, "1", "-1", HUGE, "a%00b", quote("<b>é</b>"), "x" * 500]
    return [v for v in values if "/" not in v or name == "PathConverter"]


def concrete_path(parts, choose) -> str:
    """One concrete path of a pattern; ``choose(converter)`` picks each parameter."""
    path = ""
    for text, converters in parts:
        values = {name: choose(converter) for name, converter in converters.items()}
        path += _route_fill(text, values) if values else text
    return "/" + path


class FormReader(HTMLParser):
    """The names (and first values) of a page's form fields, and the query
    parameters of its own ``?...`` links."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.query_keys: set[str] = set()
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self.fields.setdefault(name, "")
            else:
                self.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and not self.fields.get(self._select):
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")
        elif tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.query_keys.update(k for k, _v in parse_qsl(attrs["href"][1:]))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and not self.fields.get(self._textarea):
            self.fields[self._textarea] = data


def read_forms(response) -> FormReader:
    reader = FormReader()
    if "html" in response.get("Content-Type", "") and not response.streaming:
        reader.feed(response.content.decode(errors="replace"))
    return reader


# --- The visitors and their data ---------------------------------------------


@pytest.fixture
def sample_data(django_capture_on_commit_callbacks, settings):
    """A small register: a household, an association, messages (one a letter),
    an access-log entry and a correction request, so detail pages have real rows."""
    settings.TOWNHALL_MESSAGING = {**settings.TOWNHALL_MESSAGING, "LETTER_PROCESSES": 1}
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": ""}  # no identity provider, no network
    municipality_for_tests()
    templates_load()
    home = AddressFactory(street_name="Kerkstraat", house_number="12")
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home, email="an@x.org")
    jef = PersonFactory(given_names="Jef", family_name="Maes", domicile=home)
    household = household_create(
        address=home, reference_person=an, start_date=datetime.date(2026, 1, 1)
    )
    household_add_member(
        household=household,
        person=jef,
        relation=HouseholdMembership.Relation.PARTNER,
        start_date=datetime.date(2026, 1, 1),
    )
    organisation_create(name="Wielerclub De Spurters", kind="association", vcode="V0001060")
    # The online counter: the example forms and a product, for their back-office editors.
    form_examples_load()
    product_create(
        title="Zaal huren",
        description="Een zaal.",
        product_type="Toelating",
        audiences=["association"],
        themes=["CultuurSportVrijeTijd"],
    )
    context = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
    with django_capture_on_commit_callbacks(execute=True):
        message_send(recipient=an, template="decision", context=context)
        message_send(recipient=jef, template="decision", context=context)  # a letter
    return {"an": an, "jef": jef, "household": household}


def signed_in(kind: str, data) -> tuple[Client, User | None, callable]:
    """A client signed in as ``kind``, and a function that signs it in again
    when a request (a sign-out, a deleted device) ended the session."""
    client = Client(raise_request_exception=False)
    if kind == "anonymous":
        return client, None, lambda: None
    if kind == "resident":
        user = resident_account(data["an"])

        def again():
            sign_in_resident(client, user)

    elif kind == "superuser":
        user = staff_user("root", is_superuser=True, department_code=None)

        def again():
            sign_in_verified(client, user)

    else:
        user = staff_user("katrien", department_code="citizens_affairs")
        staff_role_assign(user=user)

        def again():
            sign_in_verified(client, user)

    again()
    return client, user, again


def ensure_signed_in(client, user, again) -> None:
    if user is None:
        return
    if not User.objects.filter(pk=user.pk).exists():
        user.save(force_insert=True)  # a POST deleted the visitor; put them back
    session = client.session
    intact = session.get("_auth_user_id") == str(user.pk)
    if user.is_staff:
        intact = intact and DEVICE_ID_SESSION_KEY in session and has_totp_device(user)
    if not intact:
        again()


@dataclass
class Page:
    """One URL pattern, the key of a real object for its parameters, and what
    the plain GET of it showed (form fields and query parameters)."""

    parts: list
    real_key: str | None
    fields: dict = field(default_factory=dict)
    query_keys: list = field(default_factory=list)
    refused: bool = False  # refused before the page read any input (see is_refused)

    def plain(self) -> str:
        return concrete_path(self.parts, lambda c: path_values(c, self.real_key)[0])

    def drawn(self, data) -> str:
        return concrete_path(
            self.parts, lambda c: data.draw(st.sampled_from(path_values(c, self.real_key)))
        )


def pages_for(kind: str, user) -> list[Page]:
    """Every pattern of the URL configuration, with a real key where one is known."""
    models = admin_models_by_prefix()
    own = {str(user.pk)} if user else set()
    pages = []
    for parts, _leaf in url_patterns():
        template = "/" + "".join(text for text, _c in parts)
        if kind in ("superuser", "citizens_affairs") and template.startswith(STAFF_ONLY_LEFT_OUT):
            continue
        model = next((m for p, m in models.items() if template.startswith(p)), None)
        real_key = "1"
        if model is not None and model._meta.managed:  # the Redis dashboard has no table
            keys = model._default_manager.order_by("pk").values_list("pk", flat=True)[:3]
            # A hostile POST to a delete page must not delete the visitor.
            real_key = next((str(k) for k in keys if str(k) not in own), None)
        pages.append(Page(parts, real_key))
    return pages


def is_refused(response) -> bool:
    """Refused before the page read any input: sent to the staff sign-in, the
    resident's "this page is for staff", or a permission the visitor lacks."""
    return response.status_code == 403 or response.get("Location", "").startswith("/medewerker/")


def is_server_error(response) -> bool:
    """A 5xx, except the designed "eID sign-in not available" page (503)."""
    designed = response.status_code == 503 and "accounts/sign_in_failed.html" in {
        t.name for t in response.templates
    }
    return response.status_code >= 500 and not designed


def describe(response) -> str:
    if getattr(response, "exc_info", None):
        exc_type, exc, tb = response.exc_info
        where = traceback.extract_tb(tb)[-1]
        return f"{exc_type.__name__}: {exc} (at {where.filename}:{where.lineno})"
    return response.content.decode(errors="replace")[:500]


VISITORS = ["anonymous", "resident", "superuser", "citizens_affairs"]


# Each visitor's walk in parts, one test each, so that the test processes share it.
PARTS = 2


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("kind", VISITORS)
def test_hostile_input_never_causes_a_server_error(kind, part, sample_data):
    client, user, again = signed_in(kind, sample_data)
    pages = pages_for(kind, user)
    assert len(pages) > 200, "the walk of the URL configuration found too few pages"
    pages = pages[part::PARTS]
    errors = []
    for page in pages:
        ensure_signed_in(client, user, again)
        response = client.get(page.plain())
        if is_server_error(response):
            errors.append(f"GET {page.plain()} as {kind}: {describe(response)}")
        reader = read_forms(response)
        page.refused = is_refused(response)
        page.fields = reader.fields
        page.query_keys = sorted(reader.query_keys | set(GENERIC_KEYS))
    assert not errors, "\n\n".join(errors)

    for page in pages:
        hostile_requests_to(page, client, kind, lambda: ensure_signed_in(client, user, again))


# Each page gets its own small property: a few examples, each one GET and one POST.
# (One example over every page would overrun Hypothesis's buffer again and again.)
# A page that refuses the visitor before reading any input gets a single example.
HYPOTHESIS = {
    refused: settings(
        max_examples=1 if refused else 2,
        deadline=None,
        database=None,
        # A failure names the page, the method and the fields already; shrinking
        # would repeat slow requests for little gain.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    for refused in (True, False)
}


def hostile_requests_to(page: Page, client, kind: str, ensure) -> None:
    query_keys = st.sampled_from(page.query_keys)
    names = st.sampled_from(sorted(set(page.fields) | {"_selected_action", "action", "next"}))

    @HYPOTHESIS[page.refused]
    @given(data=st.data())
    def no_server_error(data):
        ensure()
        url = page.drawn(data)
        query = data.draw(st.dictionaries(query_keys, hostile_field, max_size=4), label="query")
        response = client.get(url, query)
        assert not is_server_error(response), f"GET {url} {query!r} as {kind}: {describe(response)}"
        ensure()
        changed = data.draw(st.dictionaries(names, hostile_field, min_size=1, max_size=4))
        response = client.post(url, {**page.fields, **changed})
        assert not is_server_error(response), (
            f"POST {url} {sorted(changed)} as {kind}: {describe(response)}"
        )

    no_server_error()


def test_the_walk_fills_path_parameters_with_real_and_hostile_values():
    route = RoutePattern("<path:object_id>/change/")
    parts = [("admin/", {}), ("registry/person/", {}), (str(route), route.converters)]
    values = path_values(route.converters["object_id"], "7")
    assert values[0] == "7"
    assert HUGE in values
    assert "-1" in values
    assert concrete_path(parts, lambda c: "7") == "/admin/registry/person/7/change/"
    assert concrete_path(parts, lambda c: HUGE) == f"/admin/registry/person/{HUGE}/change/"
