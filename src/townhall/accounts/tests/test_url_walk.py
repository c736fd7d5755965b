"""Walk every URL pattern of the project: each staff URL demands the second factor.

Staff URLs are everything the resolver lists under ``/admin/`` and
``/backoffice/``, and any view marked by ``staff_required``. For each a
concrete URL is built from its pattern (a sample string that its regular
expression matches), then requested as an anonymous visitor, as a staff member
who gave only their password, and as a resident.
"""

import re
from re import _constants as sre_constants  # the parser behind re; the public sre_* are
from re import _parser as sre_parse  # deprecated aliases of these two

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from townhall.accounts.tests.staff import (
    resident_account,
    resident_person,
    sign_in_password_only,
    sign_in_resident,
    sign_in_verified,
    staff_user,
    totp_device,
)

STAFF_PREFIXES = ("/admin/", "/backoffice/")


def _sample(parsed) -> str:
    """One string matched by a parsed regular expression (the shortest simple one)."""
    out = []
    for op, arg in parsed:
        if op is sre_constants.LITERAL:
            out.append(chr(arg))
        elif op is sre_constants.NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is sre_constants.ANY:
            out.append("a")
        elif op is sre_constants.IN:
            out.append(_sample_in(arg))
        elif op is sre_constants.BRANCH:
            out.append(_sample(arg[1][0]))
        elif op is sre_constants.SUBPATTERN:
            out.append(_sample(arg[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _high, item = arg
            out.append(_sample(item) * max(low, 1))
        elif op is sre_constants.AT:
            continue
        else:
            raise AssertionError(f"no sample for regex part {op} {arg}")
    return "".join(out)


def _sample_in(items) -> str:
    negate = items and items[0][0] is sre_constants.NEGATE
    if negate:
        excluded = {chr(v) for op, v in items if op is sre_constants.LITERAL}
        return next(c for c in "a1-_" if c not in excluded)
    op, value = items[0]
    if op is sre_constants.LITERAL:
        return chr(value)
    if op is sre_constants.RANGE:
        return chr(value[0])
    if op is sre_constants.CATEGORY:
        return {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a"}.get(str(value).split(".")[-1], "a")
    raise AssertionError(f"no sample for character set {items}")


def regex_sample(regex: str) -> str:
    return _sample(sre_parse.parse(regex))


def walk(resolver=None, prefix=""):
    """Every leaf pattern as (concrete path, pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        part = regex_sample(entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + part)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part, entry


def staff_urls() -> list[str]:
    urls = set()
    for path, pattern in walk():
        if path.startswith(STAFF_PREFIXES) or getattr(pattern.callback, "staff_required", False):
            urls.add(path)
    return sorted(urls)


def test_the_sampler_builds_urls_that_resolve():
    for path, _pattern in walk():
        resolve(path)  # raises Resolver404 when a sample does not match
    assert regex_sample(r"^(?P<app_label>auth|accounts)/$") == "auth/"
    assert re.fullmatch(r"[0-9]+", regex_sample(r"[0-9]+"))


@pytest.fixture(scope="module")
def urls():
    found = staff_urls()
    assert found, "the walk found no staff URL at all"
    assert any(u.startswith("/admin/") for u in found)
    assert any(u.startswith("/backoffice/") for u in found)
    return found


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client, urls):
    sign_in = reverse("staff:sign_in")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(sign_in), url


@pytest.mark.django_db
def test_a_password_alone_opens_no_staff_page(client, urls):
    user = staff_user(is_superuser=True)
    totp_device(user)
    sign_in_password_only(client, user)
    second_factor = reverse("staff:second_factor")
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code != 200, url
            assert response.status_code == 302, url
            assert response["Location"].startswith(second_factor), url


@pytest.mark.django_db
def test_a_resident_is_refused_everywhere(client, urls):
    person, _number = resident_person()
    sign_in_resident(client, resident_account(person))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url


@pytest.mark.django_db
def test_with_the_second_factor_the_staff_flow_lets_staff_through(client, urls):
    """The control: a verified superuser is never sent back into the sign-in flow.

    Pages of the Redis queue dashboard are left out: with a dummy job id they
    would ask the Redis server, and no test touches the network. Pages that fail
    on a dummy id (500) still show that the gate let the request through."""
    user = staff_user(is_superuser=True)
    sign_in_verified(client, user)
    client.raise_request_exception = False
    steps = tuple(reverse(n) for n in ("staff:sign_in", "staff:second_factor", "staff:setup"))
    for url in urls:
        if url.startswith("/admin/django_rq/"):
            continue
        response = client.get(url)
        templates = [t.name for t in response.templates]
        assert "accounts/staff/refused.html" not in templates, url
        assert not response.get("Location", "").startswith(steps), url
