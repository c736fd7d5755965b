"""Benchmark of every page a resident or a staff member opens, beside hello-world.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    ... bench/pages.py --persons 1000000              # first grow the register to a million
    ... bench/pages.py --checkout /tmp/before         # measure another checkout's code
    ... bench/pages.py --pages 'person|household'     # only the pages whose name matches

Needs PostgreSQL (the server of ``DATABASE_URL``; the database named there is
not used) and ``wrk`` (Debian package ``wrk``).

1. Creates the database ``--database`` (default ``townhall_bench_pages``; it
   refuses one that exists, and drops only the one it created, unless
   ``--keep``), migrates it with the checkout's code and seeds the demo
   municipality (about 11,000 persons); with ``--persons N`` grows the register
   to N plausible persons with COPY (``bench/pages_setup.py``).
2. Makes what the pages show: a broadcast to the demo resident's street (with
   its letters in the day's batch) and a mandate; signs the demo resident in
   (eID, high assurance, as the OpenID callback leaves the session: production
   mode has no demo identity provider) and, over HTTP, the demo staff members
   ``burgerzaken`` and ``communicatie`` with password and second factor (the
   code from ``manage.py demo_otp_code``), and gives their purposes.
3. Starts gunicorn (``--workers`` sync workers) in production mode
   (``TOWNHALL_MODE=production``, ``DEBUG`` off, generated keys) on the
   checkout's code, with ``bench/pages_settings.py``: Townhall's settings plus
   a hello-world view at ``/bench/hello/`` and a query counter that answers
   only to the bench's header. Neither exists in Townhall itself.
4. For every page: one request to check it answers as it should and to count
   its SQL queries; then ``wrk`` with ``--connections`` clients for
   ``--duration`` seconds (requests per second, median and 95th percentile
   latency under load), and with one client (the latency of one request when
   nobody waits: what the list and search goals are about). Hello-world is
   measured at the start and the end of every run; ``--runs`` runs, medians
   printed.
5. Prints each page's figures, its ratio to hello-world, the goal of its group
   and whether it is met, and the memory of each gunicorn worker (resident and
   proportional set size, after the runs).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_DATABASE = "townhall_bench_pages"
SEARCH_NAME = "Vandamme"  # a family name of the demo in every version of it
STAFF = ("burgerzaken", "communicatie")
DEMO_PASSWORD = "townhall-demo"  # noqa: S105 -- the demo staff's documented password
PURPOSE = {"purpose": "counter", "explanation": ""}
GOALS = {"anonymous": 0.5, "resident": 0.2, "staff": 0.1}
LIST_GOAL_MS = (50, 150)  # median and 95th percentile of a staff list or search, alone

WRK_SCRIPT = r"""
local method = os.getenv("BENCH_METHOD")
if method and #method > 0 then wrk.method = method end
local body = os.getenv("BENCH_BODY")
if body and #body > 0 then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-JSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, " ..
    "\"status_errors\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    name: str
    group: str  # baseline, anonymous, resident, staff
    path: str
    who: str = ""  # the session it needs: resident, burgerzaken, communicatie
    method: str = "GET"
    form: dict = field(default_factory=dict)
    expect: int = 200
    is_list: bool = False  # a staff list or search: the latency goal applies


def pages_for(facts: dict) -> list[Page]:
    person, broadcast = facts["resident_person"], facts["broadcast"]
    person_number = facts["resident_number"]
    compose = {
        "action": "preview",
        "audience": "street",
        "street": facts["street"],
        "topic": "news",
        "subject_nl": "Wegenwerken",
        "body_nl": "Van maandag tot vrijdag is de straat afgesloten.",
    }
    return [
        Page("hello-world", "baseline", "/bench/hello/"),
        Page("home", "anonymous", "/"),
        Page("sign-in", "anonymous", "/aanmelden/"),
        Page("accessibility statement", "anonymous", "/toegankelijkheid/"),
        Page("my page", "resident", "/mijn/", "resident"),
        Page("my data (Mijn gegevens)", "resident", "/mijn/gegevens/", "resident"),
        Page("contact preferences", "resident", "/mijn/contact/", "resident"),
        Page("mandates", "resident", "/mijn/volmachten/", "resident"),
        Page("my messages (Mijn berichten)", "resident", "/mijn/berichten/", "resident"),
        Page("back-office home", "staff", "/backoffice/", "burgerzaken"),
        Page("messaging overview", "staff", "/backoffice/berichten/", "burgerzaken"),
        Page(
            "compose preview",
            "staff",
            "/backoffice/berichten/nieuw/",
            "communicatie",
            method="POST",
            form=compose,
        ),
        Page(
            "broadcast progress",
            "staff",
            f"/backoffice/berichten/verzending/{broadcast}/",
            "communicatie",
        ),
        Page("message log", "staff", f"/backoffice/berichten/persoon/{person}/", "burgerzaken"),
        Page("letter batches", "staff", "/backoffice/berichten/brieven/", "burgerzaken"),
        Page("person list", "staff", "/admin/registry/person/", "burgerzaken", is_list=True),
        Page(
            "person search (name)",
            "staff",
            f"/admin/registry/person/?{urlencode({'q': SEARCH_NAME})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "person search (street)",
            "staff",
            f"/admin/registry/person/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "person by national number",
            "staff",
            "/admin/registry/person/lookup/",
            "burgerzaken",
            method="POST",
            form={"national_number": person_number, **PURPOSE},
            expect=302,
            is_list=True,
        ),
        Page("person record", "staff", f"/admin/registry/person/{person}/change/", "burgerzaken"),
        Page("household list", "staff", "/admin/registry/household/", "burgerzaken", is_list=True),
        Page(
            "household search (street)",
            "staff",
            f"/admin/registry/household/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page("address list", "staff", "/admin/registry/address/", "burgerzaken", is_list=True),
        Page(
            "address search (street)",
            "staff",
            f"/admin/registry/address/?{urlencode({'q': facts['street']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation list",
            "staff",
            "/admin/registry/organisation/",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation search (name)",
            "staff",
            f"/admin/registry/organisation/?{urlencode({'q': facts['organisation_word']})}",
            "burgerzaken",
            is_list=True,
        ),
        Page(
            "organisation by enterprise number",
            "staff",
            f"/admin/registry/organisation/?{urlencode({'q': facts['enterprise_number']})}",
            "burgerzaken",
            is_list=True,
        ),
    ]


# --- HTTP: a small client that keeps the cookies of one visitor ------------------


class Visitor:
    """One browser: its cookies (Secure ones too: the bench talks plain HTTP to gunicorn)."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf_token()})
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        all_headers = {"Cookie": self.cookie_header(), **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""'):
                    self.cookies.pop(cookie_name, None)
                else:
                    self.cookies[cookie_name] = cookie_value
        connection.close()
        return response, content

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.request("GET", "/medewerker/aanmelden/")
        return self.cookies["csrftoken"]

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


# --- The database, the server and the data ---------------------------------------


def database_urls(url: str, name: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL must point to PostgreSQL (postgres://...).")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit("--database: lower-case letters, digits and underscores only.")
    return urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Bench:
    def __init__(self, options, workdir: Path, kept: dict | None = None):
        self.options = options
        self.workdir = workdir
        self.checkout = Path(options.checkout).resolve()
        self.python = sys.executable
        _, self.database_url = database_urls(os.environ["DATABASE_URL"], options.database)
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "TOWNHALL_NATIONAL_NUMBER_HASH_KEY": secrets.token_urlsafe(48),
            "TOWNHALL_FIELD_ENCRYPTION_KEYS": _fernet_key(),
        }
        if kept:  # a database kept by an earlier run: its numbers and sessions use its keys
            keys = {name: kept["env"][name] for name in keys}
        passed = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
        self.common = {
            **passed,
            **keys,
            "DATABASE_URL": self.database_url,
            "TOWNHALL_VAR_DIR": str(workdir / "var"),
            "PYTHONPATH": os.pathsep.join([str(self.checkout / "src"), str(BENCH_DIR)]),
            "LOG_LEVEL": "WARNING",
        }
        self.demo_env = {
            **self.common,
            "TOWNHALL_MODE": "demo",
            "TOWNHALL_TASKS_BACKEND": "immediate",
            "DJANGO_SETTINGS_MODULE": "townhall.settings",
        }
        self.server_env = {
            **self.common,
            "TOWNHALL_MODE": "production",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TOWNHALL_PUBLIC_URL": "https://townhall.bench.invalid",
            "DJANGO_SETTINGS_MODULE": "pages_settings",
        }
        self.server = None
        self.port = free_port()

    def manage(self, *arguments: str, capture: bool = False) -> str:
        command = [self.python, str(self.checkout / "manage.py"), *arguments]
        done = subprocess.run(
            command, env=self.demo_env, check=True, capture_output=capture, text=True
        )
        return done.stdout if capture else ""

    def setup_step(self, *arguments: str) -> str:
        command = [self.python, str(BENCH_DIR / "pages_setup.py"), *arguments]
        done = subprocess.run(
            command, env=self.demo_env, check=True, capture_output=True, text=True
        )
        if done.stderr.strip():
            print(done.stderr.strip(), file=sys.stderr)
        return done.stdout

    def build(self) -> dict:
        started = time.perf_counter()
        self.manage("migrate", "--verbosity", "0")
        if not self.options.reuse:
            self.manage("seed_demo", capture=True)
            print(f"Migrated and seeded the demo in {time.perf_counter() - started:.0f} s")
        if self.options.persons:
            print(self.setup_step("grow", "--persons", str(self.options.persons)).strip())
        facts = json.loads(self.setup_step("prepare"))
        facts.update(self.register_facts())
        return facts

    def register_facts(self) -> dict:
        """A national number and an enterprise number to look up, and a word of a name."""
        script = (
            "import json, django; django.setup()\n"
            "from townhall.registry.models import Organisation, Person\n"
            "person = Person.objects.exclude(national_number_encrypted='').order_by('pk')[100]\n"
            "number = person.reveal_national_number()\n"
            "organisation = Organisation.objects.exclude(enterprise_number=None)"
            ".filter(kind='business').order_by('pk').first()\n"
            "print(json.dumps({'resident_number': f'{number[:2]}.{number[2:4]}.{number[4:6]}-"
            "{number[6:9]}.{number[9:]}', 'enterprise_number': organisation.enterprise_number,"
            " 'organisation_word': organisation.name.split()[0]}))\n"
        )
        done = subprocess.run(
            [self.python, "-c", script],
            env=self.demo_env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout)

    def start_server(self) -> None:
        log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115 -- lives with the server
        command = [
            self.python,
            "-m",
            "gunicorn",
            "townhall.wsgi:application",
            "--workers",
            str(self.options.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "300",
            "--error-logfile",
            "-",
        ]
        self.server = subprocess.Popen(
            command, env=self.server_env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                sys.exit(f"gunicorn stopped: see {self.workdir / 'gunicorn.log'}")
            try:
                response, _ = Visitor(self.port).request("GET", "/bench/hello/")
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit("gunicorn did not answer within a minute")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=60)

    def worker_memory(self) -> list[tuple[int, float, float]]:
        """(pid, RSS MB, PSS MB) of each gunicorn worker."""
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        result = []
        for pid in children.read_text().split():
            values = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                name, _, rest = line.partition(":")
                values[name] = int(rest.split()[0]) / 1024
            result.append((int(pid), values["Rss"], values["Pss"]))
        return result

    # --- sign-ins -------------------------------------------------------------

    def staff_sign_in(self, username: str) -> Visitor:
        visitor = Visitor(self.port)
        response, content = visitor.request(
            "POST",
            "/medewerker/aanmelden/",
            form={"username": username, "password": DEMO_PASSWORD},
        )
        if response.status != 302:
            print(content.decode()[:3000], file=sys.stderr)
            sys.exit(f"The staff sign-in of {username} answered {response.status}")
        code = self.manage("demo_otp_code", username, capture=True).strip()
        response, _ = visitor.request("POST", response.getheader("Location"), form={"code": code})
        if response.status != 302 or "sessionid" not in visitor.cookies:
            sys.exit(f"The second factor of {username} answered {response.status}")
        return visitor

    def give_purposes(self, visitors: dict, facts: dict) -> None:
        """The purposes the staff pages ask (each is remembered for half an hour)."""
        clerk = visitors["burgerzaken"]
        person = facts["resident_person"]
        for path in (
            "/admin/registry/person/search/purpose/",
            f"/admin/registry/person/{person}/purpose/",
            f"/backoffice/berichten/persoon/{person}/",
        ):
            response, _ = clerk.request("POST", path, form=PURPOSE)
            if response.status != 302:
                sys.exit(f"Giving the purpose at {path} answered {response.status}")

    # --- measuring ------------------------------------------------------------

    def probe(self, page: Page, visitor: Visitor) -> tuple[int, int | None, int]:
        """Status, SQL queries and size of one request."""
        response, content = visitor.request(
            page.method,
            page.path,
            form=page.form if page.method == "POST" else None,
            headers={"X-Bench-Count-Queries": "1"},
        )
        queries = response.getheader("X-Bench-Queries")
        return response.status, int(queries) if queries else None, len(content)

    def wrk(self, page: Page, visitor: Visitor, *, connections: int, seconds: float) -> dict:
        script = self.workdir / "report.lua"
        if not script.exists():
            script.write_text(WRK_SCRIPT)
        env = {**os.environ, "BENCH_METHOD": page.method, "BENCH_BODY": ""}
        if page.method == "POST":
            env["BENCH_BODY"] = urlencode(
                {**page.form, "csrfmiddlewaretoken": visitor.csrf_token()}
            )
        command = [
            "wrk",
            "--threads",
            str(min(2, connections)),
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "60s",
            "--script",
            str(script),
        ]
        if visitor.cookies:
            command += ["--header", f"Cookie: {visitor.cookie_header()}"]
        command.append(f"http://127.0.0.1:{self.port}{page.path}")
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON "))
        figures = json.loads(line.removeprefix("BENCH-JSON "))
        figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
        return figures


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def measure(bench: Bench, facts: dict, visitors: dict) -> tuple[list, dict]:
    options = bench.options
    pages = pages_for(facts)
    if options.pages:
        chosen = re.compile(options.pages, re.IGNORECASE)
        pages = [p for p in pages if p.group == "baseline" or chosen.search(p.name)]
    hello = pages[0]
    probes = {}
    for page in pages:
        visitor = visitors.get(page.who) or Visitor(bench.port)
        bench.give_purposes(visitors, facts)
        status, queries, size = bench.probe(page, visitor)
        probes[page.name] = (status, queries, size)
        if status != page.expect:
            print(f"  {page.name}: answered {status}, expected {page.expect}; left out")
    measured = [p for p in pages if probes[p.name][0] == p.expect]
    results = {page.name: {"load": [], "alone": [], "ratio": []} for page in measured}
    for run in range(1, options.runs + 1):
        hello_rates = []
        for page in [hello, *measured[1:], hello]:
            visitor = visitors.get(page.who) or Visitor(bench.port)
            if page.who == "burgerzaken":
                bench.give_purposes(visitors, facts)
            load = bench.wrk(
                page, visitor, connections=options.connections, seconds=options.duration
            )
            if page is hello:
                hello_rates.append(load["rate"])
                results[hello.name]["load"].append(load)
                continue
            alone = bench.wrk(page, visitor, connections=1, seconds=options.alone_duration)
            results[page.name]["load"].append(load)
            results[page.name]["alone"].append(alone)
        baseline = statistics.mean(hello_rates)
        for page in measured[1:]:
            results[page.name]["ratio"].append(results[page.name]["load"][-1]["rate"] / baseline)
        print(f"  run {run} of {options.runs} done; hello-world {baseline:,.0f} requests/s")
    return [(page, probes[page.name], results[page.name]) for page in measured], probes


def report(rows: list, memory: list, options, facts: dict) -> None:
    def median(values):
        return statistics.median(values) if values else float("nan")

    print()
    print(
        f"Pages at {facts['persons']:,} persons; gunicorn {options.workers} sync workers, "
        f"wrk {options.connections} connections, {options.runs} runs of {options.duration} s "
        f"(alone: 1 connection, {options.alone_duration} s); medians of the runs"
    )
    header = (
        f"{'page':36} {'group':9} {'SQL':>4} {'req/s':>8} {'ratio':>6} {'goal':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'alone p50':>9} {'alone p95':>9}  met"
    )
    print(header)
    print("-" * len(header))
    for page, (_status, queries, _size), result in rows:
        rate = median([x["rate"] for x in result["load"]])
        p50 = median([x["p50_us"] / 1000 for x in result["load"]])
        p95 = median([x["p95_us"] / 1000 for x in result["load"]])
        errors = sum(x["status_errors"] + x["socket_errors"] for x in result["load"])
        if page.group == "baseline":
            print(
                f"{page.name:36} {page.group:9} {queries if queries is not None else '?':>4} "
                f"{rate:>8,.0f} {1:>6.2f} {'':>5} {p50:>7.1f} {p95:>7.1f}"
            )
            continue
        ratio = median(result["ratio"])
        alone50 = median([x["p50_us"] / 1000 for x in result["alone"]])
        alone95 = median([x["p95_us"] / 1000 for x in result["alone"]])
        goal = GOALS[page.group]
        met = ratio >= goal
        if page.is_list:
            met = met and alone50 < LIST_GOAL_MS[0] and alone95 < LIST_GOAL_MS[1]
        note = "yes" if met else "NO"
        if errors:
            note += f" ({errors} errors)"
        print(
            f"{page.name:36} {page.group:9} {queries if queries is not None else '?':>4} "
            f"{rate:>8,.1f} {ratio:>6.3f} {goal:>5} {p50:>7.1f} {p95:>7.1f} "
            f"{alone50:>9.1f} {alone95:>9.1f}  {note}"
        )
    print(
        "Goals: ratio to hello-world (anonymous 0.5, resident 0.2, staff 0.1); a staff list or "
        f"search alone under {LIST_GOAL_MS[0]} ms median and {LIST_GOAL_MS[1]} ms at the 95th "
        "percentile. SQL: the queries of one request (session read and write included)."
    )
    if memory:
        largest = max(rss for _pid, rss, _pss in memory)
        print(
            "Memory per worker after the runs: "
            + ", ".join(f"RSS {rss:.0f} MB / PSS {pss:.0f} MB" for _pid, rss, pss in memory)
            + f"; goal under 150 MB: {'yes' if largest < 150 else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--persons", type=int, default=0, help="grow the register to this many")
    parser.add_argument("--checkout", default=str(ROOT), help="the source tree to measure")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per page")
    parser.add_argument("--alone-duration", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="", help="a regular expression over the page names")
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    parser.add_argument(
        "--reuse",
        metavar="FOLDER",
        help="measure again the database an earlier --keep run left (its folder); kept after",
    )
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not (Path(options.checkout) / "src" / "townhall").is_dir():
        sys.exit(f"--checkout {options.checkout} holds no src/townhall")
    kept = None
    if options.reuse:
        kept = json.loads((Path(options.reuse) / "bench.json").read_text())
        options.database = urlsplit(kept["env"]["DATABASE_URL"]).path.lstrip("/")
        options.keep = True
    admin_url, _ = database_urls(os.environ["DATABASE_URL"], options.database)

    import psycopg

    if kept:
        run(options, Path(options.reuse), kept, admin_url)
        return
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [options.database]
        ).fetchone()
        if exists:
            sys.exit(
                f"The database {options.database} exists: the bench makes its own and drops "
                "only that one. Choose another --database or drop it yourself."
            )
        admin.execute(f'CREATE DATABASE "{options.database}"')
    run(options, Path(tempfile.mkdtemp(prefix="townhall-bench-pages-")), None, admin_url)


def run(options, workdir: Path, kept: dict | None, admin_url: str) -> None:
    import psycopg

    bench = Bench(options, workdir, kept)
    try:
        facts = bench.build()
        bench.start_server()
        visitors = {
            "resident": Visitor(bench.port, {"sessionid": facts["resident_session"]}),
            **{username: bench.staff_sign_in(username) for username in STAFF},
        }
        if options.keep:
            # What bench/pages_profile.py needs to replay a page on the kept database.
            kept = {
                "env": bench.server_env,
                "facts": facts,
                "cookies": {name: v.cookies for name, v in visitors.items()},
            }
            (workdir / "bench.json").write_text(json.dumps(kept, indent=1))
        rows, _ = measure(bench, facts, visitors)
        memory = bench.worker_memory()
        report(rows, memory, options, facts)
    finally:
        bench.stop_server()
        if options.keep:
            print(f"Kept the database {options.database} and {workdir}.")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)')
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
