"""The back office's navigation: one declaration of the staff tasks and who may do them.

1. :data:`AREAS` are the areas of work the navigation is grouped by (the counter
   and the register, messages, staff and sign-in, your own account).
2. :data:`TASKS` lists every task once: its area, its label and a short
   description for the start page, the page it opens, the one permission it needs
   (the same permission the page itself checks; ``None`` for what every staff
   member may do) and, where it is cheap, a count to show beside it.
3. :func:`navigation_for` keeps the tasks the staff member's role allows, grouped
   by area, and marks the one of the page being shown. The staff layout
   (``backoffice/base.html``, through the ``staff_navigation`` tag) and the
   back-office home both draw from it, so a department's navigation follows from
   its role in :mod:`townhall.accounts.roles` and never from if-chains in templates.

To offer a new task, add a line to :data:`TASKS`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from townhall.accounts.roles import (
    START_ASSISTED_SESSION,
    VIEW_CASES,
    VIEW_DOCUMENT_BATCHES,
    VIEW_DOCUMENTS,
    VIEW_FORMS,
    VIEW_IMPORT_RUNS,
    VIEW_PUBLICATIONS,
    VIEW_SOCIAL_POSTS,
    VIEW_WORKFLOWS,
)
from townhall.accounts.second_factor import backup_codes_left
from townhall.cases.selectors import case_open_count_for
from townhall.registry.corrections import open_correction_count_for


@dataclass(frozen=True)
class Area:
    """An area of work that groups tasks in the navigation and on the start page."""

    code: str
    label: Promise


@dataclass(frozen=True)
class Task:
    """A thing a staff member may do in the back office, and the permission it needs."""

    code: str
    area: str
    label: Promise
    description: Promise
    url_name: str
    permission: str | None  # None: every staff member (their own second factor)
    query: str = ""  # appended to the URL, e.g. a list's filter
    count: Callable | None = None  # user -> int, shown beside the label
    count_text: Callable | None = None  # int -> the sentence the start page shows
    count_in_navigation: bool = True  # work waiting: beside the label in the navigation too
    # Other pages (URL names) that belong to this task, so it is marked current there.
    also_current_on: tuple[str, ...] = ()

    def allowed(self, user) -> bool:
        return self.permission is None or user.has_perm(self.permission)

    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


AREAS: tuple[Area, ...] = (
    Area("counter", _("Counter and register")),
    Area("cases", _("Cases")),
    Area("online", _("Online counter")),
    Area("messages", _("Messages")),
    Area("staff", _("Staff and sign-in")),
    Area("account", _("Your account")),
)

TASKS: tuple[Task, ...] = (
    Task(
        "assisted_session",
        "counter",
        _("Assisted session"),
        _(
            "Help a resident at the counter through the online counter, on their behalf, "
            "after checking their identity document."
        ),
        "backoffice:assisted_start",
        START_ASSISTED_SESSION,
    ),
    Task(
        "corrections",
        "counter",
        _("Correction requests"),
        _("Residents' reports that their data is not right, for your department."),
        "admin:registry_correctionrequest_changelist",
        "registry.view_correctionrequest",
        query="status__exact=open",
        count=lambda user: open_correction_count_for(user=user),
        count_text=lambda n: (
            ngettext(
                "%(n)s resident's report that their data is not right waits for handling.",
                "%(n)s residents' reports that their data is not right wait for handling.",
                n,
            )
            % {"n": n}
        ),
    ),
    Task(
        "documents",
        "counter",
        _("Issued documents"),
        _("Certificates and permits the municipality issued: find one by number, revoke it."),
        "backoffice:documents",
        VIEW_DOCUMENTS,
        also_current_on=("backoffice:document", "backoffice:document_revoke"),
    ),
    Task(
        "document_batches",
        "counter",
        _("Print batches"),
        _("Many documents at once, each sealed and numbered, in one PDF to print."),
        "backoffice:document_batches",
        VIEW_DOCUMENT_BATCHES,
        also_current_on=("backoffice:document_batch", "backoffice:document_batch_new"),
    ),
    Task(
        "imports",
        "counter",
        _("Register imports"),
        _(
            "Bring the registers up to date from their authentic sources (addresses, "
            "population, enterprises): upload a file, follow the import, its rejected rows."
        ),
        "backoffice:imports",
        VIEW_IMPORT_RUNS,
        also_current_on=("backoffice:import_start", "backoffice:import_run"),
    ),
    Task(
        "cases_inbox",
        "cases",
        _("Cases of the department"),
        _("Your department's cases: find, filter, give to a colleague, export."),
        "backoffice:cases_inbox",
        VIEW_CASES,
        count=lambda user: case_open_count_for(user=user),
        count_text=lambda n: (
            ngettext(
                "%(n)s case of your department is open.",
                "%(n)s cases of your department are open.",
                n,
            )
            % {"n": n}
        ),
        # On the start page only: in the navigation it would cost every page a count.
        count_in_navigation=False,
    ),
    Task(
        "cases_mine",
        "cases",
        _("My cases"),
        _("The cases given to you."),
        "backoffice:cases_mine",
        VIEW_CASES,
    ),
    Task(
        "cases_dashboard",
        "cases",
        _("Case figures"),
        _("Per product: open and overdue cases, and how long handling takes."),
        "backoffice:cases_dashboard",
        VIEW_CASES,
    ),
    Task(
        "products",
        "online",
        _("Products and services"),
        _("The catalogue's products: their texts in each language, how to ask, publishing."),
        "backoffice:catalog_products",
        "catalog.view_product",
        also_current_on=("backoffice:catalog_product",),
    ),
    Task(
        "forms",
        "online",
        _("Online forms"),
        _("The forms residents fill in: their versions, a new version, publishing."),
        "backoffice:forms",
        VIEW_FORMS,
        also_current_on=(
            "backoffice:form_new",
            "backoffice:form_versions",
            "backoffice:form_edit",
            "backoffice:form_version",
        ),
    ),
    Task(
        "workflows",
        "online",
        _("Workflows"),
        _("How each kind of case is handled: the models, a new version, a dry run, moving cases."),
        "backoffice:workflows",
        VIEW_WORKFLOWS,
        also_current_on=(
            "backoffice:workflow",
            "backoffice:workflow_upload",
            "backoffice:workflow_migrate",
            "backoffice:workflow_version_dry_run",
        ),
    ),
    Task(
        "publications",
        "messages",
        _("News, events and alerts"),
        _("The website's publications: write, have them reviewed, preview per channel, publish."),
        "backoffice:news_publications",
        VIEW_PUBLICATIONS,
        also_current_on=(
            "backoffice:news_publication_new",
            "backoffice:news_publication",
            "backoffice:news_publication_preview",
        ),
    ),
    Task(
        "compose",
        "messages",
        _("New announcement"),
        _("Write an announcement to residents by e-mail, SMS and letter."),
        "backoffice:messaging_compose",
        "messaging.add_broadcast",
    ),
    Task(
        "broadcasts",
        "messages",
        _("Messages overview"),
        _("The announcements sent, and what did not arrive."),
        "backoffice:messaging_home",
        "messaging.view_broadcast",
        also_current_on=("backoffice:messaging_broadcast",),
    ),
    Task(
        "message_log",
        "messages",
        _("Message log"),
        _("Every message to a resident, with its channel and state."),
        "admin:messaging_message_changelist",
        "messaging.view_message",
        also_current_on=("backoffice:messaging_person",),
    ),
    Task(
        "letters",
        "messages",
        _("Letters to print"),
        _("The day's letter batches to print and post."),
        "backoffice:messaging_letters",
        "messaging.view_letterbatch",
        also_current_on=(
            "backoffice:messaging_letter_render",
            "backoffice:messaging_letter_pdf",
            "backoffice:messaging_letter_posted",
        ),
    ),
    Task(
        "social_posts",
        "messages",
        _("Social media posts"),
        _("The posts on the municipality's social media accounts, and those that failed."),
        "backoffice:messaging_social",
        VIEW_SOCIAL_POSTS,
        also_current_on=(
            "backoffice:messaging_social_retry",
            "backoffice:messaging_social_cancel",
        ),
    ),
    Task(
        "message_templates",
        "messages",
        _("Message templates"),
        _("The texts of the messages the municipality sends, in each language."),
        "backoffice:messaging_templates",
        "messaging.view_messagetemplate",
        also_current_on=("backoffice:messaging_template",),
    ),
    Task(
        "staff_accounts",
        "staff",
        _("Staff accounts"),
        _("Colleagues' accounts, their department and role."),
        "admin:accounts_user_changelist",
        "accounts.view_user",
    ),
    Task(
        "lockouts",
        "staff",
        _("Sign-in lockouts"),
        _("Accounts locked after too many wrong passwords, to unlock."),
        "admin:axes_accessattempt_changelist",
        "axes.view_accessattempt",
    ),
    Task(
        "backup_codes",
        "account",
        _("Second factor and backup codes"),
        _("How many backup codes you have left; make new ones."),
        "staff:backup_codes",
        None,
        count=lambda user: backup_codes_left(user),
        count_text=lambda n: (
            ngettext(
                "You have %(left)s unused backup code.", "You have %(left)s unused backup codes.", n
            )
            % {"left": n}
        ),
        count_in_navigation=False,
    ),
)


@dataclass
class Entry:
    """A task as one staff member sees it: where it goes, its count, whether current."""

    task: Task
    url: str
    current: bool
    count: int | None = None

    @property
    def shows_count_in_navigation(self) -> bool:
        return self.count is not None and self.task.count_in_navigation

    @property
    def count_text(self) -> str:
        if self.count is None or self.task.count_text is None:
            return ""
        return self.task.count_text(self.count)


@dataclass
class Group:
    """An area with the tasks in it that the staff member may do."""

    area: Area
    entries: list[Entry] = field(default_factory=list)


def navigation_for(*, user, view_name: str | None = None, start_page: bool = False) -> list[Group]:
    """The areas and tasks ``user`` may do, in declaration order; empty areas left out.

    ``view_name`` (``request.resolver_match.view_name``) marks the task of the page
    shown. Counts cost one query each: the navigation counts only the work waiting
    (``count_in_navigation``), the start page (``start_page=True``) counts all.
    """
    groups = {area.code: Group(area) for area in AREAS}
    for task in TASKS:
        if not task.allowed(user):
            continue
        current = view_name is not None and view_name in (task.url_name, *task.also_current_on)
        wanted = task.count is not None and (start_page or task.count_in_navigation)
        count = task.count(user) if wanted else None
        groups[task.area].entries.append(Entry(task, task.url(), current, count))
    return [group for group in groups.values() if group.entries]


def may_open_admin(request) -> bool:
    """Whether the admin (the registers and settings) has anything for this staff member:
    the admin's own test, so the link shows exactly when its index lists an app."""
    return admin.site.has_permission(request) and bool(admin.site.get_app_list(request))
