"""Forms too large to read, as a checked meets them: with the CSRF check on.

The CSRF check reads the form first; without ``townhall.post_limits`` a form
above Django's limits got its bare 400 there, before any page could say why.
"""

import pytest

from townhall.eforms.models import Draft, Submission
from townhall.eforms.tests.test_step_view import DUMPING, PARKING, media  # noqa: F401
from townhall.eforms.tests.test_submissions import _park

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(client):
    """The ``client`` (signed in where a fixture did so) with the CSRF check on, as a browser."""
    client.handler.enforce_csrf_checks = True
    return client


def _token(client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


def test_a_step_says_its_answers_are_too_long_on_its_own_page(checked, forms, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    token = _token(checked, DUMPING.format(1))
    response = checked.post(
        DUMPING.format(1),
        {"csrfmiddlewaretoken": token, "location": "x" * 6_000, "description": "y" * 6_000},
    )
    assert response.status_code == 413
    assert "too long together" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_step_refuses_a_body_above_its_limit_unread(checked, forms, monkeypatch):
    monkeypatch.setattr("townhall.eforms.views.MAX_BODY", 1_000)
    from townhall.eforms import views

    monkeypatch.setattr(views.form_step, "post_max_body", 1_000)
    response = checked.post(DUMPING.format(1), {"location": "x" * 2_000})
    assert response.status_code == 413
    assert "at most 20 MB" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_refused_form_on_the_check_step_hands_nothing_in(checked, resident, settings):
    # Without its token checked, a refused form must never submit: shown as the
    # check page with the reason, and the draft stays.
    checked.handler.enforce_csrf_checks = False
    _park(checked)
    checked.handler.enforce_csrf_checks = True
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = checked.post(PARKING.format(3), {"padding": "z" * 2_000})
    assert response.status_code == 200
    assert "too long together" in response.content.decode()
    assert not Submission.objects.exists()
    assert Draft.objects.count() == 1


def test_any_other_form_too_large_gets_the_413_page_not_a_bare_400(checked, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    token = _token(checked, "/aanmelden/")
    switch = {"csrfmiddlewaretoken": token, "language": "fr", "next": "/"}
    response = checked.post("/i18n/setlang/", {**switch, "x": "y" * 2_000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Wat u verstuurde is te groot" in page or "What you sent is too large" in page
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"f{n}": "1" for n in range(10)}
    response = checked.post("/i18n/setlang/", {**switch, **fields})
    assert response.status_code == 413
    language = checked.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert language is None or language.value != "fr"  # refused: nothing changed


def test_a_json_body_is_left_to_its_view(checked, settings):
    # Not a form: the middleware does not read it (a webhook reads its own body).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = checked.post("/i18n/setlang/", "{}" * 100, content_type="application/json")
    assert response.status_code == 403  # the CSRF check's own answer, not a 413
