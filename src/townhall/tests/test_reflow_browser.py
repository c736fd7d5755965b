"""No page is wider than a phone of 320 px (WCAG 2.1, 1.4.10 Reflow).

At 320 CSS pixels a page must not pan sideways: the test reads
``document.documentElement.scrollWidth`` on every resident and staff page
and fails on any wider than the window. On resident pages it also fails on a
link, button or field that lies (partly) outside the window, which catches a
table that scrolls inside its own box and hides the buttons of its rows (the
page itself is then no wider, but "This is not right" and "Revoke" were out
of reach). The staff administration's lists are data tables, which the
criterion allows to scroll in their box, so there only the page's width counts.

1. The pages: every resident page as each kind of resident meets it (eID,
   acting for an organisation, a visitor, an e-mail account), the public and
   sign-in pages, and the staff walk of ``test_staff_pages_browser`` (every
   admin model's list, add and change page, the back office).
2. One browser page visits them all, in Dutch (the default, with the longest
   words) and in French; only the cookies change between residents.
3. :func:`test_the_walk_covers_every_page` keeps the list complete: a new URL
   of the resident or back-office apps that is not walked, nor left out here
   with its reason, fails it.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from townhall.accounts.acting import ACTING_KEY
from townhall.accounts.models import User
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import sign_in
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.cases.models import Workflow
from townhall.cases.services import (
    case_open_for_submission,
    case_task_complete,
    workflow_current,
    workflows_ensure,
)
from townhall.demo.catalogue import demo_catalogue_create
from townhall.demo.forms import demo_forms_create
from townhall.documents.tests.factories import document_issued
from townhall.eforms.models import Submission
from townhall.eforms.selectors import form_version_current
from townhall.eforms.services import draft_start
from townhall.messaging.models import Broadcast, Message, SocialPost
from townhall.messaging.unsubscribe import unsubscribe_token
from townhall.registry.corrections import correction_request_create
from townhall.registry.models import Organisation, Representative
from townhall.tests import test_staff_pages_browser as staff_walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The staff walk's register (a fixture) and its pages: one list of staff pages for both.
register = staff_walk.register
staff_pages = staff_walk.staff_pages
WIDTH = 320

# URL names that are no page to read (or need what no test can give): not walked.
NOT_PAGES = {
    "portal:health": "a status answer for monitoring, not HTML",
    "portal:branding_css": "the municipality's colours, a stylesheet",
    "portal:my_data_download": "a JSON-LD file",
    "portal:my_case_file": "a file the resident sent, a download",
    "portal:my_case_document": "a sealed document the municipality issued, a PDF",
    "accounts:oidc_start": "a redirect to the identity provider",
    "accounts:oidc_callback": "the identity provider's way back, a redirect",
    "accounts:email_sign_in": "takes a POST from the sign-in page",
    "accounts:sign_out": "takes a POST",
    "accounts:acting_choose": "takes a POST from My page",
    "portal:my_subscription_stop": "takes a POST from My page's subscriptions",
    "messaging:sms_receipt": "an SMS gateway's delivery report",
    "staff:second_factor": "needs a half-finished staff sign-in; same layout as the sign-in",
    "staff:setup": "needs a half-finished staff sign-in; same layout as the sign-in",
    "staff:sign_out": "takes a POST",
    "staff:assisted_end": "takes a POST",
    "backoffice:messaging_resend": "takes a POST",
    "backoffice:messaging_letter_render": "takes a POST",
    "backoffice:messaging_letter_posted": "takes a POST",
    "backoffice:messaging_letter_pdf": "a PDF",
    "backoffice:catalog_product_state": "takes a POST",
    "backoffice:news_publication_state": "takes a POST from the publication's page",
    "backoffice:form_preview": "takes a POST (the editor's script), a part of the editor's page",
    "backoffice:form_version_publish": "takes a POST",
    "backoffice:cases_assign": "takes a POST from the inbox",
    "backoffice:cases_export": "a CSV or XLSX file",
    "backoffice:workflow_version_download": "a BPMN file",
    "backoffice:case_file": "a file the applicant sent, a download",
    "backoffice:case_document": "a document issued for the case, a PDF",
    "backoffice:case_step": "takes a POST from the case page",
    "backoffice:case_note": "takes a POST from the case page",
    "backoffice:case_message": "takes a POST from the case page",
    "backoffice:case_take": "takes a POST from the case page",
    "backoffice:case_undo": "takes a POST from the case page",
    "demo:mailbox_detail": "one demo e-mail, in the mailbox's layout",
    "demo:verenigingsregister": "the fake association register's API, JSON",
    "demo:mastodon_api": "the fake Mastodon server's API, JSON",
    "backoffice:messaging_social_retry": "takes a POST",
    "catalog:ldes": "the catalogue's LDES feed, JSON-LD",
    "eforms:draft_continue": "a redirect to the draft's first open step",
    "eforms:receipt": "a submission's receipt, a PDF",
    "documents:verify_file": "takes a POST (a PDF) from the verification page",
    "backoffice:document_batch_pdf": "a print batch's PDF",
    "backoffice:document_batch_retry": "takes a POST from the batch's page",
    "backoffice:import_start": "takes a POST (an upload) from the imports page",
    "backoffice:import_report": "an import's rejected rows, a CSV file",
}
NAMESPACES = {
    *("portal", "accounts", "messaging", "staff", "backoffice", "demo", "catalog", "eforms"),
    "documents",
    "news_subscriptions",
}

# Where a control is out of reach: the window's edges, with a pixel for rounding.
MEASURE = """() => {
  const width = window.innerWidth;
  const outside = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue;
    if (box.right > width + 1 || box.left < -1) {
      const name = (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 40);
      const where = `${Math.round(box.left)}-${Math.round(box.right)}`;
      outside.push(`${el.tagName.toLowerCase()} "${name}" (${where})`);
    }
  }
  // What sticks out, to say in the failure which element widens the page.
  const wide = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
        && getComputedStyle(el).overflowX === 'visible') {
      wide.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${el.scrollWidth} px`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, outside, wide: wide.slice(0, 3),
    refused: window.townhallRefused || [],
  };
}"""
# What the Content Security Policy refused on the page (an inline style, a script).
LISTEN_FOR_REFUSALS = """
window.townhallRefused = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.townhallRefused.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@dataclass
class Visit:
    """Pages to read with one session (None: signed out)."""

    session: str | None
    urls: list[str]
    controls_in_reach: bool = True  # False for the admin's data tables


@pytest.fixture
def residents(register):
    """An (of the staff walk's register) with an eID account, a mandate she gave Jef,
    a mandate Jef gave her, a report, the association she chairs; a visitor and an
    e-mail account without a person in the register."""
    an, household = register["an"], register["household"]
    jef = household.memberships.exclude(person=an).get().person
    an_user = User.objects.create(username="eid-an", kind=User.Kind.RESIDENT, person=an)
    jef_user = User.objects.create(username="eid-jef", kind=User.Kind.RESIDENT, person=jef)
    until = datetime.date.today() + datetime.timedelta(days=365)
    given = mandate_grant(grantor=an, grantee=jef, scope="all", valid_until=until, actor=an_user)
    mandate_grant(grantor=jef, grantee=an, scope="personal_data", valid_until=until, actor=jef_user)
    correction_request_create(
        person=an, item_key="family_name", remark="Claeijs", reported_by=an_user
    )
    club = Organisation.objects.get(name="Wielerclub De Spurters")
    chair = Representative.objects.create(
        organisation=club, person=an, role="chair", start_date=datetime.date(2020, 1, 1)
    )
    visitor = User.objects.create(
        username="eid-visitor", kind=User.Kind.RESIDENT, first_name="Kim", last_name="Verbeke"
    )
    email_account = User.objects.create(
        username="lies@example.org", email="lies@example.org", kind=User.Kind.RESIDENT
    )
    broadcast = Broadcast.objects.create(
        template=register["template"], selection_label="Kerkstraat"
    )
    products = demo_catalogue_create()
    forms = demo_forms_create()
    # An unfinished request of An's: the kept page and its removal are pages too.
    draft = draft_start(
        version=form_version_current(slug="bewonerskaart-parkeren"), user=an_user, person=an
    )
    return {
        "broadcast": broadcast,
        "case": _case_waiting(an_user),
        "an": an_user,
        "mandate": given,
        "chair": chair,
        "visitor": visitor,
        "email_account": email_account,
        "message": Message.objects.filter(person=an).first(),
        # The online counter: the demo catalogue and its two published forms.
        "products": products,
        "forms": forms,
        "draft": draft,
    }


def _case_waiting(user):
    """A case of An's request for a parking card, waiting for her answer to a question:
    its page shows the answer form with the file field, and the message form."""
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
    return case_task_complete(
        case=case,
        version=case.version,
        task_id="review",
        value="ask",
        text="Een kopie van het inschrijvingsbewijs van de wagen (beide zijden).",
        actor=None,
    )


def _session(user, *, level="high", acting=None) -> str:
    client = Client()
    if user.is_staff:
        sign_in_verified(client, user)
    else:
        sign_in(client, user, level=level)
    if acting:
        session = client.session
        session[ACTING_KEY] = acting
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _anonymous_report() -> tuple[str, list[str]]:
    """A browser that reported illegal dumping without signing in: its session, and
    the confirmation page with the tracking code."""
    client = Client()
    step = "/loket/formulier/sluikstort-melden/stap/{}/"
    client.post(step.format(1), {"location": "Kerkstraat 40", "description": "Matras"})
    client.post(step.format(2), {"wants_contact": "no"})
    response = client.post(step.format(3))
    return client.cookies[settings.SESSION_COOKIE_NAME].value, [response["Location"]]


def _verifiable_code() -> str:
    """The code of a revoked document with a long holder's name, whose file was removed:
    the verification page with every line it can show."""
    _document, code = document_issued(
        holder_name="Marie-Claire Vandenbroucke-Dubois",
        revoked_at=timezone.now(),
        revocation_reason="x",
        purged_at=timezone.now(),
    )
    return code


def visits(register, residents) -> list[Visit]:
    an, message = residents["an"], residents["message"]
    chair = residents["chair"]
    superuser = staff_user("root", is_superuser=True, department_code=None)
    staff_session = _session(superuser)
    # The person's record asks why first: give the purpose in the same session.
    staff_client = Client()
    staff_client.cookies[settings.SESSION_COOKIE_NAME] = staff_session
    staff_client.post(
        reverse("admin:registry_person_purpose", args=[register["an"].pk]),
        {"purpose": "audit", "explanation": ""},
    )
    return [
        Visit(
            None,
            [
                reverse("portal:home"),
                reverse("portal:accessibility"),
                reverse("accounts:sign_in"),
                reverse("accounts:sign_in") + "?level=high&next=/mijn/gegevens/",
                reverse("accounts:register"),
                reverse("accounts:sign_in_link", args=["not-a-valid-link"]),
                reverse("messaging:unsubscribe", args=[unsubscribe_token(message)]),
                reverse("staff:sign_in"),
                reverse("demo:mailbox"),
                reverse("demo:sms"),
                reverse("demo:mastodon"),
                reverse("catalog:overview"),
                reverse("catalog:search") + "?q=gezin",
                reverse("catalog:product", args=["attest-gezinssamenstelling"]),
                reverse("catalog:request", args=["attest-gezinssamenstelling"]),
                reverse("eforms:step", args=["sluikstort-melden", 1]),
                reverse("eforms:track"),
                reverse("documents:verify_start"),
                reverse("documents:verify", args=[_verifiable_code()]),
                reverse("documents:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"]),  # unknown
                reverse("news_subscriptions:subscribe_email"),
                reverse("news_subscriptions:subscribe_sms"),
                reverse("news_subscriptions:sent"),
                reverse("news_subscriptions:code"),  # no code waiting: start again
                reverse("news_subscriptions:confirm", args=["x"]),  # a link that does not work
                reverse("news_subscriptions:unsubscribe", args=["x"]),
                "/bestaat-niet/",
            ],
        ),
        Visit(*_anonymous_report()),
        Visit(
            _session(an),
            [
                reverse("portal:my_page"),
                reverse("portal:my_data"),
                reverse("portal:correction_report", args=["given_names"]),
                reverse("portal:contact_preferences"),
                reverse("portal:my_subscriptions"),
                reverse("portal:my_messages"),
                reverse("portal:my_message", args=[message.uuid]),
                reverse("accounts:mandates"),
                reverse("accounts:mandate_revoke", args=[residents["mandate"].pk]),
                reverse("portal:my_organisation"),  # not acting for one: says so
                reverse("eforms:step", args=["bewonerskaart-parkeren", 1]),
                reverse("eforms:kept", args=[residents["draft"].uuid]),
                reverse("portal:draft_remove", args=[residents["draft"].uuid]),
                reverse("eforms:resume", args=["x" * 43]),  # a link that does not work
                reverse("portal:my_requests"),  # leads to My cases
                reverse("portal:my_cases"),
                reverse("portal:my_case", args=[residents["case"].uuid]),
                "/admin/",  # a resident on a staff page
            ],
        ),
        Visit(
            _session(an, acting={"kind": "representation", "id": chair.pk}),
            [
                reverse("portal:my_page"),
                reverse("portal:my_organisation"),
                reverse("portal:my_data"),
                reverse("portal:my_messages"),
            ],
        ),
        Visit(
            _session(residents["visitor"]), [reverse("portal:my_page"), reverse("portal:my_data")]
        ),
        Visit(_session(residents["email_account"], level="low"), [reverse("portal:my_page")]),
        Visit(
            staff_session,
            [
                *staff_pages(register),
                reverse("backoffice:messaging_broadcast", args=[residents["broadcast"].uuid]),
                reverse("backoffice:messaging_cancel", args=[message.uuid]),
                reverse("backoffice:messaging_social"),
                reverse("backoffice:messaging_social_cancel", args=[_social_post().uuid]),
                reverse("backoffice:person_mandates", args=[register["an"].pk]),
                reverse("backoffice:person_history", args=[register["an"].pk]),
                *workflow_pages(),
                reverse("staff:backup_codes"),
            ],
            controls_in_reach=False,
        ),
    ]


def _social_post() -> SocialPost:
    """A post waiting for its next attempt, with the reason of the last one."""
    return SocialPost.objects.create(
        account="mastodon",
        plugin="mastodon",
        text="De kermis begint zaterdag op het marktplein, met de braderie in de winkelstraten.",
        link="https://www.example.be/nieuws/kermis-en-braderie-in-het-centrum",
        language="nl",
        idempotency_key="reflow",
        attempts=2,
        reason="Mastodon 'mastodon': 503 Service Unavailable",
    )


def workflow_pages() -> list[str]:
    """The workflows' pages, for the corrections' workflow (every installation has it)."""
    workflows_ensure()
    workflow = Workflow.objects.order_by("pk").first()
    version = workflow_current(workflow)
    return [
        reverse("backoffice:workflows"),
        reverse("backoffice:workflow", args=[workflow.pk]),
        reverse("backoffice:workflow_upload", args=[workflow.pk]),
        reverse("backoffice:workflow_migrate", args=[workflow.pk]),
        reverse("backoffice:workflow_version_dry_run", args=[version.pk]),
    ]


def _open_with(page, live_server, session: str | None, language: str) -> None:
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.clear_cookies()
    cookies = [
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
    ]
    if session:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}
        )
    page.context.add_cookies(cookies)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_no_page_is_wider_than_a_phone_of_320_px(page, live_server, register, residents, language):
    """And the Content Security Policy refuses nothing on them (an inline style)."""
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.add_init_script(LISTEN_FOR_REFUSALS)
    failures = []
    walked = 0
    for visit in visits(register, residents):
        _open_with(page, live_server, visit.session, language)
        for url in visit.urls:
            response = page.goto(live_server.url + url)
            assert response.status < 500, url
            found = page.evaluate(MEASURE)
            walked += 1
            if found["scrollWidth"] > WIDTH:
                failures.append(
                    f"{url}: {found['scrollWidth']} px wide ({', '.join(found['wide'])})"
                )
            if found["refused"]:
                failures.append(f"{url}: the policy refused {', '.join(found['refused'])}")
            if visit.controls_in_reach and found["outside"]:
                failures.append(f"{url}: out of reach: {', '.join(found['outside'])}")
    assert walked > 70, "too few pages walked"
    assert not failures, "\n".join(failures)


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_the_walk_covers_every_page(register, residents):
    walked = set()
    for visit in visits(register, residents):
        for url in visit.urls:
            match = resolve(url.split("?", 1)[0]) if url != "/bestaat-niet/" else None
            if match is not None and match.url_name:
                walked.add(f"{match.namespace}:{match.url_name}")
    missing = _url_names(get_resolver().url_patterns) - walked - NOT_PAGES.keys()
    assert not missing, f"pages the reflow walk does not visit: {sorted(missing)}"
