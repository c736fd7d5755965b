"""Reads of case handling: inboxes, the case page, Mijn zaken.

Lists read the plain columns of the case row (status, task, department,
assignee, deadline), never the engine's state. Each selector's docstring says
how many queries it runs.
"""

import datetime
import math
import re
import statistics
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from townhall.cases.models import Case, CaseEvent, CaseFile, InformationRequest
from townhall.catalog.models import Product
from townhall.eforms.submissions import DEFAULT_PREFIX
from townhall.keyset import KeysetPage, keyset_page
from townhall.municipality.scoping import for_department
from townhall.municipality.selectors import municipality_get_active_cached
from townhall.registry.models import Person
from townhall.registry.search import words_of

# ---------------------------------------------------------------- the case page (staff)


def case_for_staff(*, user, uuid) -> Case | None:
    """The case ``uuid`` if ``user``'s department handles it (a superuser: any), else None.
    One query."""
    found = (
        for_department(Case.objects.all(), user=user)
        .select_related(
            "product",
            "department",
            "assignee",
            "workflow_version__workflow",
            "submission__version__form",
            "applicant_person",
            "applicant_organisation",
            "handed_in_by",
        )
        .filter(uuid=uuid)
        .order_by()[:1]  # the uuid is unique: no ORDER BY (first()'s) for the planner to weigh
    )
    return next(iter(found), None)


def case_timeline(*, case: Case, public_only: bool = False) -> list[CaseEvent]:
    """The timeline of ``case``, oldest first, with who acted; without the looks at
    its data (:func:`case_viewers` sums those up), which would bury what happened
    under one line per page view of a case staff open every day. One query."""
    events = (
        case.events.exclude(kind=CaseEvent.Kind.VIEWED).select_related("actor").order_by("at", "id")
    )
    if public_only:
        events = events.filter(public=True)
    return list(events)


def case_viewers(*, case: Case) -> list[dict]:
    """Who looked at the submitted data of ``case``: per staff member, how often and
    when last, the latest first. Each look is also in the applicant's access log.
    One query."""
    return list(
        case.events.filter(kind=CaseEvent.Kind.VIEWED)
        .values("actor__first_name", "actor__last_name", "actor__username")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")
    )


def case_file_for_staff(*, case: Case, uuid) -> CaseFile | None:
    """The file ``uuid`` of ``case`` (already scoped), or None. One query."""
    return case.files.filter(uuid=uuid).first()


# ---------------------------------------------------------------- inboxes (staff)

PAGE_SIZE = 50
EXPORT_MAX = 10_000
SOON_DAYS = 3  # a deadline this close turns amber; past it, red
# A name that matches more persons than this asks for more of the name.
NAME_MATCHES_MAX = 1_000
REFERENCE_YEARS = 10  # a reference's number alone is looked for in these last years
DASHBOARD_DAYS = 90
OPEN, CLOSED = "open", "closed"
OVERDUE, SOON, LATER, PAUSED = "overdue", "soon", "later", "paused"
ME, NOBODY = "me", "nobody"
# sort -> (field, newest first)
SORTS = {"due": ("due_on", False), "newest": ("opened_at", True), "oldest": ("opened_at", False)}


@dataclass(frozen=True)
class InboxFilters:
    """What an inbox lists: the GET parameters, checked (``backoffice`` builds it)."""

    status: str = OPEN  # "open", "closed" or one of Case.Status
    product: int | None = None
    deadline: str = ""  # "", "overdue", "soon" (within SOON_DAYS), "later"
    assignee: str = ""  # "", "me", "nobody" or a colleague's id
    q: str = ""  # a reference (whole or its number), or words of the applicant's name
    sort: str = "due"  # "due" (soonest first), "newest", "oldest" (by date opened)


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox, and whether the name searched for matched too many persons."""

    page: KeysetPage[Case]
    too_many_names: bool = False


def deadline_state(case: Case, today: datetime.date) -> str:
    """ "overdue", "soon" (within :data:`SOON_DAYS`), "paused" (waiting for the applicant)
    or "" for an open case; "" for a closed one."""
    if not case.is_open:
        return ""
    if case.paused_since is not None:
        return PAUSED
    if case.due_on < today:
        return OVERDUE
    if case.due_on <= today + datetime.timedelta(days=SOON_DAYS):
        return SOON
    return ""


def _deadline_filter(deadline: str, today: datetime.date) -> Q:
    # A paused deadline is neither overdue nor near: it counts as later.
    soon = today + datetime.timedelta(days=SOON_DAYS)
    running = Q(paused_since__isnull=True)
    if deadline == OVERDUE:
        return running & Q(due_on__lt=today)
    if deadline == SOON:
        return running & Q(due_on__gte=today, due_on__lte=soon)
    if deadline == LATER:
        return Q(due_on__gt=soon) | Q(paused_since__isnull=False)
    return Q()


def _status_filter(status: str) -> Q:
    # is_open always, so that the department's (or assignee's) index serves every filter.
    if status == CLOSED:
        return Q(is_open=False)
    if status in Case.Status.values:
        return Q(is_open=status not in Case.CLOSED, status=status)
    return Q(is_open=True)


def _reference_candidates(term: str, year: int) -> list[str]:
    """The references ``term`` may mean: itself whole ("TH-2026-000017"), or its year and
    number ("2026-17") or its number alone ("17", "000017") under the prefixes in use
    (the municipality's, the default, corrections'), this year and the years before."""
    term = term.strip().upper()
    whole = re.fullmatch(r"([A-Z]{2,6})-(\d{4})-(\d{1,9})", term)
    if whole:
        prefix, year_of, number = whole.groups()
        return list(dict.fromkeys([term, f"{prefix}-{year_of}-{int(number):06d}"]))
    dated = re.fullmatch(r"(\d{4})-(\d{1,9})", term)
    if dated:
        years, number = [int(dated.group(1))], int(dated.group(2))
    elif re.fullmatch(r"\d{1,9}", term):
        years, number = list(range(year, year - REFERENCE_YEARS, -1)), int(term)
    else:
        return []
    municipality = municipality_get_active_cached()
    prefixes = dict.fromkeys(
        [getattr(municipality, "reference_prefix", "") or DEFAULT_PREFIX, DEFAULT_PREFIX, "COR"]
    )
    return [f"{prefix}-{y}-{number:06d}" for prefix in prefixes for y in years]


def _applicants_named(term: str) -> tuple[list[int], bool]:
    """The ids of persons whose given or family name holds every word of ``term`` (the
    register's trigram indexes answer it on PostgreSQL), at most :data:`NAME_MATCHES_MAX`;
    and whether there were more. One query."""
    words = words_of(term)[:10]
    found = Q()
    for word in words:
        found &= Q(family_name__icontains=word) | Q(given_names__icontains=word)
    ids = list(Person.objects.filter(found).values_list("pk", flat=True)[: NAME_MATCHES_MAX + 1])
    return ids[:NAME_MATCHES_MAX], len(ids) > NAME_MATCHES_MAX


def _inbox_cases(
    *, user, filters: InboxFilters, mine: bool, today: datetime.date
) -> tuple[QuerySet[Case], bool]:
    """The cases ``user`` may see that ``filters`` keep, unordered; and whether a name
    matched too many persons. A search by name runs one query (the persons)."""
    cases = for_department(Case.objects.all(), user=user).filter(_status_filter(filters.status))
    if mine or filters.assignee == ME:
        cases = cases.filter(assignee=user)
    elif filters.assignee == NOBODY:
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.product is not None:
        cases = cases.filter(product_id=filters.product)
    cases = cases.filter(_deadline_filter(filters.deadline, today))
    too_many = False
    term = filters.q.strip()
    if term:
        references = _reference_candidates(term, today.year)
        if references:
            cases = cases.filter(reference__in=references)
        else:
            # Persons first, then their cases by id: each query on its own index.
            ids, too_many = _applicants_named(term)
            cases = cases.filter(applicant_person_id__in=ids)
    return (
        cases.select_related("product", "assignee", "applicant_person", "applicant_organisation"),
        too_many,
    )


def case_inbox_page(
    *,
    user,
    filters: InboxFilters,
    params,
    today: datetime.date,
    mine: bool = False,
    size: int = PAGE_SIZE,
) -> InboxPage:
    """A page of ``user``'s department's cases (``mine``: of those given to ``user``) that
    ``filters`` keep, by keyset on the department's (or assignee's) index, with product,
    assignee and applicant. One query; two with a search by name."""
    cases, too_many = _inbox_cases(user=user, filters=filters, mine=mine, today=today)
    field, descending = SORTS.get(filters.sort, SORTS["due"])
    page = keyset_page(cases, params=params, size=size, field=field, descending=descending)
    return InboxPage(page=page, too_many_names=too_many)


def case_export_rows(
    *, user, filters: InboxFilters, today: datetime.date, mine: bool = False, limit=None
) -> tuple[list[Case], bool]:
    """The inbox's cases for an export, in its order, at most ``limit`` (by default
    :data:`EXPORT_MAX`); and whether the list was cut there. One query; two with a
    search by name."""
    limit = EXPORT_MAX if limit is None else limit
    cases, _too_many = _inbox_cases(user=user, filters=filters, mine=mine, today=today)
    field, descending = SORTS.get(filters.sort, SORTS["due"])
    order = (f"-{field}", "-pk") if descending else (field, "pk")
    rows = list(cases.order_by(*order)[: limit + 1])
    return rows[:limit], len(rows) > limit


def cases_for_assignment(*, user, uuids) -> dict:
    """The open cases among ``uuids`` that ``user``'s department handles, by uuid (those
    of other departments, closed or unknown are left out). One query."""
    cases = for_department(Case.objects.all(), user=user).filter(uuid__in=uuids, is_open=True)
    return {case.uuid: case for case in cases}


def case_open_count_for(*, user) -> int | None:
    """How many cases of ``user``'s department are open (None without a department). One
    COUNT on the department's index."""
    if getattr(user, "department_id", None) is None:
        return None
    return Case.objects.filter(department_id=user.department_id, is_open=True).count()


def case_assignees_for(*, user) -> list:
    """Whom ``user`` may give their department's cases to: the department's active staff
    (a superuser: every active member of staff with a department). One query."""
    users = Case._meta.get_field("assignee").related_model.objects.filter(is_active=True)
    if getattr(user, "department_id", None) is not None:
        users = users.filter(department_id=user.department_id)
    elif user.is_superuser:
        users = users.filter(department__isnull=False)
    else:
        return []
    return list(users.order_by("first_name", "last_name", "username"))


def case_products_for(*, user) -> list[Product]:
    """The products an inbox can be filtered by: those with a workflow, of ``user``'s
    department (a superuser: all). One query."""
    products = Product.objects.filter(workflow__isnull=False)
    if not user.is_superuser:
        products = products.filter(department_id=getattr(user, "department_id", None))
    return list(products.order_by("title"))


@dataclass
class ProductFigures:
    """The dashboard's line of one product (None: cases without one, such as corrections)."""

    product: Product | None
    open: int = 0
    overdue: int = 0
    closed: int = 0  # in the last DASHBOARD_DAYS days
    median_days: float | None = None
    p90_days: float | None = None


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted ``values``."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


def case_dashboard(*, user, now: datetime.datetime, today: datetime.date) -> list[ProductFigures]:
    """Per product of ``user``'s department: open and overdue cases, and the median and
    90th-percentile days from opened to closed of the cases closed in the last
    :data:`DASHBOARD_DAYS` days. Three queries: the open cases grouped (the department's
    index on is_open), the closed ones' two times (its index on closed_at), the products."""
    scoped = for_department(Case.objects.all(), user=user)
    figures: dict[int | None, ProductFigures] = {}
    grouped = (
        scoped.filter(is_open=True)
        .values("product_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today, paused_since__isnull=True)),
        )
        .order_by()
    )
    for row in grouped:
        figures[row["product_id"]] = ProductFigures(None, row["open"], row["overdue"])
    durations: dict[int | None, list[float]] = {}
    since = now - datetime.timedelta(days=DASHBOARD_DAYS)
    closed = scoped.filter(closed_at__gte=since).values_list("product_id", "opened_at", "closed_at")
    for product_id, opened_at, closed_at in closed:
        days = max(0.0, (closed_at - opened_at).total_seconds() / 86400)
        durations.setdefault(product_id, []).append(days)
    for product_id, days in durations.items():
        line = figures.setdefault(product_id, ProductFigures(None))
        days.sort()
        line.closed = len(days)
        line.median_days = statistics.median(days)
        line.p90_days = _percentile(days, 0.9)
    products = Product.objects.filter(workflow__isnull=False)
    if not user.is_superuser:
        products = products.filter(department_id=getattr(user, "department_id", None))
    for product in Product.objects.filter(
        Q(pk__in=[pk for pk in figures if pk is not None]) | Q(pk__in=products.values("pk"))
    ):
        figures.setdefault(product.pk, ProductFigures(None)).product = product
    return sorted(
        figures.values(),
        key=lambda line: (line.product is None, line.product.title if line.product else ""),
    )


# ---------------------------------------------------------------- Mijn zaken (residents)
#
# The rule is "My requests"'s (townhall.eforms.viewer, eforms.selectors.submissions_visible),
# told in cases' columns: ``viewer`` is what :func:`~townhall.eforms.viewer.submission_viewer`
# gives for the request (``user``, and ``person`` or ``organisation`` with eID or itsme).


def cases_visible(*, user=None, person=None, organisation=None, handed_in=()) -> QuerySet[Case]:
    """The cases a resident sees on Mijn zaken: those of the ``organisation`` or the
    ``person`` acted for, or else (an e-mail account) those ``user`` handed in for
    themselves. ``handed_in`` (anonymous submissions of this browser) is left aside:
    those are followed with their tracking code. Builds a queryset, runs nothing."""
    if organisation is not None:
        subject = Q(applicant_organisation=organisation)
    elif person is not None:
        subject = Q(applicant_person=person, applicant_organisation=None)
        if user is not None and person.pk == user.person_id:
            # Handed in before the account had a person in the register.
            subject |= Q(handed_in_by=user, applicant_person=None, applicant_organisation=None)
    elif user is not None:
        subject = Q(handed_in_by=user, applicant_organisation=None)
    else:
        return Case.objects.none()
    return Case.objects.filter(subject)


def case_page_for_resident(*, viewer: dict, params, size: int) -> KeysetPage[Case]:
    """A page of :func:`cases_visible`, newest first (``params``: the request's GET), with
    each case's product. One query."""
    return keyset_page(
        cases_visible(**viewer).select_related("product"),
        params=params,
        size=size,
        field="opened_at",
    )


def case_for_resident(*, viewer: dict, uuid) -> Case | None:
    """The case ``uuid`` if this viewer sees it on Mijn zaken (the list's rule), else
    None; with its product and submission. One query."""
    return cases_visible(**viewer).select_related("product", "submission").filter(uuid=uuid).first()


def case_open_question(*, case: Case) -> InformationRequest | None:
    """The question to the applicant still waiting for an answer, the newest. One query."""
    return case.information_requests.filter(answered_at=None).order_by("-asked_at", "-id").first()


def case_files_of_applicant(*, case: Case) -> list[CaseFile]:
    """The files the applicant sent for ``case``, oldest first. One query."""
    return list(case.files.filter(from_applicant=True).order_by("uploaded_at", "id"))


def case_file_for_resident(*, case: Case, uuid) -> CaseFile | None:
    """The file ``uuid`` the applicant sent for ``case``, else None. One query."""
    return case.files.filter(from_applicant=True, uuid=uuid).first()
