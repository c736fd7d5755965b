"""The machinery of ``bench/pages.py``: its database, its gunicorn, its visitors, wrk.

:class:`Bench` creates what a run needs from the checkout being measured (the
database's data through ``manage.py`` and ``bench/pages_setup.py``, in demo mode
with the run's keys), starts gunicorn in production mode with the same keys,
signs staff in over HTTP, and measures one page with ``wrk`` (its Lua script
reports the median and 95th percentile). :class:`Visitor` is one browser: its
cookies and its CSRF token.
"""

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "townhall-demo"  # noqa: S105 -- the demo staff's documented password
PURPOSE = {"purpose": "counter", "explanation": ""}
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


def database_create(admin_url: str, name: str) -> None:
    """Create the bench's own database ``name``; refuse one that exists, so that a bench
    only ever drops what it made (:func:`database_drop`)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            sys.exit(
                f"The database {name} exists: the bench makes its own and drops only that "
                "one. Choose another --database or drop it yourself."
            )
        admin.execute(f'CREATE DATABASE "{name}"')


def database_drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wrk_figures(stdout: str) -> dict:
    """The figures the wrk script's ``done`` printed, with the rate per second."""
    line = next(x for x in stdout.splitlines() if x.startswith("BENCH-JSON "))
    figures = json.loads(line.removeprefix("BENCH-JSON "))
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
    if not figures["requests"]:  # not one answer within the run: no latency to give
        figures["p50_us"] = figures["p95_us"] = None
    return figures


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
        facts.update(self.register_facts(facts["resident_person"]))
        return facts

    def register_facts(self, resident: int) -> dict:
        """The person staff open (a neighbour of the resident, who got the broadcast),
        their national number to look up, an enterprise number and a word of a name."""
        script = (
            "import json, django; django.setup()\n"
            "from townhall.messaging.models import Message\n"
            "from townhall.registry.models import Organisation\n"
            "message = Message.objects.filter(broadcast__isnull=False, person__isnull=False)"
            f".exclude(person={resident}).exclude(person__national_number_encrypted='')"
            ".order_by('pk').first()\n"
            "person = message.person\n"
            "number = person.reveal_national_number()\n"
            "organisation = Organisation.objects.exclude(enterprise_number=None)"
            ".filter(kind='business').order_by('pk').first()\n"
            "print(json.dumps({'resident_number': f'{number[:2]}.{number[2:4]}.{number[4:6]}-"
            "{number[6:9]}.{number[9:]}', 'staff_person': person.pk,"
            " 'enterprise_number': organisation.enterprise_number,"
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
        person = facts["staff_person"]
        for path in (
            "/admin/registry/person/search/purpose/",
            f"/admin/registry/person/{person}/purpose/",
            f"/backoffice/berichten/persoon/{person}/",
        ):
            response, _ = clerk.request("POST", path, form=PURPOSE)
            if response.status != 302:
                sys.exit(f"Giving the purpose at {path} answered {response.status}")

    # --- measuring ------------------------------------------------------------

    def probe(self, page, visitor: Visitor) -> tuple[int, int | None, int]:
        """Status, SQL queries and size of one request."""
        response, content = visitor.request(
            page.method,
            page.path,
            form=page.form if page.method == "POST" else None,
            headers={"X-Bench-Count-Queries": "1"},
        )
        queries = response.getheader("X-Bench-Queries")
        return response.status, int(queries) if queries else None, len(content)

    def wrk(self, page, visitor: Visitor, *, connections: int, seconds: float) -> dict:
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
        figures = wrk_figures(done.stdout)
        self.drain()
        return figures

    def drain(self, *, quick: float = 0.05, patience: float = 300) -> None:
        """Wait until the workers are idle. wrk stops at the end of its time, but the
        requests it left in gunicorn's queue are still served: without waiting, a slow
        page's leftovers would be counted against the next page."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            started = time.monotonic()
            Visitor(self.port).request("GET", "/bench/hello/")
            if time.monotonic() - started < quick:
                return


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
