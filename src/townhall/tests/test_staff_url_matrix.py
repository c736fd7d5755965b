"""Every staff URL, for every demo staff role: only what the role's permissions allow,
and every look at a person in that person's access log (issue 17).

1. The URL configuration is walked (the admin's URLs included); every pattern under
   ``/admin/``, ``/backoffice/`` and ``/medewerker/`` (but the sign-in and second
   factor pages) must be in :data:`TABLE`, which says who may open it and which
   sample persons it shows. A new URL that is not in the table fails the test, so a
   page that shows persons cannot slip in unlogged.
2. The demo's staff accounts (:mod:`townhall.demo.staff`, one per department and the
   administrator; a test each) each sign in with their second factor and GET every URL, built
   with sample objects for its arguments. Allowed: any answer but 403 or the way
   back to the sign-in (a page, a redirect to the purpose page, 404 for a page of
   nothing, 405 for a POST-only action). Refused: 403 (the admin answers 404 for
   an app without any of the role's permissions).
3. Where the table names persons, an allowed role gives the purpose the page asks
   for, opens the page, and each person shown must have a new row in their access
   log, written for this staff member.

To change who may open a page, change its line in :data:`TABLE`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.be import nn

from townhall.accounts.models import User
from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.cases.models import Case
from townhall.cases.services import case_open_for_correction, workflows_ensure
from townhall.catalog.services import product_create
from townhall.demo.municipality import municipality_create
from townhall.demo.staff import demo_sign_ins, staff_create
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.documents.tests.factories import document_issued
from townhall.eforms.services import form_examples_load
from townhall.importers.models import ImportRun
from townhall.messaging.models import (
    Broadcast,
    LetterBatch,
    Message,
    MessageTemplate,
    SocialPost,
)
from townhall.messaging.templates import templates_load
from townhall.news.services import publication_create
from townhall.registry.corrections import CorrectionRequest
from townhall.registry.models import (
    AccessLogEntry,
    HouseholdMembership,
    Person,
    Representative,
)
from townhall.registry.services import access_log_record
from townhall.registry.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
    enterprise_number,
)

pytestmark = pytest.mark.django_db

STAFF_ROUTES = ("admin/", "backoffice/", "medewerker/")
# Signing in is not a staff page: these open before the second factor.
SIGN_IN_PAGES = {
    "admin:login",
    "staff:sign_in",
    "staff:second_factor",
    "staff:setup",
    "staff:backup_codes",
}


# --- Who may open a page -----------------------------------------------------


def perm(*names: str) -> Callable[[User], bool]:
    """Allowed to a staff member who has any of these permissions."""

    def check(user: User) -> bool:
        return any(user.has_perm(name) for name in names)

    check.names = names
    return check


def every_staff(user: User) -> bool:
    return True


def nobody(user: User) -> bool:
    """The admin refuses the page to everyone, superusers included (a read-only log)."""
    return False


def module_perms(app_label: str) -> Callable[[User], bool]:
    return lambda user: user.has_module_perms(app_label)


def _case_handler(user: User) -> bool:
    """May read the sample case: its department's (citizens' affairs) staff who handle
    cases, and superusers."""
    return user.is_superuser or (
        user.has_perm("cases.view_case")
        and user.department is not None
        and user.department.code == "citizens_affairs"
    )


def _document_reader(user: User) -> bool:
    """May read the sample document (of the sample case, citizens' affairs')."""
    return user.is_superuser or (
        user.has_perm("documents.view_issueddocument")
        and user.department is not None
        and user.department.code == "citizens_affairs"
    )


def _address_importer(user: User) -> bool:
    """May read the sample import run, of the addresses (BeST): who may start one."""
    return user.has_perm("importers.start_address_import")


# Pages that answer 404, not 403, to a staff member outside the object's department
# (or, for an import run, without the permission to start an import of its source).
SCOPED_BY_DEPARTMENT = (
    "backoffice:case",
    "backoffice:case_file",
    "backoffice:case_document",
    "backoffice:document",
    "backoffice:import_run",
    "backoffice:import_report",
)


@dataclass(frozen=True)
class Rule:
    """Who may open a page, what it is called with, and which sample persons it shows."""

    allowed: Callable[[User], bool]
    # Sample persons the page shows (their access log must grow), or None: shows none.
    persons: Callable[[dict], list[Person]] | None = None
    kwargs: Callable[[dict], dict] | None = None
    query: Callable[[dict], dict] | None = None
    search_purpose_first: bool = False  # the autocomplete: the page that uses it asks
    skip: str = ""  # why the page is classified but not requested


def _obj(label: str) -> Callable[[dict], dict]:
    return lambda samples: {"object_id": _sample_for(samples, label).pk}


def model_pages(label: str, *, persons=None, person_pages=("change", "history", "delete"), skip=""):
    """The admin's five pages of one model (and its redirect to the change page)."""
    app, model = label.split(".")
    view = perm(f"{app}.view_{model}", f"{app}.change_{model}")
    obj = _obj(label)

    def shows(page):
        return persons if page in person_pages else None

    return {
        f"admin:{app}_{model}_changelist": Rule(view, skip=skip),
        f"admin:{app}_{model}_add": Rule(perm(f"{app}.add_{model}"), shows("add"), skip=skip),
        f"admin:{app}_{model}_change": Rule(view, shows("change"), obj, skip=skip),
        f"admin:{app}_{model}_history": Rule(view, shows("history"), obj, skip=skip),
        f"admin:{app}_{model}_delete": Rule(
            perm(f"{app}.delete_{model}"), shows("delete"), obj, skip=skip
        ),
        # A plain redirect to the change page, which does the checking.
        f"admin/{app}/{model}/<path:object_id>/": Rule(every_staff, kwargs=obj, skip=skip),
    }


def _pk(label: str) -> Callable[[dict], dict]:
    return lambda samples: {"pk": _sample_for(samples, label).pk}


def _person(samples):
    return [samples["registry.person"]]


def _members(samples):
    return [samples["registry.person"], samples["partner"]]


REDIS = "asks the Redis server (no test touches the network); django_rq checks is_staff"
RQ_PAGES = [
    "admin:django_rq_home_json",
    "admin:django_rq_home",
    "admin:django_rq_jobs",
    "admin:django_rq_queue_details",
    "admin:django_rq_finished_jobs",
    "admin:django_rq_failed_jobs",
    "admin:django_rq_delete_failed_jobs",
    "admin:django_rq_scheduled_jobs",
    "admin:django_rq_started_jobs",
    "admin:django_rq_deferred_jobs",
    "admin:django_rq_clear",
    "admin:django_rq_requeue_all",
    "admin:django_rq_job_detail",
    "admin:django_rq_result_detail",
    "admin:django_rq_requeue_job",
    "admin:django_rq_enqueue_job",
    "admin:django_rq_stop_job",
    "admin:django_rq_delete_job",
    "admin:django_rq_confirm_action",
    "admin:django_rq_actions",
    "admin:django_rq_workers",
    "admin:django_rq_worker_details",
    "admin:django_rq_scheduler_jobs",
    "admin:django_rq_cron_scheduler_detail",
    "admin:django_rq_cron_job_detail",
]
PERSON_VIEW = perm("registry.view_person", "registry.change_person")

TABLE: dict[str, Rule] = {
    # The admin site itself.
    "admin:index": Rule(every_staff),
    "admin:logout": Rule(every_staff),  # POST only
    "admin:password_change": Rule(every_staff),
    "admin:password_change_done": Rule(every_staff),
    "admin:jsi18n": Rule(every_staff),
    "admin:app_list": Rule(module_perms("registry"), kwargs=lambda s: {"app_label": "registry"}),
    "admin/(?P<url>.*)$": Rule(every_staff, kwargs=lambda s: {"url": "no-such-page/"}),
    "admin:view_on_site": Rule(
        every_staff,
        kwargs=lambda s: {
            "content_type_id": ContentType.objects.get_for_model(Person).pk,
            "object_id": s["registry.person"].pk,
        },
    ),
    "admin:autocomplete": Rule(
        PERSON_VIEW,
        _person,
        query=lambda s: {
            "app_label": "registry",
            "model_name": "householdmembership",
            "field_name": "person",
            "term": s["registry.person"].email,
        },
        search_purpose_first=True,
    ),
    # Installed only with the Redis Queue backend (TOWNHALL_TASKS_BACKEND=rq).
    **(
        {
            **{name: Rule(every_staff, skip=REDIS) for name in RQ_PAGES},
            **model_pages("django_rq.dashboard", skip=REDIS),
        }
        if django_apps.is_installed("django_rq")
        else {}
    ),
    # Registers.
    **model_pages("registry.person", persons=_person),
    "admin:registry_person_search_purpose": Rule(PERSON_VIEW),
    "admin:registry_person_lookup": Rule(PERSON_VIEW),  # a POST form: the number never in a URL
    # The list's search box (POST): a name goes on to the list, a number opens its record.
    "admin:registry_person_search": Rule(PERSON_VIEW),
    "admin:registry_person_purpose": Rule(PERSON_VIEW, kwargs=_obj("registry.person")),
    "admin:registry_person_reveal": Rule(PERSON_VIEW, kwargs=_obj("registry.person")),
    **model_pages("registry.household", persons=_members),
    "admin:registry_household_purpose": Rule(
        perm("registry.view_household", "registry.change_household"),
        kwargs=_obj("registry.household"),
    ),
    **model_pages("registry.address", persons=_members, person_pages=("delete",)),
    "admin:registry_address_purpose": Rule(
        perm("registry.view_address", "registry.change_address"),
        kwargs=_obj("registry.address"),
    ),
    **model_pages("registry.street"),  # streets and their addresses: nobody's data
    **model_pages("registry.organisation"),
    "admin:registry_organisation_purpose": Rule(
        perm("registry.view_organisation", "registry.change_organisation"),
        kwargs=_obj("registry.organisation"),
    ),
    **model_pages(
        "registry.correctionrequest", persons=_person, person_pages=("change", "history")
    ),
    **model_pages("registry.accesslogentry"),  # persons by register id only
    # Accounts, second factors, sign-in lockouts, identity provider, tasks.
    # Staff accounts only: resident accounts are not in the user admin (accounts/admin.py).
    **model_pages("accounts.user"),
    "admin:auth_user_password_change": Rule(
        perm("accounts.change_user"), kwargs=lambda s: {"id": s["accounts.user"].pk}
    ),
    **model_pages("auth.group"),
    **model_pages("otp_totp.totpdevice"),
    # Shown only for a device not yet confirmed; every sample device is confirmed.
    "admin:otp_totp_totpdevice_config": Rule(
        nobody, kwargs=lambda s: {"pk": s["otp_totp.totpdevice"].pk}
    ),
    "admin:otp_totp_totpdevice_qrcode": Rule(
        nobody, kwargs=lambda s: {"pk": s["otp_totp.totpdevice"].pk}
    ),
    **model_pages("otp_static.staticdevice"),
    **model_pages("axes.accessattempt"),
    **model_pages("axes.accesslog"),
    **model_pages("axes.accessfailurelog"),
    **model_pages("django_tasks_database.dbtaskresult"),
    **model_pages("oauth2_provider.application"),
    **model_pages("oauth2_provider.accesstoken"),
    **model_pages("oauth2_provider.grant"),
    **model_pages("oauth2_provider.idtoken"),
    **model_pages("oauth2_provider.refreshtoken"),
    # The municipality's profile.
    **model_pages("municipality.municipality"),
    **model_pages("municipality.department"),
    # Messaging.
    **model_pages("messaging.messagetemplate"),
    **model_pages("messaging.message", persons=_person),
    "admin:messaging_message_purpose": Rule(
        perm("messaging.view_message"), kwargs=_obj("messaging.message")
    ),
    **model_pages("messaging.letterbatch"),
    # The product catalogue (products are never deleted: withdrawing is the soft state;
    # snapshots are written by the services only).
    **model_pages("catalog.product"),
    **model_pages("catalog.productsnapshot"),
    # The news topics (an editable list; never deleted, retired instead).
    **model_pages("news.newstopic"),
    # The back office.
    "backoffice:home": Rule(every_staff),
    # H1 makes this a permission of the counter roles; change this line with it.
    "backoffice:assisted_start": Rule(perm("accounts.start_assisted_session")),
    "backoffice:messaging_home": Rule(perm("messaging.view_broadcast")),
    "backoffice:messaging_compose": Rule(perm("messaging.add_broadcast")),
    "backoffice:messaging_broadcast": Rule(
        perm("messaging.view_broadcast"), kwargs=lambda s: {"uuid": s["messaging.broadcast"].uuid}
    ),
    "backoffice:messaging_person": Rule(
        perm("messaging.view_message"), _person, lambda s: {"pk": s["registry.person"].pk}
    ),
    "backoffice:person_mandates": Rule(
        perm("accounts.view_mandate"), _person, lambda s: {"pk": s["registry.person"].pk}
    ),
    "backoffice:person_history": Rule(
        perm("registry.view_historicalperson"),
        _person,
        lambda s: {"pk": s["registry.person"].pk},
    ),
    "backoffice:messaging_resend": Rule(
        perm("messaging.change_message"), kwargs=lambda s: {"uuid": s["messaging.message"].uuid}
    ),
    "backoffice:messaging_cancel": Rule(
        perm("messaging.change_message"), kwargs=lambda s: {"uuid": s["messaging.message"].uuid}
    ),
    "backoffice:messaging_social": Rule(perm("messaging.view_socialpost")),
    "backoffice:messaging_social_retry": Rule(
        perm("messaging.change_socialpost"),
        kwargs=lambda s: {"uuid": s["messaging.socialpost"].uuid},
    ),
    "backoffice:messaging_social_cancel": Rule(
        perm("messaging.change_socialpost"),
        kwargs=lambda s: {"uuid": s["messaging.socialpost"].uuid},
    ),
    "backoffice:messaging_letters": Rule(perm("messaging.view_letterbatch")),
    "backoffice:messaging_letter_render": Rule(
        perm("messaging.change_letterbatch"), kwargs=lambda s: {"pk": s["messaging.letterbatch"].pk}
    ),
    "backoffice:messaging_letter_pdf": Rule(
        perm("messaging.view_letterbatch"), kwargs=lambda s: {"pk": s["messaging.letterbatch"].pk}
    ),
    "backoffice:messaging_letter_posted": Rule(
        perm("messaging.change_letterbatch"), kwargs=lambda s: {"pk": s["messaging.letterbatch"].pk}
    ),
    "backoffice:messaging_templates": Rule(perm("messaging.view_messagetemplate")),
    "backoffice:messaging_template": Rule(
        perm("messaging.view_messagetemplate"),
        kwargs=lambda s: {"code": s["messaging.messagetemplate"].code},
    ),
    # The catalogue and the online forms in the back office (the POSTs answer a GET with 405).
    "backoffice:catalog_products": Rule(perm("catalog.view_product")),
    "backoffice:catalog_product": Rule(
        perm("catalog.change_product"), kwargs=_pk("catalog.product")
    ),
    "backoffice:catalog_product_state": Rule(
        perm("catalog.publish_product"), kwargs=_pk("catalog.product")
    ),
    "backoffice:forms": Rule(perm("eforms.view_formdefinition")),
    "backoffice:form_versions": Rule(
        perm("eforms.view_formdefinition"), kwargs=_pk("eforms.formdefinition")
    ),
    "backoffice:form_new": Rule(perm("eforms.add_formdefinition")),
    "backoffice:form_edit": Rule(
        perm("eforms.add_formversion"), kwargs=_pk("eforms.formdefinition")
    ),
    "backoffice:form_preview": Rule(
        perm("eforms.add_formversion"), kwargs=_pk("eforms.formdefinition")
    ),
    "backoffice:form_version": Rule(
        perm("eforms.view_formdefinition"), kwargs=_pk("eforms.formversion")
    ),
    "backoffice:form_version_publish": Rule(
        perm("eforms.change_formversion"), kwargs=_pk("eforms.formversion")
    ),
    # News, events and alerts (publications name no person; the POST answers a GET with 405).
    "backoffice:news_publications": Rule(perm("news.view_publication")),
    "backoffice:news_publication_new": Rule(perm("news.add_publication")),
    "backoffice:news_publication": Rule(
        perm("news.change_publication"), kwargs=_pk("news.publication")
    ),
    "backoffice:news_publication_preview": Rule(
        perm("news.view_publication"), kwargs=_pk("news.publication")
    ),
    "backoffice:news_publication_state": Rule(
        perm("news.change_publication"), kwargs=_pk("news.publication")
    ),
    "backoffice:news_publication_reach": Rule(
        perm("news.view_publication"), kwargs=_pk("news.publication")
    ),
    # Case handling: a case's page shows its applicant; a staff member of another
    # department gets 404 for it (the department scoping rule), as for no such case.
    "backoffice:case": Rule(
        _case_handler,
        lambda s: [s["cases.case"].applicant_person],
        lambda s: {"uuid": s["cases.case"].uuid},
    ),
    "backoffice:case_file": Rule(
        _case_handler,
        kwargs=lambda s: {"uuid": s["cases.case"].uuid, "file_uuid": s["cases.case"].uuid},
    ),
    "backoffice:case_document": Rule(
        _case_handler,
        kwargs=lambda s: {"uuid": s["cases.case"].uuid, "document_uuid": s["cases.case"].uuid},
    ),
    "backoffice:case_step": Rule(
        perm("cases.change_case"), kwargs=lambda s: {"uuid": s["cases.case"].uuid}
    ),
    "backoffice:case_note": Rule(
        perm("cases.change_case"), kwargs=lambda s: {"uuid": s["cases.case"].uuid}
    ),
    "backoffice:case_message": Rule(
        perm("cases.change_case"), kwargs=lambda s: {"uuid": s["cases.case"].uuid}
    ),
    "backoffice:case_undo": Rule(
        perm("cases.change_case"), kwargs=lambda s: {"uuid": s["cases.case"].uuid}
    ),
    "backoffice:case_take": Rule(
        perm("cases.change_case"), kwargs=lambda s: {"uuid": s["cases.case"].uuid}
    ),
    # The inboxes show the applicant of each case listed (every role that reads cases
    # has one of the sample person's, given to its demo member: _inbox_samples).
    "backoffice:cases_inbox": Rule(perm("cases.view_case"), _person),
    "backoffice:cases_mine": Rule(perm("cases.view_case"), _person),
    "backoffice:cases_export": Rule(
        perm("cases.view_case"), _person, query=lambda s: {"format": "csv"}
    ),
    "backoffice:cases_assign": Rule(perm("cases.change_case")),  # POST only
    "backoffice:cases_dashboard": Rule(perm("cases.view_case")),  # counts, no one named
    # The workflows of case handling (references of cases only, no person).
    "backoffice:workflows": Rule(perm("cases.view_workflow")),
    "backoffice:workflow": Rule(perm("cases.view_workflow"), kwargs=_pk("cases.workflow")),
    "backoffice:workflow_upload": Rule(
        perm("cases.add_workflowversion"), kwargs=_pk("cases.workflow")
    ),
    "backoffice:workflow_migrate": Rule(
        perm("cases.add_workflowversion"), kwargs=_pk("cases.workflow")
    ),
    "backoffice:workflow_version_download": Rule(
        perm("cases.view_workflow"), kwargs=_pk("cases.workflowversion")
    ),
    "backoffice:workflow_version_dry_run": Rule(
        perm("cases.view_workflow"), kwargs=_pk("cases.workflowversion")
    ),
    # Issued documents: the list names no holder; a document's page shows its holder; the
    # revocation's question page names the document only.
    "backoffice:documents": Rule(perm("documents.view_issueddocument")),
    "backoffice:document": Rule(
        _document_reader,
        lambda s: [s["documents.issueddocument"].holder],
        lambda s: {"uuid": s["documents.issueddocument"].uuid},
    ),
    "backoffice:document_revoke": Rule(
        perm("documents.revoke_issueddocument"),
        kwargs=lambda s: {"uuid": s["documents.issueddocument"].uuid},
    ),
    # Print batches: the list and a batch's page name nobody (counts only); the PDF to
    # print shows every holder in it.
    "backoffice:document_batches": Rule(perm("documents.view_documentbatch")),
    "backoffice:document_batch_new": Rule(perm("documents.add_documentbatch")),
    "backoffice:document_batch": Rule(
        perm("documents.view_documentbatch"),
        kwargs=lambda s: {"uuid": s["documents.documentbatch"].uuid},
    ),
    "backoffice:document_batch_pdf": Rule(
        perm("documents.view_documentbatch"),
        lambda s: [s["registry.person"]],
        lambda s: {"uuid": s["documents.documentbatch"].uuid},
    ),
    "backoffice:document_batch_retry": Rule(  # POST only
        perm("documents.add_documentbatch"),
        kwargs=lambda s: {"uuid": s["documents.documentbatch"].uuid},
    ),
    # Register imports: the runs name files and counts; the rejected rows' reasons mask
    # national numbers and name no person by the register (no look at a person).
    "backoffice:imports": Rule(perm("importers.view_importrun")),
    "backoffice:import_start": Rule(perm("importers.view_importrun")),  # POST only
    "backoffice:import_run": Rule(_address_importer, kwargs=_pk("importers.importrun")),
    "backoffice:import_report": Rule(_address_importer, kwargs=_pk("importers.importrun")),
    # Staff pages outside the second-factor flow that are not sign-in pages.
    "staff:sign_out": Rule(every_staff),  # POST only
    "staff:assisted_end": Rule(every_staff),  # POST only
}


# Pages the admin refuses to everyone, superusers included: the logs are written by
# the code, never by hand.
REFUSED_TO_ALL = (
    "registry_correctionrequest_add",
    "registry_correctionrequest_delete",
    "registry_accesslogentry_add",
    "registry_accesslogentry_delete",
    "axes_accessattempt_add",
    "axes_accesslog_add",
    "axes_accessfailurelog_add",
    "django_tasks_database_dbtaskresult_add",
    "django_tasks_database_dbtaskresult_delete",
    "oauth2_provider_accesstoken_add",
    "oauth2_provider_accesstoken_delete",
    "oauth2_provider_grant_add",
    "oauth2_provider_idtoken_add",
    "oauth2_provider_refreshtoken_add",
    "oauth2_provider_refreshtoken_delete",
    "messaging_message_add",
    "messaging_message_delete",
    "messaging_letterbatch_add",
    "messaging_letterbatch_delete",
    "catalog_product_delete",
    "catalog_productsnapshot_add",
    "catalog_productsnapshot_delete",
    "news_newstopic_delete",
)
for _name in REFUSED_TO_ALL:
    TABLE[f"admin:{_name}"] = replace(TABLE[f"admin:{_name}"], allowed=nobody)


# --- The walk ------------------------------------------------------------------


def staff_patterns(resolver=None, route="", namespace=""):
    """Every staff pattern as (key, pattern): the name with its namespace, or the route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from staff_patterns(entry, route + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = route + str(entry.pattern)
            if not full.startswith(STAFF_ROUTES):
                continue
            key = f"{namespace}{entry.name}" if entry.name else _unnamed_key(full)
            if key not in SIGN_IN_PAGES:
                yield key, entry


def _unnamed_key(route: str) -> str:
    # The admin's redirect of each model, keyed by its route without the app prefix.
    return route


def url_for(key: str, rule: Rule, samples: dict) -> str:
    kwargs = rule.kwargs(samples) if rule.kwargs else {}
    if key == "admin/(?P<url>.*)$":
        return f"/admin/{kwargs['url']}"
    if key.startswith("admin/"):  # the admin's unnamed redirect of each model
        return "/" + key.replace("<path:object_id>", str(kwargs["object_id"]))
    return reverse(key, kwargs=kwargs)


def test_every_staff_url_is_in_the_table():
    found = {key for key, _pattern in staff_patterns()}
    missing = sorted(found - TABLE.keys())
    assert not missing, f"classify these staff URLs in TABLE: {missing}"
    gone = sorted(TABLE.keys() - found)
    assert not gone, f"TABLE names URLs that no longer exist: {gone}"


# --- Sample objects --------------------------------------------------------------


def _samples() -> tuple[dict, dict[str, User]]:
    _municipality, departments = municipality_create(enterprise_number=enterprise_number(2074361))
    users = staff_create(departments=departments)
    person = PersonFactory(email="lotte.matrix@example.org", family_name="Matrixtest")
    household = HouseholdFactory(address=AddressFactory(), reference_person=person)
    partner = PersonFactory()
    HouseholdMembership.objects.create(
        household=household,
        person=partner,
        relation=HouseholdMembership.Relation.PARTNER,
        start_date=datetime.date(2020, 1, 1),
    )
    for member in (person, partner):
        member.domicile = household.address
        member.save(update_fields=["domicile"])
    organisation = OrganisationFactory()
    Representative.objects.create(
        organisation=organisation,
        person=person,
        role=Representative.Role.CHAIR,
        start_date=datetime.date(2020, 1, 1),
    )
    correction = CorrectionRequest.objects.create(
        person=person, item_key="family_name", item_label="Family name", remark="Typo"
    )
    entry = access_log_record(
        actor=users["burgerzaken"], person=person, action=AccessLogEntry.Action.VIEW, purpose="x"
    )
    templates = templates_load()
    template = MessageTemplate.objects.order_by("pk").first()
    broadcast = Broadcast.objects.create(
        template=template, selection_label="Everyone", created_by=users["communicatie"]
    )
    message = Message.objects.create(
        person=person, recipient_name=person.full_name, template=template
    )
    batch = LetterBatch.objects.create(day=datetime.date(2026, 1, 5))
    form_examples_load()  # the online forms, and a product of the catalogue
    product_create(
        title="Attest gezinssamenstelling",
        description="Wie er bij u woont.",
        product_type="Bewijs",
        audiences=["resident"],
        themes=["BurgerOverheid"],
        publish=True,
    )
    publication = publication_create(
        author=users["communicatie"], title="Wegenwerken", audiences=["residents"]
    )
    workflows_ensure()  # a workflow per online product, and the corrections'
    case = case_open_for_correction(correction_request_id=correction.pk)
    _inbox_samples(case=case, users=users)
    document, _code = document_issued(holder=person, holder_name=person.full_name, case=case)
    print_batch = DocumentBatch.objects.create(
        kind="certificate_of_residence",
        title="Matrix",
        holders=[person.pk],
        total=1,
        done=1,
        issued=1,
        state=DocumentBatch.State.DONE,
    )
    print_batch.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    IssuedDocument.objects.filter(pk=document.pk).update(batch=print_batch)
    import_run = ImportRun.objects.create(
        source="best", file_name="openaddress-bevlg.csv", checksum="0" * 64, scope="all"
    )
    samples = {
        "news.publication": publication,
        "importers.importrun": import_run,
        "documents.issueddocument": document,
        "documents.documentbatch": print_batch,
        "cases.case": case,
        "registry.person": person,
        "partner": partner,
        "registry.household": household,
        "registry.address": household.address,
        "registry.street": household.address.street,
        "registry.organisation": organisation,
        "registry.correctionrequest": correction,
        "registry.accesslogentry": entry,
        "accounts.user": users["ict"],
        "otp_totp.totpdevice": TOTPDevice.objects.first(),
        "messaging.messagetemplate": template,
        "messaging.broadcast": broadcast,
        "messaging.message": message,
        "messaging.letterbatch": batch,
        "messaging.socialpost": SocialPost.objects.create(
            account="mastodon",
            plugin="mastodon",
            text="Matrix",
            language="nl",
            idempotency_key="matrix",
            state=SocialPost.State.FAILED,
        ),
        "templates": templates,
    }
    return samples, users


def _inbox_samples(*, case, users: dict[str, User]) -> None:
    """A case of the sample person for every staff member who reads cases, in their
    department (the administrator's in the sample case's), given to them."""
    for n, user in enumerate(users.values(), start=1):
        if not user.has_perm("cases.view_case"):
            continue
        Case.objects.create(
            reference=f"MX-2026-{n:06d}",
            workflow_version=case.workflow_version,
            applicant_person=case.applicant_person,
            language="nl",
            department=user.department or case.department,
            assignee=user,
            due_on=datetime.date(2026, 12, 31),
        )


class _Missing:
    """A sample for a model the test has no row of: the admin's pages say "not found"."""

    pk = 999999


def _sample_for(samples: dict, key: str):
    return samples.get(key) or _first_of(key)


def _first_of(label: str):
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return _Missing()
    return model.objects.order_by("pk").first() or _Missing()


# --- The matrix ------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    client.cookies["django_language"] = "en"
    return client


def _give_purpose(client: Client, url: str):
    return client.post(url, {"purpose": "audit", "explanation": ""})


def _open(client: Client, url: str, query: dict):
    """GET the page; when it asks a purpose first, give one and GET it again."""
    response = client.get(url, query)
    location = response.get("Location", "")
    if response.status_code == 302 and "/purpose/" in location:
        given = _give_purpose(client, location)
        return client.get(given["Location"]) if given.status_code == 302 else given
    templates = {t.name for t in getattr(response, "templates", [])}
    if response.status_code == 200 and "backoffice/messaging/purpose.html" in templates:
        _give_purpose(client, url)
        return client.get(url, query)
    return response


def _refused(response) -> bool:
    location = response.get("Location", "")
    sign_in = (reverse("staff:sign_in"), reverse("staff:second_factor"), reverse("admin:login"))
    return response.status_code == 403 or (
        response.status_code == 302 and location.startswith(sign_in)
    )


def _not_found(response) -> bool:
    """The admin's "no such object" (for a model the test has no row of): shows nothing."""
    return response.status_code == 302 and response.get("Location") == reverse("admin:index")


def _refused_as_404(key: str, status: int) -> bool:
    # The admin answers "no such app" for an app in which the role has no permission;
    # a case is not found outside its department.
    return status == 404 and (key == "admin:app_list" or key in SCOPED_BY_DEPARTMENT)


@pytest.mark.slow
@pytest.mark.parametrize("username", [sign_in.username for sign_in in demo_sign_ins()])
def test_every_role_opens_only_what_it_may_and_every_look_is_logged(username):
    everything, users = _samples()
    user = users[username]
    problems = []
    client = _signed_in(user)
    for key, rule in TABLE.items():
        if rule.skip:
            continue
        url = url_for(key, rule, everything)
        query = rule.query(everything) if rule.query else {}
        allowed = rule.allowed(user)
        if rule.search_purpose_first and allowed:
            _give_purpose(client, reverse("admin:registry_person_search_purpose"))
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        response = _open(client, url, query) if allowed and rule.persons else client.get(url, query)
        status = response.status_code
        if status >= 500:
            problems.append(f"{username} {key}: {status}")
        elif allowed and _refused(response):
            problems.append(f"{username} may open {key} but got {status}")
        elif not allowed and not (
            _refused(response) or _refused_as_404(key, status) or _not_found(response)
        ):
            problems.append(f"{username} may not open {key} but got {status}")
        elif allowed and rule.persons and status == 200:
            logged = set(
                AccessLogEntry.objects.filter(actor=user, pk__gt=before or 0).values_list(
                    "person_id", flat=True
                )
            )
            unlogged = [p for p in rule.persons(everything) if p.pk not in logged]
            if unlogged:
                problems.append(f"{username} {key}: no access-log row for {unlogged}")
        elif allowed and rule.persons:
            problems.append(f"{username} {key}: the page never opened ({status})")
    assert not problems, "\n".join(problems)


# --- Found by the matrix: the number pages were open to every staff member ----------


def test_a_role_without_person_permissions_cannot_reveal_or_look_up(client):
    user = staff_user("wouter", department_code="environment")  # addresses, organisations
    staff_role_assign(user=user)
    sign_in_verified(client, user)
    person = PersonFactory()
    number = person.reveal_national_number()
    reveal = client.post(
        reverse("admin:registry_person_reveal", args=[person.pk]), {"purpose": "audit"}
    )
    assert reveal.status_code == 403
    assert nn.format(number) not in reveal.content.decode()
    found = client.post(
        reverse("admin:registry_person_lookup"), {"national_number": number, "purpose": "audit"}
    )
    assert found.status_code == 403
    household = HouseholdFactory()
    for name, obj in (
        ("registry_person_purpose", person),
        ("registry_household_purpose", household),
    ):
        assert client.get(reverse(f"admin:{name}", args=[obj.pk])).status_code == 403
    assert AccessLogEntry.objects.count() == 0
