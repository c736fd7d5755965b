"""The data and transition steps of ``bench/cases.py``, run inside the checkout being measured.

    PYTHONPATH=<checkout>/src python bench/cases_setup.py generate --cases 1000000 --resident 42
    PYTHONPATH=<checkout>/src python bench/cases_setup.py urls --case <uuid>
    PYTHONPATH=<checkout>/src python bench/cases_setup.py transitions --worker 0 --workers 2

``bench/cases.py`` runs this module as a subprocess with the checkout's Python
path and the environment of its database and keys (demo mode), as
``bench/pages.py`` runs ``bench/pages_setup.py``; each step prints JSON.

``generate`` gives every online product its workflow (``services.workflows_ensure``)
and writes ``--cases`` cases over the past year with COPY: across the demo's
online products (and corrections of the register), each in its product's
department (or the model's lane), about 15 % open (a case is open with a
chance that falls with its age, so open cases are the recent ones). An open
case carries a real engine state: each version's workflow is started once
(``engine.workflow_start``) and its state (``engine.state_dump``) is the text of
every open case of that version waiting at its first task (received or in
progress); a case waiting for the applicant gets the state after that task was
done with the "ask" choice, stopped in front of the request for information.
Closed cases have no state, as the engine leaves them. Every case has 3 to 6
timeline events. Applicants are drawn from the register (``bench/pages_setup.py
grow`` makes it as large as asked); ``--resident``, the demo resident, is the
applicant of ``--resident-cases`` cases (1,000) and handed them in with their
account. Half of the open cases and every closed one are assigned to the
department's demo staff member. Cases have no submission: the case page shows
no submitted answers. Then ``VACUUM ANALYZE``; the reference counters are moved
past the references used, so a new submission takes a free one.

``urls`` resolves the pages' URL names (``backoffice:cases_inbox``,
``backoffice:case``, ``portal:my_cases``) with the checkout's URLs: each path,
or why it cannot be resolved (a page being built).

``transitions`` is one of the processes of the transitions benchmark: over its
share of the open cases waiting at their first task, it asks the applicant for
a document (``services.case_task_complete`` with the choice ``ask``: the engine
state loaded, the task done, the engine run to the request for information,
the state dumped, the row saved with ``version + 1``) and answers it
(``services.information_answer``: the engine resumes and waits at the task
again), each a transaction, for ``--seconds``; then a bare ``UPDATE cases_case
SET version = version + 1 WHERE id = %s`` of the same rows, one transaction
each, for as long.
"""

import argparse
import datetime
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid

from pages_setup import Copier, next_id, sequence_catch_up

OPEN_SHARE = 0.15
# A case opened ``age`` days ago is still open with the chance exp(-age / OPEN_DAYS):
# over a year that makes OPEN_SHARE of them open (365 * 0.15 = 55 days).
OPEN_DAYS = 365 * OPEN_SHARE
# How many cases of each product (relative); a product not named here gets the default.
PRODUCT_WEIGHTS = {
    "ophaling-grofvuil-aan-huis": 20,
    "melding-sluikstort": 15,
    "bewonersparkeerkaart": 15,
    "adreswijziging-verhuis": 15,
    "zaalreservatie": 10,
    "afspraak-aan-het-loket": 8,
    "inname-openbaar-domein": 5,
    "inschrijven-voor-een-computercursus-in-de-bibliotheek": 5,
    "evenementenvergunning": 3,
    "werkingssubsidie-voor-verenigingen": 2,
}
DEFAULT_WEIGHT = 3
CORRECTION_WEIGHT = 2
ORGANISATION_SHARE = 0.03  # cases of an organisation (a representative acts for it)
ASSIGNED_OPEN_SHARE = 0.5
NOTE = "Gebeld met de aanvrager; bijkomende gegevens volgen."
MESSAGE = "Wij hebben uw aanvraag goed ontvangen en bekijken ze deze week."
QUESTION = "Bezorg ons een foto van uw identiteitskaart."
ANSWER = "Hierbij de foto."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    generate_parser = commands.add_parser("generate")
    generate_parser.add_argument("--cases", type=int, required=True)
    generate_parser.add_argument("--resident", type=int, required=True, help="a person's id")
    generate_parser.add_argument("--resident-cases", type=int, default=1000)
    generate_parser.add_argument("--department", default="environment")
    urls_parser = commands.add_parser("urls")
    urls_parser.add_argument("--case", required=True, help="the uuid of the case page's case")
    transitions_parser = commands.add_parser("transitions")
    transitions_parser.add_argument("--worker", type=int, required=True)
    transitions_parser.add_argument("--workers", type=int, required=True)
    transitions_parser.add_argument("--seconds", type=float, default=20)
    transitions_parser.add_argument("--rows", type=int, default=4000, help="cases, all workers")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    import django

    django.setup()
    if options.command == "generate":
        result = generate(
            options.cases,
            resident=options.resident,
            resident_cases=options.resident_cases,
            department=options.department,
        )
    elif options.command == "urls":
        result = urls(options.case)
    else:
        result = transitions(
            worker=options.worker,
            workers=options.workers,
            seconds=options.seconds,
            rows=options.rows,
        )
    print(json.dumps(result))


# --- generate ---------------------------------------------------------------


def copy_text(value: str) -> str:
    """``value`` escaped for COPY's text format (backslash, tab, newline, return)."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def open_chance(age_days: float) -> float:
    """The chance a case opened ``age_days`` ago is still open."""
    return math.exp(-age_days / OPEN_DAYS)


def event_plan(rng: random.Random, status: str, count: int) -> list[str]:
    """The kinds of a case's ``count`` (3 to 6) timeline events, oldest first, for a case
    now in ``status``: what services and actions write on the way there, then notes and
    messages to make up the count."""
    if status in ("granted", "refused", "done", "withdrawn"):
        path = ["opened", "status", "task", "status_final"]
    elif status == "waiting":
        path = ["opened", "status", "task", "information_asked", "status_waiting"]
    elif status == "in_progress":
        path = ["opened", "status", "note"]
    else:  # received: nobody looked yet
        path = ["opened", "assigned", "message"]
    extra = ["note", "message", "reply", "note", "viewed", "note"]
    rng.shuffle(extra)
    if len(path) > count:  # drop the middle ones first; keep how it began and stands
        path = [path[0], *path[len(path) - count + 1 :]]
    return [*path[:1], *extra[: count - len(path)], *path[1:]]


class Versions:
    """Per workflow: its current version, product, department, first task and the two
    engine states an open case of it carries (each from one ``engine.workflow_start``)."""

    def __init__(self):
        from townhall.cases import engine, services
        from townhall.cases.models import Workflow
        from townhall.municipality.models import Department

        services.workflows_ensure()
        departments = {d.code: d.pk for d in Department.objects.all()}
        self.rows = []
        for workflow in Workflow.objects.select_related("product").order_by("key"):
            product = workflow.product
            if product is not None and not product.online:
                continue
            version = services.workflow_current(workflow)
            model = engine.spec_for(version)
            fresh = engine.workflow_start(model)
            users = engine.user_tasks(fresh)
            if not users:  # issued automatically: closed as it opens, never in an inbox
                continue
            task = users[0].task_spec
            department = departments.get(task.lane or "") or (
                product.department_id if product else None
            )
            choices = services.choices_in_model(version.bpmn.encode(), model.service_calls)
            values = [c.value for c in choices[task.bpmn_id]]
            self.rows.append(
                {
                    "version": version.pk,
                    "product": product.pk if product else None,
                    "slug": product.slug if product else "",
                    "days": (product.processing_days if product else None) or 30,
                    "department": department or departments["citizens_affairs"],
                    "weight": PRODUCT_WEIGHTS.get(product.slug, DEFAULT_WEIGHT)
                    if product
                    else CORRECTION_WEIGHT,
                    "task_id": task.bpmn_id,
                    "task_label": copy_text(task.bpmn_name or ""),
                    "task_data": copy_text(
                        json.dumps({"task": task.bpmn_id, "task_label": task.bpmn_name or ""})
                    ),
                    "state": copy_text(engine.state_dump(fresh)),
                    "asked": self._asked(engine, model) if "ask" in values else None,
                    "decisions": [v for v in values if v != "ask"],
                }
            )
        self.weights = [row["weight"] for row in self.rows]

    @staticmethod
    def _asked(engine, model) -> tuple[str, str, str]:
        """The state of a case waiting for the applicant: its first task done with the
        choice "ask", the engine stopped in front of the request for information."""
        workflow = engine.workflow_start(model)
        task = engine.user_tasks(workflow)[0]
        task.data.update({"decision": "ask", "message": QUESTION})
        task.run()
        workflow.do_engine_steps()
        service = engine.waiting_service_tasks(workflow)[0].task_spec
        return copy_text(engine.state_dump(workflow)), service.bpmn_id, service.bpmn_name or ""


class Spool:
    """COPY rows written to a temporary file first: one COPY at a time on a connection,
    and a million cases' timelines should not wait in memory."""

    def __init__(self):
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 -- closed by copy
        self.rows = 0

    def row(self, *values) -> None:
        self.file.write("\t".join(r"\N" if v is None else str(v) for v in values))
        self.file.write("\n")
        self.rows += 1

    def copy(self, cursor, table: str, columns: list[str]) -> int:
        self.file.seek(0)
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            while chunk := self.file.read(1 << 20):
                copy.write(chunk)
        self.file.close()
        return self.rows


DECISION_STATUS = {"granted": "granted", "refused": "refused"}  # others end as "done"
EVENT_COLUMNS = ["id", "at", "kind", "status", "text", "public", "data", "actor_id", "case_id"]


def generate(count: int, *, resident: int, resident_cases: int, department: str) -> dict:
    """Write ``count`` cases with their timelines (see the module's docstring)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from townhall.accounts.models import User
    from townhall.eforms.models import ReferenceCounter
    from townhall.municipality.selectors import municipality_get_active
    from townhall.registry.models import Organisation, Person

    started = time.perf_counter()
    rng = random.Random(20261203)
    versions = Versions()
    staff = dict(
        User.objects.filter(is_staff=True, department__isnull=False)
        .order_by("pk")
        .values_list("department_id", "pk")
    )
    persons = list(Person.objects.values_list("pk", "language"))
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:10000])
    resident_user = User.objects.filter(person_id=resident).values_list("pk", flat=True).first()
    municipality = municipality_get_active()
    prefix = municipality.reference_prefix if municipality else "TH"
    now = timezone.now()
    today = timezone.localdate()
    zone = timezone.get_current_timezone()  # once: localdate() looks it up per call
    # Opening times over the past year, oldest first (so ids grow with them).
    ages = sorted((rng.random() * 365 * 86400 for _ in range(count)), reverse=True)
    theirs = set(rng.sample(range(count), min(resident_cases, count)))
    # After the references already taken (the demo seed's own cases), per year.
    counters: dict[int, int] = dict(
        ReferenceCounter.objects.filter(prefix=prefix).values_list("year", "last")
    )
    figures = {"cases": 0, "open": 0, "events": 0, "overdue_open": 0, "resident_cases": 0}
    events = Spool()
    with transaction.atomic(), connection.cursor() as cursor:
        case_id, event_id = next_id(cursor, "cases_case"), next_id(cursor, "cases_caseevent")
        set_aside = indexes_set_aside(cursor, ["cases_case", "cases_caseevent"])
        checks_skipped = foreign_key_checks_skip(cursor)
        cases = Copier(
            cursor,
            "cases_case",
            ["id", "uuid", "reference", "language", "status", "is_open", "task_id", "task_label",
             "opened_at", "due_on", "paused_since", "closed_at", "decision", "motivation", "state",
             "version", "updated_at", "applicant_organisation_id", "applicant_person_id",
             "assignee_id", "correction_request_id", "department_id", "handed_in_by_id",
             "product_id", "submission_id", "workflow_version_id"],
        )  # fmt: skip
        for index, age in enumerate(ages):
            row = rng.choices(versions.rows, versions.weights)[0]
            opened = now - datetime.timedelta(seconds=age)
            counters[opened.year] = counters.get(opened.year, 0) + 1
            reference = f"{prefix}-{opened.year}-{counters[opened.year]:06d}"
            is_open = rng.random() < open_chance(age / 86400)
            due_on = opened.astimezone(zone).date() + datetime.timedelta(days=row["days"])
            assignee = staff.get(row["department"])
            organisation = person = handed_in_by = None
            if index in theirs:
                person, language, handed_in_by = resident, "nl", resident_user
                figures["resident_cases"] += 1
            elif organisations and rng.random() < ORGANISATION_SHARE:
                organisation, language = rng.choice(organisations), "nl"
            else:
                person, language = rng.choice(persons)
            paused = closed = None
            state = task_id = task_label = decision = ""
            if is_open:
                draw = rng.random()
                if draw < 0.2 and row["asked"]:
                    status = "waiting"
                    state, task_id, task_label = row["asked"]
                    paused = opened + (now - opened) * rng.uniform(0.3, 0.9)
                else:
                    status = "received" if draw < 0.6 else "in_progress"
                    state, task_id, task_label = row["state"], row["task_id"], row["task_label"]
                if status == "received" or rng.random() > ASSIGNED_OPEN_SHARE:
                    assignee = None
                figures["open"] += 1
                figures["overdue_open"] += due_on < today
                until = now
            else:
                decision = rng.choice(row["decisions"])
                status = DECISION_STATUS.get(decision, "done")
                took = rng.uniform(0.2, 1.5) * row["days"] * 86400 + 3600
                closed = until = min(opened + datetime.timedelta(seconds=took), now)
            plan = event_plan(rng, status, rng.randint(3, 6))
            cases.row(
                case_id, uuid.UUID(int=rng.getrandbits(128), version=4), reference,
                language or "nl", status, "t" if is_open else "f", task_id, task_label,
                opened.isoformat(), due_on.isoformat(), paused.isoformat() if paused else None,
                closed.isoformat() if closed else None, decision, "", state, 1 + len(plan),
                until.isoformat(), organisation, person, assignee, None, row["department"],
                handed_in_by, row["product"], None, row["version"],
            )  # fmt: skip
            span = (until - opened).total_seconds()
            moments = [0.0, *sorted(rng.random() * span for _ in plan[1:])]
            for kind, moment in zip(plan, moments, strict=True):
                at = (opened + datetime.timedelta(seconds=moment)).isoformat()
                events.row(event_id, at, *_event(rng, kind, status, assignee, row), case_id)
                event_id += 1
            case_id += 1
        cases.close()
        figures["cases"] = cases.rows
        figures["events"] = events.copy(cursor, "cases_caseevent", EVENT_COLUMNS)
        figures["copy_seconds"] = round(time.perf_counter() - started, 1)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in set_aside:
            cursor.execute(statement)
        figures["foreign_key_checks"] = "skipped" if checks_skipped else "at the commit"
        for table in ("cases_case", "cases_caseevent"):
            sequence_catch_up(cursor, table)
        for year, last in counters.items():  # new submissions take the references after these
            cursor.execute(
                "INSERT INTO eforms_referencecounter (prefix, year, last) VALUES (%s, %s, %s) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST("
                "eforms_referencecounter.last, EXCLUDED.last)",
                [prefix, year, last],
            )
    figures["indexed_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_caseevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures.update(_facts(department, resident, versions))
    return figures


def indexes_set_aside(cursor, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of ``tables`` (not those of a primary key or a unique
    constraint) for the COPY; the statements that make them again, run after it.
    PostgreSQL builds an index over a million rows far faster at once than row by row,
    and within the transaction nobody else sees the tables without them."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def foreign_key_checks_skip(cursor) -> bool:
    """Skip the foreign-key checks of this transaction's COPY when the database user may
    (a superuser: ``session_replication_role = replica``, as a restore does); every id
    written is one the generator read from its table. Whether they are skipped."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _event(rng: random.Random, kind: str, status: str, assignee, row: dict) -> tuple:
    """(kind, status, text, public, data, actor) of one planned timeline event."""
    if kind == "opened":
        return "opened", "received", "", "t", "{}", None
    if kind == "status":
        return (
            "status",
            "in_progress",
            "",
            "t",
            '{"previous": "received", "correction": false}',
            assignee,
        )
    if kind in ("status_final", "status_waiting"):
        return (
            "status",
            status,
            "",
            "t",
            '{"previous": "in_progress", "correction": false}',
            assignee,
        )
    if kind == "task":
        return "task", "", "", "f", row["task_data"], assignee
    if kind == "information_asked":
        request = uuid.UUID(int=rng.getrandbits(128), version=4)
        return "information_asked", "", QUESTION, "t", f'{{"request": "{request}"}}', assignee
    if kind == "assigned":
        return "assigned", "", "", "f", f'{{"assignee": {assignee or "null"}}}', assignee
    if kind == "message":
        return "message", "", MESSAGE, "t", "{}", assignee
    if kind == "reply":
        return "reply", "", ANSWER, "t", "{}", None
    return kind, "", NOTE if kind == "note" else "", "f", "{}", assignee  # note, viewed


def _facts(department_code: str, resident: int, versions: Versions) -> dict:
    """What the pages need: the department's demo staff member and its busiest product,
    a case to open, a reference and an applicant's name to search for."""
    from townhall.cases.models import Case
    from townhall.demo.staff import SIGN_INS
    from townhall.municipality.models import Department

    department = Department.objects.get(code=department_code)
    staff = next(s.username for s in SIGN_INS if s.department_code == department_code)
    products = sorted(
        (r for r in versions.rows if r["department"] == department.pk and r["slug"]),
        key=lambda r: -r["weight"],
    )
    cases = Case.objects.filter(department=department)
    case = (
        cases.filter(is_open=True, status="in_progress")
        .exclude(applicant_person=None)
        .exclude(applicant_person=resident)
        .select_related("applicant_person")
        .order_by("-opened_at")
        .first()
    )
    person = case.applicant_person if case else None
    return {
        "department": department_code,
        "staff": staff,
        "product": products[0]["slug"] if products else "",
        "case": str(case.uuid) if case else "",
        "reference": case.reference if case else "",
        "applicant_name": f"{person.given_names.split()[0]} {person.family_name}" if person else "",
        "department_open": cases.filter(is_open=True).count(),
        "department_cases": cases.count(),
    }


# --- urls -------------------------------------------------------------------

URL_NAMES = {
    "inbox": ("backoffice:cases_inbox", ()),
    "case": ("backoffice:case", ("case",)),
    "staff's own": ("backoffice:cases_mine", ()),
    "dashboard": ("backoffice:cases_dashboard", ()),
    "my cases": ("portal:my_cases", ()),
}


def urls(case: str) -> dict:
    """Each page's path by its URL name, or the reason it has none (``{"error": ...}``)."""
    from django.urls import NoReverseMatch, reverse

    found = {}
    for key, (name, arguments) in URL_NAMES.items():
        try:
            found[key] = {"path": reverse(name, args=[case for _a in arguments])}
        except NoReverseMatch as error:
            found[key] = {"name": name, "error": str(error)}
    return found


# --- transitions --------------------------------------------------------------


def transitions(*, worker: int, workers: int, seconds: float, rows: int) -> dict:
    """Ask-and-answer cycles through the services for ``seconds``, then bare UPDATEs of
    the same rows for as long (see the module's docstring); counts and seconds."""
    from django.db import connection, transaction

    from townhall.accounts.models import User
    from townhall.cases import services
    from townhall.cases.models import Case, InformationRequest

    staff = {
        user.department_id: user
        for user in User.objects.filter(is_staff=True, department__isnull=False).order_by("-pk")
    }
    candidates = list(
        Case.objects.filter(is_open=True, status__in=["received", "in_progress"], task_id="review")
        .order_by("id")
        .values_list("id", "version", "department_id")[:rows]
    )
    mine = candidates[worker::workers]
    if not mine:
        sys.exit("No open case waits at its first task: generate cases first.")
    versions = {pk: version for pk, version, _d in mine}

    def cycle(pk: int, department: int) -> None:
        case = services.case_task_complete(
            case=Case(pk=pk),
            version=versions[pk],
            task_id="review",
            value="ask",
            text=QUESTION,
            actor=staff[department],
        )
        request = InformationRequest.objects.get(case_id=pk, answered_at=None)
        services.information_answer(request=request, answer=ANSWER, files=[], user=None)
        versions[pk] = case.version + 1

    cycle(mine[0][0], mine[0][2])  # the first parses the model and fills the caches
    done, position = 0, 1
    started = time.perf_counter()
    cpu = time.process_time()
    while time.perf_counter() - started < seconds:
        pk, _version, department = mine[position % len(mine)]
        cycle(pk, department)
        done += 2
        position += 1
    services_seconds = time.perf_counter() - started
    services_cpu = time.process_time() - cpu
    bare, position = 0, 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        while time.perf_counter() - started < seconds:
            with transaction.atomic():
                cursor.execute(
                    "UPDATE cases_case SET version = version + 1 WHERE id = %s",
                    [mine[position % len(mine)][0]],
                )
            bare += 1
            position += 1
    return {
        "worker": worker,
        "cases": len(mine),
        "transitions": done,
        "seconds": services_seconds,
        "cpu_seconds": services_cpu,
        "updates": bare,
        "update_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    main()
