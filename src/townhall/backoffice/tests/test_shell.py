"""The back-office shell: every staff page in the staff layout, navigation by the role's
permissions (one per department), the current page marked, the start page's tasks."""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from townhall.accounts.roles import ROLES
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.backoffice.navigation import TASKS, navigation_for
from townhall.backoffice.tests.conftest import staff_of
from townhall.catalog.services import product_create
from townhall.eforms.services import form_examples_load
from townhall.importers.models import ImportRun
from townhall.messaging.models import Broadcast, LetterBatch, MessageTemplate, SocialPost
from townhall.messaging.services import message_send
from townhall.registry.corrections import correction_request_create
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}

SHELL = '<nav class="staff-nav" aria-label="Back office">'
# Back-office URLs that only take a POST (they answer 405 to a GET): no page to draw.
POST_ONLY = {
    "backoffice:import_start",
    "backoffice:messaging_resend",
    "backoffice:messaging_letter_render",
    "backoffice:messaging_letter_posted",
    "backoffice:catalog_product_state",
    "backoffice:news_publication_state",
    "backoffice:form_preview",
    "backoffice:form_version_publish",
    "backoffice:cases_assign",
    "backoffice:case_step",
    "backoffice:case_note",
    "backoffice:case_message",
    "backoffice:case_take",
    "backoffice:case_undo",
    "backoffice:document_batch_retry",
    "backoffice:messaging_social_retry",
}
# The letters as one PDF; a case list as CSV or XLSX.
NOT_HTML = {
    "backoffice:import_report",
    "backoffice:messaging_letter_pdf",
    "backoffice:cases_export",
    "backoffice:case_file",
    "backoffice:case_document",
    "backoffice:workflow_version_download",
    "backoffice:document_batch_pdf",
}


def nav_links(html: str) -> list[tuple[str, str]]:
    """(label, attributes) of each link in the staff navigation."""
    nav = html.split(SHELL, 1)[1].split("</nav>", 1)[0]
    return [
        (" ".join(re.sub(r"<[^>]+>", " ", label).split()), attributes)
        for attributes, label in re.findall(r"<a ([^>]*)>(.*?)</a>", nav, flags=re.S)
    ]


def nav_labels(html: str) -> list[str]:
    return [label for label, _attributes in nav_links(html)]


def current_links(html: str) -> list[str]:
    return [label for label, attributes in nav_links(html) if 'aria-current="page"' in attributes]


# --- Every staff page extends the staff layout ----------------------------------


def test_no_staff_template_extends_the_residents_layout():
    """Back-office templates, and the staff pages reached after the second factor."""
    backoffice = Path(apps.get_app_config("backoffice").path) / "templates"
    staff = Path(apps.get_app_config("accounts").path) / "templates/accounts/staff"
    after_second_factor = [staff / "backup_codes.html"]
    pages = [
        path
        for path in backoffice.rglob("*.html")
        if "{% extends" in path.read_text() and path.name != "base.html"
    ]
    assert len(pages) > 10
    for path in [*pages, *after_second_factor]:
        assert '{% extends "backoffice/base.html" %}' in path.read_text(), path


def _backoffice_url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "backoffice":
            names |= {
                f"backoffice:{p.name}" for p in pattern.url_patterns if isinstance(p, URLPattern)
            }
    return names


@pytest.fixture
def samples(municipality, templates):
    template = MessageTemplate.objects.order_by("pk").first()
    person = PersonFactory()
    return {
        "backoffice:messaging_broadcast": [
            Broadcast.objects.create(template=template, selection_label="Everyone").uuid
        ],
        "backoffice:messaging_person": [person.pk],
        "backoffice:person_mandates": [person.pk],
        "backoffice:person_history": [person.pk],
        # Its confirmation page (the POST cancels).
        "backoffice:messaging_cancel": [
            message_send(recipient=person, template="decision", context=DECISION).uuid
        ],
        "backoffice:messaging_template": [template.code],
        # Its confirmation page (the POST cancels).
        "backoffice:messaging_social_cancel": [
            SocialPost.objects.create(
                account="mastodon",
                plugin="mastodon",
                text="Kermis",
                language="nl",
                idempotency_key="shell",
            ).uuid
        ],
        "backoffice:case": [_correction_case(person).uuid],
        **_document_samples(),
        "backoffice:import_run": [
            ImportRun.objects.create(source="best", file_name="a.csv", checksum="0", scope="all").pk
        ],
        **_workflow_samples(),
        **online_counter_samples(),
        **_news_samples(),
    }


def _news_samples() -> dict:
    """A publication, for its page and its preview."""
    from townhall.news.services import publication_create

    author = staff_user("pieter", department_code="communication")
    publication = publication_create(author=author, title="Shell", audiences=["residents"])
    return {
        "backoffice:news_publication": [publication.pk],
        "backoffice:news_publication_preview": [publication.pk],
        "backoffice:news_publication_reach": [publication.pk],
    }


def _document_samples() -> dict:
    """An issued document, for its page and its revocation's question page."""
    from townhall.documents.models import DocumentBatch
    from townhall.documents.tests.factories import document_issued

    document, _code = document_issued()
    batch = DocumentBatch.objects.create(kind="certificate_of_residence", title="Shell")
    return {
        "backoffice:document": [document.uuid],
        "backoffice:document_revoke": [document.uuid],
        "backoffice:document_batch": [batch.uuid],
    }


def _workflow_samples() -> dict:
    from townhall.cases.models import Workflow
    from townhall.cases.services import workflow_current, workflows_ensure

    workflows_ensure()
    workflow = Workflow.objects.get(key="correction")
    version = workflow_current(workflow)
    return {
        "backoffice:workflow": [workflow.pk],
        "backoffice:workflow_upload": [workflow.pk],
        "backoffice:workflow_migrate": [workflow.pk],
        "backoffice:workflow_version_dry_run": [version.pk],
    }


def _correction_case(person):
    """A case (of a correction request) for the case page."""
    from townhall.cases.services import case_open_for_correction
    from townhall.registry.models import CorrectionRequest

    correction = CorrectionRequest.objects.create(
        person=person, item_key="family_name", item_label="Family name", remark="Typo"
    )
    return case_open_for_correction(correction_request_id=correction.pk)


def online_counter_samples() -> dict:
    """A product and the example forms, for the catalogue's and the forms' pages."""
    product = product_create(
        title="Zaal huren",
        description="Een zaal.",
        product_type="Toelating",
        audiences=["association"],
        themes=["CultuurSportVrijeTijd"],
    )
    version = form_examples_load()[0]
    return {
        "backoffice:catalog_product": [product.pk],
        "backoffice:form_versions": [version.form_id],
        "backoffice:form_edit": [version.form_id],
        "backoffice:form_version": [version.pk],
    }


def test_every_back_office_page_is_drawn_in_the_staff_layout(client, samples):
    LetterBatch.objects.create(day=datetime.date(2026, 1, 5))
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    pages = sorted(_backoffice_url_names() - POST_ONLY - NOT_HTML)
    assert len(pages) >= 8
    for name in pages:
        response = client.get(reverse(name, args=samples.get(name, [])), follow=True)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert SHELL in html, name
        assert '<a class="skip-link" href="#main">' in html, name
        assert '<main id="main"' in html, name
    backup = client.get(reverse("staff:backup_codes")).content.decode()
    assert SHELL in backup


# --- The navigation follows the role --------------------------------------------


@pytest.mark.parametrize("code", sorted(ROLES))
def test_each_role_sees_exactly_the_tasks_its_permissions_open(client, municipality, code):
    user = staff_of(code, ROLES[code].group_name, f"staff-{code}")
    sign_in_verified(client, user)
    labels = nav_labels(client.get(reverse("backoffice:home")).content.decode())
    for task in TASKS:
        shown = any(label.startswith(str(task.label)) for label in labels)
        opens = client.get(task.url()).status_code not in (403, 404)
        assert shown == opens, f"{ROLES[code].group_name}: {task.code} shown={shown}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "citizens_affairs",
            [
                "Start page",
                "Assisted session",
                "Correction requests 0 open",
                "Issued documents",
                "Print batches",
                "Register imports",
                "Cases of the department",
                "My cases",
                "Case figures",
                "Products and services",
                "Online forms",
                "Messages overview",
                "Message log",
                "Letters to print",
                "Message templates",
                "Second factor and backup codes",
            ],
        ),
        (
            "communication",
            [
                "Start page",
                "Products and services",
                "Online forms",
                "News, events and alerts",
                "New announcement",
                "Messages overview",
                "Social media posts",
                "Message templates",
                "Second factor and backup codes",
            ],
        ),
        (
            "ict",
            ["Start page", "Staff accounts", "Sign-in lockouts", "Second factor and backup codes"],
        ),
        (
            "finance",
            [
                "Start page",
                "Cases of the department",
                "My cases",
                "Case figures",
                "Second factor and backup codes",
            ],
        ),
    ],
)
def test_the_navigation_of_a_department(client, municipality, code, expected):
    sign_in_verified(client, staff_of(code, ROLES[code].group_name, f"staff-{code}"))
    assert nav_labels(client.get(reverse("backoffice:home")).content.decode()) == expected


def test_the_header_says_who_and_which_department_and_links_the_admin(client, municipality):
    sign_in_verified(client, staff_of("communication", "Communicatie", "sofie"))
    html = client.get(reverse("backoffice:home")).content.decode()
    header = html.split('<header class="staff-header">', 1)[1].split("</header>", 1)[0]
    assert "Katrien Vanhoutte" in header
    assert "Communicatie" in header
    assert f'href="{reverse("admin:index")}"' in header
    assert f'action="{reverse("staff:sign_out")}"' in header


def test_no_admin_link_without_any_admin_permission(client, municipality):
    # A new colleague without department (so without role) has nothing in the admin.
    sign_in_verified(client, staff_user("nieuw", department_code=None))
    html = client.get(reverse("backoffice:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' not in html
    assert "no department yet" in html
    assert nav_labels(html) == ["Start page", "Second factor and backup codes"]


@pytest.mark.parametrize(
    ("url_name", "args", "current"),
    [
        ("backoffice:home", [], ["Start page"]),
        ("backoffice:assisted_start", [], ["Assisted session"]),
        ("backoffice:messaging_letters", [], ["Letters to print"]),
        ("backoffice:messaging_templates", [], ["Message templates"]),
        ("backoffice:messaging_template", ["decision"], ["Message templates"]),
        ("staff:backup_codes", [], ["Second factor and backup codes"]),
    ],
)
def test_the_current_page_is_marked(client, citizens_affairs, templates, url_name, args, current):
    html = client.get(reverse(url_name, args=args)).content.decode()
    assert current_links(html) == current


# --- The start page ---------------------------------------------------------------


def test_the_start_page_shows_the_departments_tasks_with_counts(client, citizens_affairs):
    for _ in range(2):
        correction_request_create(
            person=PersonFactory(), item_key="family_name", remark="Typo.", reported_by=None
        )
    html = client.get(reverse("backoffice:home")).content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert '<h2 id="area-counter">Counter and register</h2>' in main
    assert "Help a resident at the counter" in main
    assert "2 residents&#x27; reports that their data is not right wait for handling." in main
    assert "You have 0 unused backup codes." in main
    assert "Correction requests 2 open" in nav_labels(html)


def test_the_start_page_and_its_navigation_count_once(
    client, citizens_affairs, django_assert_num_queries
):
    # A first page (the cache still empty): the session, the user, the second factor,
    # the municipality's profile (then kept in the cache), the roles, the user's own
    # and group permissions; the shell's three, the open corrections, the department's
    # open cases and the backup codes left, counted once for the cards and the
    # navigation together (the cases on the start page only); and the
    # session saved (savepoint, update, release), as it was just made. The admin
    # link reads the permissions already loaded.
    with django_assert_num_queries(16):
        assert client.get(reverse("backoffice:home")).status_code == 200


def test_navigation_for_a_superuser_lists_every_task():
    root = staff_user("root", is_superuser=True, department_code=None)
    codes = [entry.task.code for group in navigation_for(user=root) for entry in group.entries]
    assert codes == [task.code for task in TASKS]


def test_a_page_of_another_app_keeps_the_site_layout(client, citizens_affairs):
    # Resident pages are not drawn in the staff layout.
    assert SHELL not in Client().get(reverse("portal:home")).content.decode()
