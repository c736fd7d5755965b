"""Roles per department: one Django group per department, with its model permissions.

1. :data:`ROLES` says, per department code, the group's (Dutch) name and the
   permissions ``app_label.codename`` its members get.
2. :func:`roles_sync` creates or updates the groups so that they hold exactly
   those permissions. It runs after every ``migrate`` (see ``AccountsConfig``),
   so every installation has the roles, and running it twice changes nothing.
3. :func:`staff_role_assign` puts a staff member in the group of their
   department (and out of the other role groups).

A permission only opens a page to a staff member whose session passed the
second factor (:mod:`townhall.accounts.second_factor`). Groups that are not
roles (made by hand in the admin) are left alone. Changing a role's
permissions by hand in the admin does not last: the next ``migrate`` puts
this table back.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

from townhall.accounts.models import User

VIEW_CHANGE = ("view", "change")
START_ASSISTED_SESSION = "accounts.start_assisted_session"
# townhall.messaging.broadcasts.URGENT_PERMISSION; checked there as well.
SEND_URGENT_BROADCAST = "messaging.send_urgent_broadcast"
# The back office's catalogue and form editor (townhall.backoffice.catalog_views, form_views).
EDIT_PRODUCT = "catalog.change_product"
PUBLISH_PRODUCT = "catalog.publish_product"
# A form version's content never changes: saving an edit adds a version, and the one
# change a version ever gets is being published. So "add" is editing a form and
# "change" is publishing a version; no custom permission is needed for either.
VIEW_FORMS = "eforms.view_formdefinition"
EDIT_FORM = "eforms.add_formversion"
CREATE_FORM = "eforms.add_formdefinition"
PUBLISH_FORM = "eforms.change_formversion"
MANAGE = ("view", "add", "change")
# Case handling (townhall.cases): a department's inbox and its cases, and doing their
# tasks; "change" also gives a case to a colleague. Workflow models are uploaded by
# whoever may add a workflow version (the secretariat, which owns the processes).
VIEW_CASES = "cases.view_case"
HANDLE_CASES = "cases.change_case"
CASE_HANDLING = (VIEW_CASES, HANDLE_CASES)
VIEW_WORKFLOWS = "cases.view_workflow"
UPLOAD_WORKFLOW = "cases.add_workflowversion"
# Issued documents (townhall.documents): the list and a document's page, and revoking one.
VIEW_DOCUMENTS = "documents.view_issueddocument"
REVOKE_DOCUMENT = "documents.revoke_issueddocument"
# Print batches of documents (a campaign's letters): follow and print them, start one.
VIEW_DOCUMENT_BATCHES = "documents.view_documentbatch"
ADD_DOCUMENT_BATCH = "documents.add_documentbatch"
# Imports of the authentic sources from the back office (townhall.importers.sources):
# the run pages, and starting an import of one source. Citizens' affairs keeps the
# address and population registers; the enterprises (KBO) go to the secretariat,
# which keeps the municipality's data and its processes (there is no economy role).
VIEW_IMPORT_RUNS = "importers.view_importrun"
START_ADDRESS_IMPORT = "importers.start_address_import"
START_POPULATION_IMPORT = "importers.start_population_import"
START_ENTERPRISE_IMPORT = "importers.start_enterprise_import"
# The municipality's posts on its social media accounts (townhall.messaging.social):
# the list, and trying a failed post again or stopping one that waits.
VIEW_SOCIAL_POSTS = "messaging.view_socialpost"
CHANGE_SOCIAL_POSTS = "messaging.change_socialpost"
# News, events and alerts (townhall.news, townhall.backoffice.news_views): the list,
# writing a draft and submitting it for review, and publishing or withdrawing one.
VIEW_PUBLICATIONS = "news.view_publication"
ADD_PUBLICATION = "news.add_publication"
EDIT_PUBLICATION = "news.change_publication"
PUBLISH_PUBLICATION = "news.publish_publication"


def _perms(app_label: str, model: str, actions=("view",)) -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in actions)


@dataclass(frozen=True)
class Role:
    """A department's role: the group's name and the permissions of its members."""

    department_code: str
    group_name: str
    permissions: tuple[str, ...]


ROLES: dict[str, Role] = {
    role.department_code: role
    for role in (
        Role(
            "citizens_affairs",
            "Burgerzaken",  # population register, civil status, the counter
            (
                *_perms("registry", "person", VIEW_CHANGE),
                *_perms("registry", "household", VIEW_CHANGE),
                *_perms("registry", "householdmembership", VIEW_CHANGE),
                *_perms("registry", "address", VIEW_CHANGE),
                *_perms("registry", "street", VIEW_CHANGE),
                *_perms("registry", "accesslogentry"),
                # The register's history (a person's page "History"): personal data too,
                # read by the department that keeps the population register only.
                *_perms("registry", "historicalperson"),
                *_perms("registry", "correctionrequest", VIEW_CHANGE),
                *_perms("registry", "organisation"),
                *_perms("registry", "representative"),
                *_perms("accounts", "mandate"),
                # The counter: help the resident in front of them through the online
                # counter, signed in as that resident (see townhall.accounts.assisted).
                # No other role serves residents with their own affairs at a counter:
                # the library's desk helps with courses and computers, where residents
                # sign in themselves with their eID.
                START_ASSISTED_SESSION,
                # Messaging: read a person's messages, send one again or stop it, letters.
                *_perms("messaging", "message", VIEW_CHANGE),
                *_perms("messaging", "broadcast"),
                *_perms("messaging", "letterbatch", VIEW_CHANGE),
                *_perms("messaging", "messagetemplate"),
                # The product catalogue: read what the counter offers, and the forms
                # residents fill in (to help them with one), without changing either.
                *_perms("catalog", "product"),
                *_perms("eforms", "formdefinition"),
                *_perms("eforms", "formversion"),
                # Its cases: corrections of the register, address changes, certificates.
                *CASE_HANDLING,
                # The documents the municipality issued (certificates, permits): read
                # them and revoke one that no longer holds (the issuing desk).
                VIEW_DOCUMENTS,
                REVOKE_DOCUMENT,
                # Print batches: many documents issued at once for a campaign, on paper.
                VIEW_DOCUMENT_BATCHES,
                ADD_DOCUMENT_BATCH,
                # The registers it keeps, from their authentic sources: BeST, the
                # population register's export.
                VIEW_IMPORT_RUNS,
                START_ADDRESS_IMPORT,
                START_POPULATION_IMPORT,
            ),
        ),
        Role(
            "communication",
            "Communicatie",  # website, news, opening hours; reads the register, never changes it
            (
                *_perms("registry", "person"),
                *_perms("registry", "organisation"),
                *_perms("registry", "address"),
                *_perms("registry", "street"),
                *_perms("municipality", "municipality", VIEW_CHANGE),
                *_perms("municipality", "openinghours", (*MANAGE, "delete")),
                *_perms("municipality", "department"),
                # Messaging: write and send announcements, keep the message templates.
                *_perms("messaging", "broadcast", ("view", "add")),
                # An urgent warning (storm, water cut) whose text messages also go
                # during the SMS quiet hours: the department that writes the alerts.
                SEND_URGENT_BROADCAST,
                *_perms("messaging", "messagetemplate", MANAGE),
                *_perms("messaging", "templatetext", (*MANAGE, "delete")),
                # Its posts on the municipality's social media accounts: follow them,
                # try a failed one again, stop one that waits.
                VIEW_SOCIAL_POSTS,
                CHANGE_SOCIAL_POSTS,
                # The product catalogue (the website's products, kept in LPDC too): write,
                # publish and withdraw products, read their snapshots.
                *_perms("catalog", "product", MANAGE),
                PUBLISH_PRODUCT,
                *_perms("catalog", "productsnapshot"),
                # The online forms of those products: a new version of a form, and
                # publishing it. The department that keeps the catalogue keeps its forms.
                *_perms("eforms", "formdefinition", ("view", "add")),
                *_perms("eforms", "formversion", ("view", "add", "change")),
                # The website's news, events and alerts: write, review, publish, withdraw.
                VIEW_PUBLICATIONS,
                ADD_PUBLICATION,
                EDIT_PUBLICATION,
                PUBLISH_PUBLICATION,
                # The list of news topics (an editable list, kept in the admin).
                *_perms("news", "newstopic", MANAGE),
            ),
        ),
        Role(
            "leisure_library",
            "Vrije tijd en bibliotheek",  # associations, courses, the library
            (
                *_perms("registry", "organisation", MANAGE),
                *_perms("registry", "organisationaddress", MANAGE),
                *_perms("registry", "representative", MANAGE),
                *_perms("registry", "address"),
                *_perms("registry", "street"),
                *CASE_HANDLING,  # room bookings, subsidies, course registrations
                # The library's computer courses, their sessions and registrations at
                # the desk and by phone (docs/courses.md; the pages come next).
                *_perms("courses", "course", MANAGE),
                *_perms("courses", "session", MANAGE),
                *_perms("courses", "registration", MANAGE),
            ),
        ),
        Role(
            "environment",
            "Omgeving",  # permits, public domain, environment
            (
                *_perms("registry", "address"),
                *_perms("registry", "street"),
                *_perms("registry", "organisation"),
                *CASE_HANDLING,  # event permits, public domain, reports of dumping
            ),
        ),
        Role(
            "finance",
            "Financiën",  # invoices, taxes, payments
            (
                *_perms("registry", "organisation"),
                *_perms("registry", "address"),
                *_perms("registry", "street"),
                *CASE_HANDLING,  # resident parking cards
            ),
        ),
        Role(
            "secretariat",
            "Secretariaat",  # general director, council, data protection officer
            (
                *_perms("registry", "organisation"),
                *_perms("registry", "accesslogentry"),
                *_perms("accounts", "activityrecord"),
                *_perms("municipality", "municipality"),
                *_perms("municipality", "department"),
                # The processes: read every workflow, upload a new version, move running
                # cases to it (townhall.cases.uploads); not the cases themselves.
                VIEW_WORKFLOWS,
                *_perms("cases", "workflowversion", ("view", "add")),
                # The organisations register from the KBO open data.
                VIEW_IMPORT_RUNS,
                START_ENTERPRISE_IMPORT,
            ),
        ),
        Role(
            "ict",
            "ICT",  # staff accounts, departments, second factors, sign-in lockouts
            (
                *_perms("accounts", "user", MANAGE),
                *_perms("auth", "group"),
                *_perms("municipality", "department", MANAGE),
                *_perms("otp_totp", "totpdevice", ("view", "delete")),
                *_perms("otp_static", "staticdevice", ("view", "delete")),
                *_perms("axes", "accessattempt", ("view", "delete")),
                *_perms("axes", "accesslog"),
            ),
        ),
    )
}


def role_for_department(code: str | None) -> Role | None:
    return ROLES.get(code or "")


def _permission_objects(role: Role, *, using: str) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in role.permissions}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using)
        .filter(content_type__app_label__in={label for label, _c in wanted})
        .select_related("content_type")
    }
    missing = sorted(f"{label}.{code}" for label, code in wanted - found.keys())
    if missing:
        raise ImproperlyConfigured(
            f"The role {role.group_name!r} names permissions that do not exist: "
            f"{', '.join(missing)}."
        )
    return [found[key] for key in sorted(wanted)]


def _ensure_permissions(*, using: str) -> None:
    # post_migrate runs app by app; apps listed after accounts may not have
    # their permissions yet when this runs, so make them now (idempotent).
    labels = {name.split(".", 1)[0] for role in ROLES.values() for name in role.permissions}
    for label in labels:
        create_permissions(
            global_apps.get_app_config(label), verbosity=0, using=using, apps=global_apps
        )


@transaction.atomic
def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Create or update every role's group with exactly its permissions. Idempotent."""
    _ensure_permissions(using=using)
    groups = {}
    for code, role in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.group_name)
        group.permissions.set(_permission_objects(role, using=using))
        groups[code] = group
    return groups


def roles_sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` receiver of the accounts app."""
    roles_sync(using=using)


@transaction.atomic
def staff_role_assign(*, user: User) -> Group | None:
    """Give a staff member the group of their department, and no other role's group.

    Groups that are not roles stay. A resident account never gets a role.
    Returns the role's group, or None when the department has no role.
    """
    role_names = {role.group_name for role in ROLES.values()}
    user.groups.remove(*Group.objects.filter(name__in=role_names))
    if user.is_resident or user.department is None:
        return None
    role = role_for_department(user.department.code)
    if role is None:
        return None
    group, _created = Group.objects.get_or_create(name=role.group_name)
    if not group.permissions.exists():
        group = roles_sync()[role.department_code]
    user.groups.add(group)
    return group
