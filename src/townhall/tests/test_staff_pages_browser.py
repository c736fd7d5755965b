"""Every staff page in a real browser, at phone and desktop width, with axe-core.

Staff are people too: WCAG 2.1 AA applies to them, with the same rule as for
resident pages (:func:`~townhall.tests.accessibility.assert_no_axe_violations`).
A verified superuser visits the admin index, every registered model's list, its
add page and the change page of a real object (after giving the purpose where a
record asks for it), the purpose page, the back-office pages, and the 403 and
404 pages as staff see them.

Left out: the Redis queue dashboard (``/admin/django_rq/``), whose pages read
the Redis server itself rather than the test database (see
``test_hostile_input``).
"""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.tests.staff import department, sign_in_verified, staff_user
from townhall.backoffice.tests.test_messaging_browser import carry_session
from townhall.cases.models import Case, WorkflowVersion
from townhall.cases.services import workflows_ensure
from townhall.catalog.models import Product
from townhall.catalog.services import product_create
from townhall.documents.models import DocumentBatch
from townhall.documents.tests.factories import document_issued
from townhall.eforms.models import FormVersion
from townhall.eforms.services import form_examples_load
from townhall.importers.models import ImportRun
from townhall.messaging.services import message_send
from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.news.services import publication_create
from townhall.registry.models import HouseholdMembership
from townhall.registry.services import household_add_member, household_create, organisation_create
from townhall.registry.tests.factories import AddressFactory, PersonFactory
from townhall.tests.accessibility import (
    HEIGHT,
    WIDTHS,
    assert_no_axe_violations_at_every_width,
    axe_reports_at_every_width,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEFT_OUT_APPS = {"django_rq"}


@pytest.fixture
def register():
    """A household of two, an association, two messages (one a letter), a document."""
    municipality_for_tests()
    templates = templates_load()
    home = AddressFactory(street_name="Kerkstraat", house_number="12")
    an = PersonFactory(given_names="An", family_name="Claeys", domicile=home, email="an@x.org")
    jef = PersonFactory(given_names="Jef", family_name="Maes", domicile=home)
    on = datetime.date(2026, 1, 1)
    household = household_create(address=home, reference_person=an, start_date=on)
    household_add_member(
        household=household,
        person=jef,
        relation=HouseholdMembership.Relation.PARTNER,
        start_date=on,
    )
    organisation_create(name="Wielerclub De Spurters", kind="association", vcode="V0001060")
    context = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
    message_send(recipient=an, template="decision", context=context)
    # The online counter's staff pages: the example forms and a product to edit.
    form_examples_load()
    product_create(
        title="Zaal huren",
        description="Een zaal voor uw feest.",
        product_type="Toelating",
        audiences=["association"],
        themes=["CultuurSportVrijeTijd"],
    )
    inbox_case_for(an)
    # The website's publications: an alert whose SMS is too long (the warning shows).
    publication = publication_create(
        author=staff_user("pieter", department_code="communication"),
        kind="alert",
        title="Wegenwerken Kerkstraat",
        ends_at=timezone.now() + datetime.timedelta(days=3),
        sms_text="De Kerkstraat is afgesloten. " * 12,
        audiences=["residents"],
    )
    document, _code = document_issued(holder=an, holder_name=an.full_name)
    # A print batch half made (its page refreshes itself) and an import run with its counts.
    batch = DocumentBatch.objects.create(
        kind="certificate_of_residence",
        title="Bewijs van woonst Kerkstraat",
        holders=[an.pk, jef.pk],
        total=2,
        done=1,
        issued=1,
        state=DocumentBatch.State.RUNNING,
    )
    run = ImportRun.objects.create(
        source="best",
        file_name="openaddress-bevlg.csv",
        checksum="0" * 64,
        scope="all",
        status=ImportRun.Status.COMPLETED,
        counts={"addresses": {"read": 7, "created": 5, "rejected": 2}},
    )
    return {
        "an": an,
        "household": household,
        "template": templates[0],
        "document": document,
        "batch": batch,
        "run": run,
        "publication": publication,
    }


def inbox_case_for(person) -> None:
    """A case of ``person``, overdue, so that the inboxes have a row to show."""
    workflows_ensure()
    Case.objects.create(
        # Out of the range the walk's own submissions take their references from.
        reference="COR-2026-900001",
        workflow_version=WorkflowVersion.objects.order_by("pk").first(),
        applicant_person=person,
        language="nl",
        department=department("citizens_affairs"),
        task_label="Aanvraag beoordelen",
        due_on=datetime.date.today() - datetime.timedelta(days=1),
    )


def staff_pages(register) -> list[str]:
    """The admin index, each model's list, add and change page, and the back office."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label in LEFT_OUT_APPS:
            continue
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        pages.append(reverse(f"{name}_add"))  # a 403 page where adding is not allowed
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{name}_change", args=[first.pk]))
    an = register["an"]
    pages += [
        reverse("admin:registry_person_purpose", args=[an.pk]),
        reverse("admin:registry_person_lookup"),
        reverse("admin:app_list", args=["registry"]),
        reverse("backoffice:home"),
        reverse("backoffice:assisted_start"),
        reverse("backoffice:messaging_home"),
        reverse("backoffice:messaging_compose"),
        reverse("backoffice:messaging_person", args=[an.pk]),
        reverse("backoffice:messaging_letters"),
        reverse("backoffice:messaging_templates"),
        reverse("backoffice:messaging_template", args=[register["template"].code]),
        *online_counter_pages(),
        reverse("backoffice:cases_inbox"),
        reverse("backoffice:cases_inbox") + "?status=closed&product=x",  # says what it skips
        reverse("backoffice:cases_mine"),
        reverse("backoffice:cases_dashboard"),
        *[reverse("backoffice:case", args=[c.uuid]) for c in Case.objects.order_by("pk")[:1]],
        reverse("backoffice:documents"),
        reverse("backoffice:document", args=[register["document"].uuid]),
        reverse("backoffice:document_revoke", args=[register["document"].uuid]),
        reverse("backoffice:document_batches"),
        reverse("backoffice:document_batch_new"),
        reverse("backoffice:document_batch", args=[register["batch"].uuid]),
        reverse("backoffice:imports"),
        reverse("backoffice:import_run", args=[register["run"].pk]),
        reverse("backoffice:news_publications"),
        reverse("backoffice:news_publication_new"),
        reverse("backoffice:news_publication", args=[register["publication"].pk]),
        reverse("backoffice:news_publication_preview", args=[register["publication"].pk]),
        reverse("backoffice:news_publication_reach", args=[register["publication"].pk]),
        "/admin/bestaat-niet/",  # 404 as staff see it
    ]
    return list(dict.fromkeys(pages))


def online_counter_pages() -> list[str]:
    """The catalogue's and the forms' pages, for the first product and form version."""
    product = Product.objects.order_by("pk").first()
    version = FormVersion.objects.order_by("pk").first()
    return [
        reverse("backoffice:catalog_products"),
        reverse("backoffice:catalog_product", args=[product.pk]),
        reverse("backoffice:forms"),
        reverse("backoffice:form_new"),
        reverse("backoffice:form_versions", args=[version.form_id]),
        reverse("backoffice:form_edit", args=[version.form_id]),
        reverse("backoffice:form_version", args=[version.pk]),
    ]


@pytest.fixture
def superuser_page(page, live_server, register):
    client = Client()
    user = staff_user("root", is_superuser=True, department_code=None)
    sign_in_verified(client, user)
    # The person's record asks why first: give the purpose in the same session.
    an = register["an"]
    client.post(
        reverse("admin:registry_person_purpose", args=[an.pk]),
        {"purpose": "audit", "explanation": ""},
    )
    carry_session(page, live_server, client)
    return page


# The walk in parts, one test each, so that the test processes share it.
PARTS = 4


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_every_staff_page_passes_axe_at_both_widths(superuser_page, live_server, register, part):
    """Each page is loaded once and checked at phone width, then resized to desktop
    width and checked again (the same result as loading it at each width: no staff
    page's script looks at the width, the style sheets do, and they follow a resize)."""
    page = superuser_page
    pages = staff_pages(register)
    assert len(pages) > 40, "too few staff pages found"
    failures = []
    for url in pages[part::PARTS]:
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        response = page.goto(live_server.url + url)
        assert response.status < 500, url
        assert "/medewerker/" not in page.url, f"{url} sent the staff member to sign in again"
        failures += axe_reports_at_every_width(page, url)
    assert not failures, "\n\n".join(failures)


def test_the_403_page_a_staff_member_gets_passes_axe(page, live_server, register):
    client = Client()
    sign_in_verified(client, staff_user("sofie", department_code="communication"))
    carry_session(page, live_server, client)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    response = page.goto(live_server.url + "/admin/accounts/user/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "You may not open this page"
    assert_no_axe_violations_at_every_width(page, "the 403 page")
